"""The attribution frame the reader offers for a content passage: the nearest reporting
verb (the cue) and the nearest known actor mention (the source) in the sentence the
content is in, each with the relation that links it to the content.

Which relation types play the two roles comes from the schema's kinds, as for frames
(`annotations.relations`): the first relation from the content's kind to the `source`
kind links a source (`said_by` in the bundled schema), the first to the `cue` kind a cue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotations.models import Passage
from annotations.relations import CUE_KIND, SOURCE_KIND
from annotations.schema import LabelSchema, RelationType
from annotations.suggest.actors import Gazetteer, Mention, actor_mentions
from annotations.suggest.claims import find_cues
from annotations.suggest.lexicon import Lexicon, bundled_lexicon
from annotations.suggest.words import CONJUNCTIONS, Words, stems

ROLES = ("source", "cue")


@dataclass(frozen=True)
class FrameEnd:
    """One end of an offered frame: a span of the stored text (code points, half-open),
    the kind and labels the passage made from it gets, and the relation type from the
    content to it. `existing`: the annotator's passage of that kind already on exactly
    this span (linked instead of made again)."""

    role: str  # "source" or "cue"
    start: int
    end: int
    text: str
    kind: str
    relation: str
    labels: Mapping[str, Any] = field(default_factory=dict)
    existing: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class FrameOffer:
    """What the reader offers for `content`: each end found (None: nothing found, or
    the content already has that relation), and why not, in a few words."""

    content: Passage
    source: FrameEnd | None = None
    cue: FrameEnd | None = None
    notes: tuple[str, ...] = ()

    @property
    def ends(self) -> tuple[FrameEnd, ...]:
        return tuple(e for e in (self.source, self.cue) if e is not None)


def _actor_attribute(schema: LabelSchema, kind_id: str) -> str | None:
    for attribute in schema.attributes_of(kind_id):
        if attribute.type == "actor":
            return attribute.id
    return None


def attribution_relations(schema: LabelSchema, content_kind: str) -> dict[str, RelationType]:
    """role ("source", "cue") -> the relation type from `content_kind` that plays it (the
    first in schema order); a role no relation plays is absent."""
    own = schema.kind_id(content_kind)
    roles = {SOURCE_KIND: "source", CUE_KIND: "cue"}
    found: dict[str, RelationType] = {}
    for relation in schema.relations:
        role = roles.get(relation.to_kind)
        if relation.from_kind == own and role is not None and own not in roles:
            found.setdefault(role, relation)
    return found


def _distance(first: int, last: int, lo: int, hi: int) -> tuple[int, int]:
    """Words between [lo, hi] and the content [first, last]; before the content first."""
    if hi < first:
        return first - hi, 0
    return lo - last, 1


def offer_frame(
    schema: LabelSchema,
    text: str,
    content: Passage,
    passages: Iterable[Passage] = (),
    linked: Iterable[str] = (),
    *,
    lexicon: Lexicon | None = None,
    gazetteer: Gazetteer | None = None,
    words: Words | None = None,
) -> FrameOffer:
    """The frame to offer for `content` in the stored `text`: the reporting verb nearest
    the content in its sentence (the words it covers left out) and the actor mention the
    verb introduces, or else the nearest one. `passages`: the annotator's passages on
    the article (an end already tagged with its kind is linked, not made again);
    `linked`: the relation types `content` already has (that end is not offered)."""
    roles = attribution_relations(schema, getattr(content, "kind", ""))
    if not roles:
        return FrameOffer(content, notes=("the schema links no source or cue to this kind",))
    lexicon = (lexicon or bundled_lexicon()).with_cues(schema.cues)
    gazetteer = gazetteer or Gazetteer.of(schema)
    words = words or Words(text)
    if not len(words):
        return FrameOffer(content, notes=("no words",))
    first = words.at_offset(content.start)
    last = max(first, words.at_offset(max(content.start, content.end - 1)))
    sentence = words.sentence
    if first >= len(words):
        return FrameOffer(content, notes=("no words",))
    last = min(last, len(words) - 1)
    sentences = {sentence[first], sentence[last]}

    def outside(lo: int, hi: int) -> bool:
        return (hi < first or lo > last) and sentence[lo] in sentences and sentence[hi] in sentences

    mentions: list[Mention] = [m for m, _ in actor_mentions(words, gazetteer, lexicon)]
    already = set(linked)
    existing = list(passages)
    notes: list[str] = []
    cue_end: FrameEnd | None = None
    source_end: FrameEnd | None = None
    speaker: Mention | None = None
    cue_word: int | None = None

    cue_rel = roles.get("cue")
    candidates = [c for c in find_cues(words, mentions, lexicon) if outside(c.word, c.word)]
    if candidates:
        cue = min(candidates, key=lambda c: _distance(first, last, c.word, c.word))
        cue_word = cue.word
        if cue.speaker is not None and outside(cue.speaker.first, cue.speaker.last):
            speaker = cue.speaker
        if cue_rel is not None and cue_rel.id not in already:
            skip = next(
                (
                    s
                    for s, stem in stems(words.word(cue.word), CONJUNCTIONS)
                    if stem in lexicon.cues
                ),
                0,
            )
            start, end = words.span(cue.word, cue.word, skip)
            cue_end = FrameEnd(
                "cue",
                start,
                end,
                text[start:end],
                cue_rel.to_kind,
                cue_rel.id,
                {},
                _tagged(schema, existing, content, start, end, cue_rel.to_kind),
                f"reporting verb «{text[start:end]}»",
            )
    elif cue_rel is not None:
        notes.append("no reporting verb in the sentence")

    source_rel = roles.get("source")
    if source_rel is not None and source_rel.id not in already:
        if speaker is None:
            around = [m for m in mentions if outside(m.first, m.last)]
            if around:
                if cue_word is not None:
                    at = cue_word
                    speaker = min(
                        around, key=lambda m: (min(abs(m.first - at), abs(m.last - at)), m.first)
                    )
                else:
                    speaker = min(around, key=lambda m: _distance(first, last, m.first, m.last))
        if speaker is not None:
            start, end = words.span(speaker.first, speaker.last, speaker.skip)
            attr = _actor_attribute(schema, source_rel.to_kind)
            labels: dict[str, Any] = {}
            if attr is not None:
                found = schema.attribute(attr)
                multiple = found is not None and found.multiple
                labels[attr] = [speaker.name.actor_id] if multiple else speaker.name.actor_id
            source_end = FrameEnd(
                "source",
                start,
                end,
                text[start:end],
                source_rel.to_kind,
                source_rel.id,
                labels,
                _tagged(schema, existing, content, start, end, source_rel.to_kind),
                f"actor «{speaker.name.shown}»",
            )
        else:
            notes.append("no known actor in the sentence")
    return FrameOffer(content, source_end, cue_end, tuple(notes))


def _tagged(
    schema: LabelSchema,
    passages: Sequence[Passage],
    content: Passage,
    start: int,
    end: int,
    kind: str,
) -> str | None:
    """The id of the content annotator's passage of `kind` on exactly [start, end)."""
    for p in passages:
        if (
            (p.start, p.end) == (start, end)
            and p.annotator == content.annotator
            and p.id != content.id
            and schema.kind_id(getattr(p, "kind", "")) == kind
        ):
            return p.id
    return None
