"""Claims: what a reporting verb introduces (قال، أكد، أعلن ... to the end of the
sentence; source "cues") and quotations in «…», "…" and “…” (source "quotes"). The
speaker, an actor named right after the verb or right before it, and the claim type the
verb hints at (نفى: denial) become the suggestion's labels when the schema has them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from annotations.schema import LabelSchema
from annotations.suggest.actors import Mention, actor_attribute
from annotations.suggest.lexicon import Lexicon
from annotations.suggest.model import Suggestion, make_suggestion
from annotations.suggest.words import CONJUNCTIONS, Words, stems

# Opening mark -> closing mark. A straight quote closes itself.
QUOTE_MARKS = {"«": "»", '"': '"', "“": "”"}
_QUOTE_RE = re.compile(
    "|".join(
        f"{re.escape(o)}([^{re.escape(o + c)}\\n]+){re.escape(c)}" for o, c in QUOTE_MARKS.items()
    )
)
_SPEAKER_REACH = 4  # words between a verb and the actor that speaks
_CONTENT_REACH = 12  # words between a verb and the أن that opens what it reports
_MIN_CONTENT_WORDS = 3


@dataclass(frozen=True)
class Cue:
    word: int  # index of the verb
    form: str  # as written
    claim: str | None
    speaker: Mention | None
    content: tuple[int, int] | None  # word indexes, inclusive


def _labels(schema: LabelSchema, speaker: Mention | None, claim: str | None) -> dict[str, Any]:
    labels: dict[str, Any] = {}
    target = actor_attribute(schema)
    if speaker is not None and target is not None:
        attr_id, multiple = target
        labels[attr_id] = [speaker.name.actor_id] if multiple else speaker.name.actor_id
    claim_type = schema.attribute("claim_type")
    if claim and claim_type is not None and claim_type.value(claim) is not None:
        labels["claim_type"] = [claim] if claim_type.multiple else claim
    return labels


def find_cues(words: Words, mentions: list[Mention], lexicon: Lexicon) -> list[Cue]:
    """Every reporting verb with its speaker and the words it introduces."""
    sentence = words.sentence
    starts = {m.first: m for m in mentions}
    ends = {m.last: m for m in mentions}
    cues: list[Cue] = []
    for i in range(len(words)):
        claim: str | None = None
        found = False
        for _skip, stem in stems(words.word(i), CONJUNCTIONS):
            if stem in lexicon.cues:
                found, claim = True, lexicon.cues[stem]
                break
        if not found:
            continue
        same = sentence[i]
        speaker = None
        for k in range(i + 1, min(len(words), i + 1 + _SPEAKER_REACH)):
            if sentence[k] != same:
                break
            if k in starts:
                speaker = starts[k]
                break
        if speaker is None:
            for k in range(i - 1, max(-1, i - 1 - _SPEAKER_REACH), -1):
                if sentence[k] != same:
                    break
                if k in ends:
                    speaker = ends[k]
                    break
        first = i + 1
        if speaker is not None and speaker.first > i:
            first = speaker.last + 1
        for k in range(i, min(len(words), i + _CONTENT_REACH)):
            if k > i and sentence[k] != same:
                break
            if k > i and words.word(k) in lexicon.complementizers:
                first = k + 1
                break
            if ":" in words.gap(k):
                first = k + 1
                break
        last = first
        while last + 1 < len(words) and sentence[last + 1] == same:
            last += 1
        content = None
        if (
            first < len(words)
            and sentence[first] == same
            and last - first + 1 >= _MIN_CONTENT_WORDS
        ):
            content = (first, last)
        cues.append(Cue(i, words.word(i), claim, speaker, content))
    return cues


def suggest_claims(
    article_id: str,
    words: Words,
    schema: LabelSchema,
    mentions: list[Mention],
    lexicon: Lexicon,
    sources: tuple[str, ...] = ("cues", "quotes"),
) -> list[Suggestion]:
    """Cue and quote suggestions for one article."""
    cues = find_cues(words, mentions, lexicon)
    out: list[Suggestion] = []
    text = words.text
    quotes = list(_QUOTE_RE.finditer(text))
    # A verb that introduces a quotation: the quote suggestion covers what it says.
    quoted_words = {words.at_offset(m.start() + 1) for m in quotes}
    if "cues" in sources:
        for cue in cues:
            if cue.content is None or cue.content[0] in quoted_words:
                continue
            reason = f"reported by «{text[slice(*words.span(cue.word, cue.word))]}»"
            if cue.speaker is not None:
                reason += f", speaker «{cue.speaker.name.shown}»"
            span = words.span(*cue.content)
            out.append(
                make_suggestion(
                    article_id, text, span, _labels(schema, cue.speaker, cue.claim), "cues", reason
                )
            )
    if "quotes" in sources:
        by_sentence: dict[int, list[Cue]] = {}
        for cue in cues:
            by_sentence.setdefault(words.sentence[cue.word], []).append(cue)
        for match in quotes:
            group = next(g for g in range(1, len(QUOTE_MARKS) + 1) if match.group(g) is not None)
            inner_start, inner_end = match.span(group)
            inner = text[inner_start:inner_end]
            lead = len(inner) - len(inner.lstrip())
            trail = len(inner) - len(inner.rstrip())
            start, end = inner_start + lead, inner_end - trail
            first = words.at_offset(start)
            last = words.at_offset(max(start, end - 1))
            if first >= len(words) or last - first + 1 < lexicon.min_quote_words:
                continue
            before = [c for c in by_sentence.get(words.sentence[first], []) if c.word < first]
            introducer = before[-1] if before else None
            labels = _labels(schema, introducer.speaker, introducer.claim) if introducer else {}
            mark = match.group()[0]
            reason = f"quoted in {mark}…{QUOTE_MARKS[mark]}"
            if introducer is not None:
                verb = words.span(introducer.word, introducer.word)
                reason += f" after «{text[verb[0] : verb[1]]}»"
            out.append(make_suggestion(article_id, text, (start, end), labels, "quotes", reason))
    return out
