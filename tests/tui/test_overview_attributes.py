"""The overview counts passages by every choice attribute of the schema (news-plus's
`certainty` too), each value by its name, unlabelled passages apart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from annotations.overview import corpus_overview
from annotations.schema import load_schema
from tests.support.corpus import SEED_ID, two_annotator_db
from tui.screens.overview import counted_attributes, render_overview

NEWS_PLUS = Path(__file__).parents[1] / "data" / "schemas" / "news-plus.yaml"


def _count(lines: list[str], section: str, name: str) -> int:
    start = lines.index(section) + 1
    for line in lines[start:]:
        if not line.strip():
            break
        if line.startswith(name):
            return int(line[28:].split()[0].replace(",", ""))
    raise AssertionError(f"no row {name!r} under {section!r}")


def test_counts_per_choice_attribute(tmp_path: Path) -> None:
    schema = load_schema(NEWS_PLUS)
    store = two_annotator_db(tmp_path / "team.db")
    for p in store.passages(SEED_ID, "omar"):
        store.update_passage(replace(p, labels={**p.labels, "certainty": "likely"}), by="omar")
    attributes = [a.id for a in counted_attributes(schema)]
    assert attributes == ["stance", "claim_type", "certainty"]
    figures = corpus_overview(store, "sara", attributes)
    store.close()
    assert figures.labels["certainty"] == {"likely": 2, "": 3}
    lines = render_overview(figures, "sara", schema).plain.split("\n")
    assert "Passages by certainty" in lines and "Passages by claim type" in lines
    assert _count(lines, "Passages by certainty", "Likely") == 2
    assert _count(lines, "Passages by certainty", "Certain") == 0
    assert _count(lines, "Passages by certainty", "(no certainty)") == 3
    assert _count(lines, "Passages by stance", "Critical") == 2
    assert _count(lines, "Passages by claim type", "Warning") == 2
