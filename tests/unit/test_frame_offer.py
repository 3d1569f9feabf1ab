"""The attribution frame offered for a content passage: the reporting verb and the actor
it introduces, in the content's sentence, with the relations of the bundled schema."""

from __future__ import annotations

import uuid

from annotations.models import Passage
from annotations.schema import default_schema
from annotations.suggest.frames import attribution_relations, offer_frame

SCHEMA = default_schema()


def passage(text: str, phrase: str, *, kind: str = "", annotator: str = "sara") -> Passage:
    start = text.index(phrase)
    return Passage(
        str(uuid.uuid4()),
        "a1",
        start,
        start + len(phrase),
        phrase,
        annotator,
        {},
        kind=kind,
    )


def test_the_bundled_schema_names_a_source_and_a_cue_relation() -> None:
    roles = attribution_relations(SCHEMA, "content")
    assert {role: r.id for role, r in roles.items()} == {"source": "said_by", "cue": "cue"}
    assert attribution_relations(SCHEMA, "") == roles  # "" is the default kind: content
    assert attribution_relations(SCHEMA, "source") == {}


def test_verb_before_the_content_and_its_speaker() -> None:
    text = "وأكد صباح النعمان أن القوات ستبقى على الحدود حتى نهاية العام. وقال السوداني شيئا آخر."
    content = passage(text, "القوات ستبقى على الحدود حتى نهاية العام")
    offer = offer_frame(SCHEMA, text, content)
    assert offer.cue is not None and offer.source is not None
    # The verb without the conjunction و that is written onto it.
    assert (offer.cue.text, offer.cue.kind, offer.cue.relation) == ("أكد", "cue", "cue")
    assert text[offer.cue.start : offer.cue.end] == "أكد"
    assert offer.source.text == "صباح النعمان"
    assert (offer.source.kind, offer.source.relation) == ("source", "said_by")
    assert dict(offer.source.labels) == {"actor": "sabah_al_numan"}
    assert offer.source.existing is None and offer.cue.existing is None


def test_verb_after_the_content() -> None:
    text = "الوضع الأمني تحت السيطرة الكاملة في المدينة، قال السوداني للصحفيين."
    content = passage(text, "الوضع الأمني تحت السيطرة الكاملة في المدينة")
    offer = offer_frame(SCHEMA, text, content)
    assert offer.cue is not None and offer.cue.text == "قال"
    assert offer.source is not None and offer.source.text == "السوداني"
    assert dict(offer.source.labels) == {"actor": "mohammed_shia_al_sudani"}


def test_nothing_from_another_sentence_or_inside_the_content() -> None:
    text = "قال السوداني إن الزيارة مهمة. القوات الأمنية العراقية انتشرت في المدينة صباحا."
    content = passage(text, "القوات الأمنية العراقية انتشرت في المدينة صباحا")
    offer = offer_frame(SCHEMA, text, content)
    # The verb and the prime minister are in the sentence before; the actor named inside
    # the content is what it is about, not who says it.
    assert offer.cue is None and offer.source is None
    assert offer.notes == ("no reporting verb in the sentence", "no known actor in the sentence")


def test_an_end_already_tagged_is_linked_not_made_again() -> None:
    text = "وأكد صباح النعمان أن القوات ستبقى على الحدود حتى نهاية العام."
    content = passage(text, "القوات ستبقى على الحدود حتى نهاية العام")
    source = passage(text, "صباح النعمان", kind="source")
    theirs = passage(text, "أكد", kind="cue", annotator="omar")
    offer = offer_frame(SCHEMA, text, content, [content, source, theirs])
    assert offer.source is not None and offer.source.existing == source.id
    assert offer.cue is not None and offer.cue.existing is None  # another annotator's


def test_a_link_the_content_has_is_not_offered_again() -> None:
    text = "وأكد صباح النعمان أن القوات ستبقى على الحدود حتى نهاية العام."
    content = passage(text, "القوات ستبقى على الحدود حتى نهاية العام")
    offer = offer_frame(SCHEMA, text, content, linked=["said_by"])
    assert offer.source is None and offer.cue is not None
    assert offer.ends == (offer.cue,)
