"""The built-in suggesters on real Arabic sentences: offsets exact against the stored text."""

from __future__ import annotations

import importlib.metadata
import json
import sys
import textwrap
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.models import Article, Passage
from annotations.schema import default_schema, parse_schema
from annotations.suggest import (
    GROUP,
    Suggesters,
    SuggesterUnavailable,
    Suggestion,
    Words,
    load_plugins,
    propagate,
)


def article(text: str, article_id: str = "a1") -> Article:
    text = unicodedata.normalize("NFC", text)
    return Article(article_id, "", "", text, ((0, len(text)),))


def run(text: str, sources: tuple[str, ...] = ("actors",), **kw: object) -> list[Suggestion]:
    found = Suggesters(default_schema(), **kw).suggest(article(text), sources)  # type: ignore[arg-type]
    for s in found:  # the one offset rule
        assert unicodedata.normalize("NFC", text)[s.start : s.end] == s.text
    return found


def actors(text: str) -> list[tuple[str, str]]:
    return [(s.text, s.labels["actor"]) for s in run(text)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "وأعلن التحالف الدولي وداعش في البيان",
            [("التحالف الدولي", "international_coalition"), ("داعش", "isis")],
        ),
        ("شن الطيران غارات على مواقع لتنظيم الدولة في الصحراء", [("تنظيم الدولة", "isis")]),
        ("فالقوات الأمريكية انسحبت", [("القوات الأمريكية", "us_forces")]),
        ("ضربات بالقاعدة الخلفية لتنظيم القاعدة", [("تنظيم القاعدة", "al_qaeda")]),
        # ل + ال is written لل: the span keeps the ل that swallowed the alef
        ("رسالة للحشد الشعبي", [("للحشد الشعبي", "popular_mobilization_forces")]),
        ("وللحشد الشعبي", [("للحشد الشعبي", "popular_mobilization_forces")]),
        ("وكتنظيم داعش", [("تنظيم داعش", "isis")]),
    ],
)
def test_actor_names_with_clitics(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert actors(sentence) == expected


def test_clitics_stay_outside_the_span() -> None:
    text = "هاجم مقاتلون وداعش القرية"
    [s] = run(text)
    assert (s.start, s.end) == (text.index("داعش"), text.index("داعش") + 4)


def test_diacritics_inside_a_name_stay_inside_the_span() -> None:
    text = "وأكّدَ تنظيمُ القاعدةِ ذلك"
    [s] = run(text)
    assert s.text == "تنظيمُ القاعدةِ"  # the kasra on the last letter too
    assert s.labels["actor"] == "al_qaeda"


def test_spelling_variants_as_in_search() -> None:
    # hamza on alef dropped, ة written ه, tatweel inside
    assert actors("قالت القوات الامريكيه إن") == [("القوات الامريكيه", "us_forces")]
    assert actors("ذكرت القـوات الأمريكية") == [("القـوات الأمريكية", "us_forces")]


def test_longest_match_first_no_overlaps() -> None:
    found = actors("أعلن تنظيم الدولة الإسلامية مسؤوليته")
    assert found == [("تنظيم الدولة الإسلامية", "isis")]


def test_part_of_a_word_is_not_a_name() -> None:
    assert actors("الداعشية والتحالفات") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "وصلت التعزيزات إلى قاعدة عين الأسد غرب الأنبار",
        "هبطت الطائرات في القاعدة الجوية قرب بغداد",
        "ونقلت المعدات إلى القاعدة",
    ],
)
def test_an_ambiguous_name_without_context_is_not_suggested(sentence: str) -> None:
    assert [s for s in run(sentence) if s.labels.get("actor") == "al_qaeda"] == []


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("أعلنت القاعدة مسؤوليتها عن الهجوم", "near a reporting verb"),
        ("قتل عناصر من جماعة القاعدة", "after «جماعه»"),
        ("تنشط القاعدة وداعش في البادية", "before another actor"),
    ],
)
def test_an_ambiguous_name_in_context_is_suggested(sentence: str, why: str) -> None:
    [s] = [s for s in run(sentence) if s.labels.get("actor") == "al_qaeda"]
    assert s.text == "القاعدة" and why in s.reason


def test_the_schema_marks_ambiguity_on_an_actor_or_an_alias(tmp_path: Path) -> None:
    schema = parse_schema(
        textwrap.dedent(
            """\
            name: t
            version: "1"
            actors:
              - {id: raad, name_ar: سيف رعد, name_en: Saif Raad, aliases: [{name: رعد, ambiguous: true}]}
              - {id: hashd, name_ar: الحشد, name_en: PMF, ambiguous: true}
            attributes: [{id: actor, type: actor}]
            cues: [غرد]
            """
        )
    )
    assert schema.actor("raad").ambiguous_aliases == ("رعد",)
    assert schema.actor("hashd").is_ambiguous("PMF")
    assert parse_schema(json.dumps(schema.to_json(), ensure_ascii=False)) == schema
    suggest = Suggesters(schema)
    found = suggest.suggest(article("سمع صوت رعد قوي. وغرد الحشد أمس"), ("actors",))
    assert [(s.text, s.reason) for s in found] == [
        ("الحشد", "name «الحشد» (near a reporting verb)")
    ]


# --- cues and quotes ----------------------------------------------------------------


def test_a_reporting_verb_introduces_the_rest_of_the_sentence_with_its_speaker() -> None:
    text = "وأكدت مصادر عراقية مطلعة أن بغداد كانت تمتلك صورة مبكرة عن التطورات. وفي سياق آخر"
    [cue] = [s for s in run(text, ("cues",))]
    assert cue.text == "بغداد كانت تمتلك صورة مبكرة عن التطورات"
    assert dict(cue.labels) == {"actor": "informed_sources"}
    assert cue.source == "cues" and "«وأكدت»" in cue.reason


def test_a_denial_hints_at_its_claim_type() -> None:
    text = "ونفت وزارة الدفاع الأمريكية وجود أي خطط لإعادة القوات"
    [cue] = run(text, ("cues",))
    assert dict(cue.labels) == {"actor": "pentagon", "claim_type": "denial"}
    assert cue.text == "وجود أي خطط لإعادة القوات"


@pytest.mark.parametrize(("opening", "closing"), [("«", "»"), ('"', '"'), ("“", "”")])
def test_quotations_in_every_style(opening: str, closing: str) -> None:
    inner = "لن نسمح بعودة التنظيم إلى المدن"
    text = f"وقال مصدر أمني: {opening}{inner}{closing} مضيفا أن القوات مستعدة."
    found = run(text, ("quotes", "cues"))
    [quote] = [s for s in found if s.source == "quotes"]
    assert quote.text == inner
    assert text[quote.start - 1] == opening and text[quote.end] == closing
    assert dict(quote.labels) == {"actor": "anonymous_security_source"}


def test_scare_quotes_around_a_name_are_not_quotations() -> None:
    assert run('ومنع عودة نشاط تنظيم "داعش" وشبكات التهريب', ("quotes",)) == []


def test_schema_cues_extend_the_lexicon() -> None:
    schema = default_schema()
    text = "غرد مصدر أمني بأن الوضع مستقر في الحدود الغربية"
    assert Suggesters(schema).suggest(article(text), ("cues",)) == []
    from dataclasses import replace

    extended = replace(schema, cues=("غرّد",))
    [cue] = Suggesters(extended).suggest(article(text), ("cues",))
    assert cue.text == "الوضع مستقر في الحدود الغربية"


# --- propagation and gold ------------------------------------------------------------


def _passage(text: str, phrase: str, annotator: str = "sara", **labels: str) -> Passage:
    start = text.index(phrase)
    return Passage("p1", "a1", start, start + len(phrase), phrase, annotator, labels=labels)


def test_propagation_suggests_the_same_words_with_the_same_labels() -> None:
    text = "مخيم الهول يضم آلاف العائلات. وفي مخيم الهول نفسه، ولمخيم الهول حراسه."
    tagged = _passage(text, "مخيم الهول", actor="sdf", stance="neutral")
    found = propagate([tagged], "a1", Words(text))
    assert [(s.start, s.text) for s in found] == [
        (text.index("مخيم الهول", 5), "مخيم الهول"),
        (text.index("مخيم الهول", 40), "مخيم الهول"),
    ]
    assert all(dict(s.labels) == {"actor": "sdf", "stance": "neutral"} for s in found)
    assert {s.annotator for s in found} == {"sara"}


def test_gold_passages_become_actor_names() -> None:
    text = "وقال أبو بكر البغدادي إن"
    gold = [_passage(text, "أبو بكر البغدادي", actor="isis")]
    assert run(text) == []
    [s] = run(text, ("gold",), gold=gold)
    assert (s.text, s.labels["actor"], s.source) == ("أبو بكر البغدادي", "isis", "gold")


# --- plugins ---------------------------------------------------------------------------


class StandIn:
    """A tiny external suggester: every «مخيم» is a suggestion."""

    def suggest(self, article: Article, schema: object) -> Iterator[Suggestion]:
        at = article.text.find("مخيم")
        while at >= 0:
            yield Suggestion(article.id, at, at + 4, "", {}, "", 0.75, "stand-in model")
            at = article.text.find("مخيم", at + 1)


def unavailable() -> None:
    raise SuggesterUnavailable("needs a model")


class _Dist(importlib.metadata.Distribution):
    def read_text(self, filename: str) -> str | None:
        if filename == "entry_points.txt":
            return (
                f"[{GROUP}]\nstand-in = tests.unit.test_suggest:StandIn\n"
                "needs-model = tests.unit.test_suggest:unavailable\n"
            )
        if filename in ("METADATA", "PKG-INFO"):
            return "Metadata-Version: 2.1\nName: hashiya-stand-in\nVersion: 1\n"
        return None

    def locate_file(self, path: object) -> Path:
        return Path(str(path))


class _Finder(importlib.metadata.DistributionFinder):
    def find_spec(self, *args: object) -> None:
        return None

    def find_distributions(self, context: object = None) -> list[_Dist]:  # type: ignore[override]
        return [_Dist()]


@pytest.fixture
def stand_in() -> Iterator[None]:
    finder = _Finder()
    sys.meta_path.append(finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def test_an_entry_point_suggester_runs_and_names_its_source(stand_in: None) -> None:
    plugins = {p.name: p for p in load_plugins()}
    assert plugins["needs-model"].suggester is None
    assert plugins["needs-model"].problem == "needs a model"
    text = "مخيم الهول ومخيم روج"
    found = Suggesters(default_schema(), plugins=[plugins["stand-in"]]).suggest(
        article(text), ("stand-in",)
    )
    assert [(s.start, s.text, s.source, s.score) for s in found] == [
        (0, "مخيم", "stand-in", 0.75),
        (text.index("مخيم", 1), "مخيم", "stand-in", 0.75),
    ]
