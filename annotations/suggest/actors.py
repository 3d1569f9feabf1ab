"""Actor mentions: every name and alias of the schema's actors, the users' and the gold
layer's, found with Arabic clitics (وداعش، لتنظيم الدولة، بالقاعدة) and search's spelling
rules, longest first and never overlapping. A name the schema marks `ambiguous` is
suggested only with context: a title word before it (تنظيم، جماعة...), another actor
right after it, or a reporting verb a few words away; never when the word after it makes
it the ordinary word (القاعدة الجوية, the air base) or a preposition before it makes it a
place (إلى القاعدة)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotations.schema import LabelSchema
from annotations.search.normalize import normalize_text, tokenize
from annotations.suggest.lexicon import Lexicon, fold
from annotations.suggest.model import Suggestion, make_suggestion
from annotations.suggest.words import CONJUNCTIONS, PROCLITICS, Words, stems


@dataclass(frozen=True)
class Name:
    """One surface form of an actor, as the matcher holds it."""

    words: tuple[str, ...]  # normalised
    actor_id: str
    shown: str  # as written, for the reason
    ambiguous: bool = False
    source: str = "actors"  # or "gold": a form only the gold layer knows


@dataclass(frozen=True)
class Mention:
    first: int  # word indexes, inclusive
    last: int
    skip: int  # clitic characters at the start of the first word
    name: Name

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def name_words(name: str) -> tuple[str, ...]:
    folded = normalize_text(name)
    return tuple(folded[s:e] for s, e in tokenize(folded))


class Gazetteer:
    """The names to look for, by their first word."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.by_first: dict[str, list[Name]] = {}
        seen: set[tuple[tuple[str, ...], str]] = set()
        for name in names:
            if not name.words or (name.words, name.actor_id) in seen:
                continue
            seen.add((name.words, name.actor_id))
            self.by_first.setdefault(name.words[0], []).append(name)

    @classmethod
    def of(cls, schema: LabelSchema, gold_forms: Iterable[tuple[str, str]] = ()) -> Gazetteer:
        """Every name of the schema's actors (with the users' when the schema holds
        them), then the gold layer's surface forms (text, actor id) no actor spells."""
        names: list[Name] = []
        known: set[tuple[str, ...]] = set()
        for actor in schema.actors:
            for shown in actor.names:
                words = name_words(shown)
                names.append(Name(words, actor.id, shown, actor.is_ambiguous(shown)))
                known.add(words)
        for text, actor_id in gold_forms:
            words = name_words(text)
            if words and words not in known and schema.actor(actor_id) is not None:
                names.append(Name(words, actor_id, text, source="gold"))
                known.add(words)
        return cls(names)

    def mentions(self, words: Words) -> list[Mention]:
        """Every place a name matches, overlapping, in no particular order."""
        found: list[Mention] = []
        n = len(words)
        for i in range(n):
            for skip, stem in stems(words.word(i), PROCLITICS):
                for name in self.by_first.get(stem, ()):
                    last = i + len(name.words) - 1
                    if last >= n:
                        continue
                    if all(
                        words.joined(k - 1) and words.word(k) == name.words[k - i]
                        for k in range(i + 1, last + 1)
                    ):
                        found.append(Mention(i, last, skip, name))
        return found


def choose(mentions: Sequence[Mention]) -> list[Mention]:
    """Longest first (in words, then in letters), earliest first; no two overlapping."""
    taken: list[Mention] = []
    used: set[int] = set()
    ordered = sorted(mentions, key=lambda m: (-m.size, -sum(len(w) for w in m.name.words), m.first))
    for mention in ordered:
        span = range(mention.first, mention.last + 1)
        if any(i in used for i in span):
            continue
        used.update(span)
        taken.append(mention)
    return sorted(taken, key=lambda m: m.first)


def _is_cue(words: Words, i: int, lexicon: Lexicon) -> bool:
    return any(stem in lexicon.cues for _skip, stem in stems(words.word(i), CONJUNCTIONS))


def context(words: Words, mention: Mention, plain_starts: set[int], lexicon: Lexicon) -> str | None:
    """Why an ambiguous name is a name here, or None when nothing says so."""
    first, last = mention.first, mention.last
    sentence = words.sentence
    if last + 1 < len(words) and words.joined(last):
        after = words.word(last + 1)
        if after in lexicon.ordinary_after:
            return None
    if first > 0 and mention.skip == 0 and words.joined(first - 1):
        before = words.word(first - 1)
        if before in lexicon.ordinary_before:
            return None
        if any(stem in lexicon.title_words for _s, stem in stems(before, PROCLITICS)):
            return f"after «{before}»"
    if last + 1 in plain_starts and sentence[last + 1] == sentence[last]:
        return "before another actor"
    window = lexicon.cue_window
    for k in range(max(0, first - window), min(len(words), last + window + 1)):
        if first <= k <= last or sentence[k] != sentence[first]:
            continue
        if _is_cue(words, k, lexicon):
            return "near a reporting verb"
    return None


def actor_attribute(schema: LabelSchema) -> tuple[str, bool] | None:
    """The passage attribute actor suggestions fill (its id, multiple), if any."""
    for attribute in schema.attributes:
        if attribute.type == "actor":
            return attribute.id, attribute.multiple
    return None


def actor_mentions(
    words: Words, gazetteer: Gazetteer, lexicon: Lexicon
) -> list[tuple[Mention, str]]:
    """The mentions to suggest, each with its reason."""
    chosen = choose(gazetteer.mentions(words))
    plain_starts = {m.first for m in chosen if not m.name.ambiguous}
    kept: list[tuple[Mention, str]] = []
    for mention in chosen:
        reason = f"name «{mention.name.shown}»"
        if mention.name.source == "gold":
            reason = f"«{mention.name.shown}» in gold passages"
        if mention.name.ambiguous:
            why = context(words, mention, plain_starts, lexicon)
            if why is None:
                continue
            reason += f" ({why})"
        kept.append((mention, reason))
    return kept


def suggest_actors(
    article_id: str,
    words: Words,
    schema: LabelSchema,
    gazetteer: Gazetteer,
    lexicon: Lexicon,
    mentions: Sequence[tuple[Mention, str]] | None = None,
) -> list[Suggestion]:
    """Actor suggestions (sources "actors" and "gold") for one article; `mentions`:
    what `actor_mentions` found on it already."""
    target = actor_attribute(schema)
    if target is None:
        return []
    attr_id, multiple = target
    out: list[Suggestion] = []
    if mentions is None:
        mentions = actor_mentions(words, gazetteer, lexicon)
    for mention, reason in mentions:
        value = [mention.name.actor_id] if multiple else mention.name.actor_id
        span = words.span(mention.first, mention.last, mention.skip)
        out.append(
            make_suggestion(
                article_id, words.text, span, {attr_id: value}, mention.name.source, reason
            )
        )
    return out


def gold_forms(gold_passages: Iterable[object]) -> list[tuple[str, str]]:
    """(text, actor id) of gold passages labelled with one actor and short enough to be
    a name (at most six words)."""
    forms: list[tuple[str, str]] = []
    for passage in gold_passages:
        labels = getattr(passage, "labels", {})
        actor = labels.get("actor")
        if isinstance(actor, list):
            actor = actor[0] if len(actor) == 1 else None
        text = getattr(passage, "text", "")
        if isinstance(actor, str) and 0 < len(name_words(text)) <= 6:
            forms.append((text, actor))
    return forms


__all__ = ["Gazetteer", "Mention", "Name", "actor_mentions", "fold", "gold_forms", "suggest_actors"]
