"""Agreement on any attribute the schema declares, checked against trusted libraries:
news-plus's passage attribute `certainty` and document attribute `overall_stance`
(sklearn's kappa, the krippendorff package's alpha), and a multi-valued attribute's
MASI-weighted alpha (NLTK's AnnotationTask with masi_distance)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import krippendorff
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance as nltk_masi
from sklearn.metrics import cohen_kappa_score

from annotations.models import DocumentLabels, Passage
from annotations.review.agreement import (
    compute_agreement,
    format_report,
    masi_alpha,
    masi_distance,
)
from annotations.schema import Attribute, LabelSchema, load_schema

NEWS_PLUS = Path(__file__).parents[1] / "data" / "schemas" / "news-plus.yaml"
ANNOTATORS = ("amal", "omar", "sara")
CERTAINTY = ("certain", "likely", "doubtful", None)
STANCES = ("supportive", "critical", "neutral", "mixed")
TOPICS = ("security", "politics", "economy", "refugees")


@pytest.fixture(scope="module")
def plus() -> LabelSchema:
    return load_schema(NEWS_PLUS)


def with_topics(schema: LabelSchema) -> LabelSchema:
    claim = schema.attribute("claim_type")
    assert claim is not None
    values = tuple(replace(v, id=t) for v, t in zip(claim.values, TOPICS, strict=False))
    topics = Attribute("topics", "choice", "مواضيع", "Topics", values=values, multiple=True)
    return replace(schema, attributes=(*schema.attributes, topics))


def _corpus(seed: int, topics: bool = False) -> dict[str, list[Passage]]:
    """Articles where every annotator marks the same spans (some skip one), with random
    certainty (and topics): every shared span is a unit, in a known order."""
    rng = random.Random(seed)
    corpus: dict[str, list[Passage]] = {}
    for a in range(12):
        article_id = f"art-{a:02d}"
        passages = []
        for k in range(rng.randint(2, 9)):
            base = rng.choice(CERTAINTY)
            for name in ANNOTATORS:
                if rng.random() < 0.2:
                    continue
                labels: dict[str, object] = {"claim_type": "warning"}
                value = base if rng.random() < 0.6 else rng.choice(CERTAINTY)
                if value is not None:
                    labels["certainty"] = value
                if topics:
                    chosen = sorted(rng.sample(TOPICS, rng.randint(0, 3)))
                    if chosen:
                        labels["topics"] = chosen
                passages.append(
                    Passage(
                        f"{article_id}-{name}-{k}",
                        article_id,
                        k * 20,
                        k * 20 + 10,
                        "",
                        name,
                        labels,
                    )
                )
        corpus[article_id] = passages
    return corpus


def _units(corpus: dict[str, list[Passage]], attribute: str) -> list[dict[str, object]]:
    """Per (article, span): each annotator's value of the attribute (absent: no passage)."""
    units: dict[tuple[str, int], dict[str, object]] = {}
    for article_id, passages in corpus.items():
        for p in passages:
            value = p.labels.get(attribute)
            if isinstance(value, list):
                value = frozenset(value)
            units.setdefault((article_id, p.start), {})[p.annotator] = value
    # An article counts for an annotator only when they marked something in it; every
    # annotator here marks most spans, so check that assumption holds.
    return [units[k] for k in sorted(units)]


def test_certainty_kappa_and_alpha_against_libraries(plus: LabelSchema) -> None:
    corpus = _corpus(3)
    report = compute_agreement(corpus, schema=plus)
    assert report.attributes == ("actor", "stance", "claim_type", "certainty")
    units = _units(corpus, "certainty")
    codes = {v: i for i, v in enumerate(CERTAINTY)}  # None (left empty) is a value
    data = [[codes[u[name]] if name in u else float("nan") for u in units] for name in ANNOTATORS]
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert report.alpha["certainty"].value == pytest.approx(theirs)
    for pair in report.pairs:
        shared = [u for u in units if pair.a in u and pair.b in u]
        a = [str(u[pair.a]) for u in shared]
        b = [str(u[pair.b]) for u in shared]
        assert pair.confusion["certainty"].n == len(shared)
        assert pair.kappa["certainty"] == pytest.approx(cohen_kappa_score(a, b))


def test_overall_stance_per_document_against_libraries(plus: LabelSchema) -> None:
    rng = random.Random(8)
    documents: dict[str, list[DocumentLabels]] = {}
    truth: list[dict[str, str | None]] = []
    for a in range(60):
        article_id = f"art-{a:02d}"
        base = rng.choice(STANCES)
        given: dict[str, str | None] = {}
        for name in ANNOTATORS:
            roll = rng.random()
            if roll < 0.15:
                continue  # no document labels from this annotator
            value = base if roll < 0.75 else rng.choice(STANCES)
            documents.setdefault(article_id, []).append(
                DocumentLabels(article_id, name, {"overall_stance": value})
            )
            given[name] = value
        truth.append(given)
    report = compute_agreement({}, ANNOTATORS, plus, documents_by_article=documents)
    document = report.document
    assert document is not None and document.attributes == ("overall_stance",)
    codes = {v: i for i, v in enumerate(STANCES)}
    data = [[codes[t[n]] if n in t else float("nan") for t in truth] for n in ANNOTATORS]
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    alpha = document.alpha["overall_stance"]
    assert alpha.value == pytest.approx(theirs)
    assert alpha.n_units == sum(1 for t in truth if len(t) >= 2) == document.n_articles
    for pair in document.pairs:
        shared = [t for t in truth if pair.a in t and pair.b in t]
        assert pair.n_articles == len(shared)
        theirs_kappa = cohen_kappa_score([t[pair.a] for t in shared], [t[pair.b] for t in shared])
        assert pair.kappa["overall_stance"] == pytest.approx(theirs_kappa)
    data_json = report.to_json()["document"]
    assert data_json["alpha"] == {"overall_stance": alpha.value}
    text = format_report(report, confusion=True)
    assert "Document attributes, articles as units" in text
    assert "  overall stance " in text
    assert "document overall stance: amal / omar (rows a, columns b)" in text


def test_no_document_figures_without_document_attributes() -> None:
    report = compute_agreement(_corpus(1))
    assert report.document is None and "document" not in report.to_json()
    assert "Document attributes" not in format_report(report)


def test_masi_distance_as_nltk() -> None:
    sets = [frozenset(s) for s in ([], ["a"], ["a", "b"], ["b"], ["a", "b", "c"], ["c", "d"])]
    for x in sets:
        for y in sets:
            if x or y:
                assert masi_distance(x, y) == pytest.approx(nltk_masi(set(x), set(y)))
    assert masi_distance(frozenset(), frozenset()) == 0.0
    assert masi_distance(frozenset("a"), frozenset("ab")) == pytest.approx(1 - 0.5 * 2 / 3)


def _nltk_alpha(units: list[dict[str, object]]) -> float:
    triples = [
        (name, str(i), value) for i, unit in enumerate(units) for name, value in unit.items()
    ]
    return float(AnnotationTask(data=triples, distance=nltk_masi).alpha())


@pytest.mark.parametrize("seed", range(6))
def test_several_values_get_masi_alpha_as_nltk(plus: LabelSchema, seed: int) -> None:
    schema = with_topics(plus)
    corpus = _corpus(seed, topics=True)
    report = compute_agreement(corpus, schema=schema)
    assert report.multiple == frozenset({"topics"})
    units = [u for u in _units(corpus, "topics") if len(u) >= 2]
    # NLTK's masi_distance takes two empty sets as 0 apart only by a 0/0; ours says 0.
    as_sets = [{k: frozenset(v or ()) for k, v in u.items()} for u in units]
    if any(not v for u in as_sets for v in u.values()):
        as_sets = [{k: v or frozenset({"(none)"}) for k, v in u.items()} for u in as_sets]
    assert report.alpha["topics"].value == pytest.approx(_nltk_alpha(as_sets))
    assert report.alpha["topics"].n_units == len(units)
    table = [[u.get(n) for u in as_sets] for n in ANNOTATORS]
    assert masi_alpha(table) == pytest.approx(report.alpha["topics"].value)
    assert "MASI-weighted for several values" in format_report(report)
