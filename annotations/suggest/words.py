"""An article's words in search's normalised form, with the way back to stored offsets,
Arabic clitics and sentences: what every built-in suggester matches on."""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property

from annotations.search.normalize import Normalized, normalize, tokenize

# Proclitics that may stand before a name or a verb, in normalised spelling: و and ف
# (and, so), then ب ل ك (by, for, like). The article ال belongs to the name itself.
PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
CONJUNCTIONS = ("", "و", "ف")  # what stands before a verb
_SENTENCE_ENDS = frozenset(".؟!؛?\n\r\u2029")
_MIN_STEM = 2


def stems(word: str, prefixes: tuple[str, ...] = PROCLITICS) -> tuple[tuple[int, str], ...]:
    """(characters to leave out, the word without its clitics) for each way `word` may
    be a clitic-prefixed form: وداعش → (1, داعش). ل + ال is written لل (للقاعدة): the
    name is القاعدة, and the span keeps the ل that swallowed its alef (وللقاعدة → (1,
    القاعدة), the span للقاعدة), so it reads as a word. The word itself comes first."""
    if len(_STEMS) > _STEMS_KEPT:  # a corpus has few distinct words; a bound all the same
        _STEMS.clear()
    key = (word, prefixes)
    found = _STEMS.get(key)
    if found is None:
        found = _STEMS[key] = tuple(_stems(word, prefixes))
    return found


_STEMS: dict[tuple[str, tuple[str, ...]], tuple[tuple[int, str], ...]] = {}
_STEMS_KEPT = 200_000


def _stems(word: str, prefixes: tuple[str, ...]) -> list[tuple[int, str]]:
    out = []
    for prefix in prefixes:
        if not word.startswith(prefix) or len(word) - len(prefix) < _MIN_STEM:
            continue
        stem = word[len(prefix) :]
        out.append((len(prefix), stem))
        if prefix.endswith("ل") and stem.startswith("ل") and not stem.startswith("ال"):
            out.append((len(prefix) - 1, "ا" + stem))
    return out


class Words:
    """The words of a stored text. Word i is `word(i)` (normalised); `span(i, j, skip)`
    is the stored-text range of words i..j, leaving out `skip` normalised characters at
    the start of word i (its clitics)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm: Normalized = normalize(text)
        self.bounds = tokenize(self.norm.text)
        self.words = [self.norm.text[s:e] for s, e in self.bounds]
        self._ends: dict[int, int] = {}  # word -> its stored end, as at_offset needs them

    def __len__(self) -> int:
        return len(self.words)

    def word(self, i: int) -> str:
        return self.words[i]

    def gap(self, i: int) -> str:
        """The normalised text between word i and word i + 1 ("" after the last)."""
        if i + 1 >= len(self.bounds):
            return ""
        return self.norm.text[self.bounds[i][1] : self.bounds[i + 1][0]]

    def joined(self, i: int) -> bool:
        """True when words i and i + 1 are separated by white space alone (one phrase)."""
        gap = self.gap(i)
        return bool(gap) and gap.isspace() and "\n" not in gap

    @cached_property
    def sentence(self) -> list[int]:
        """The sentence number of every word: a new one after . ؟ ! ؛ ? or a line end."""
        numbers: list[int] = []
        current = 0
        text, bounds = self.norm.text, self.bounds
        for i in range(len(bounds)):
            numbers.append(current)
            if i + 1 < len(bounds) and not _SENTENCE_ENDS.isdisjoint(
                text[bounds[i][1] : bounds[i + 1][0]]
            ):
                current += 1
        return numbers

    def span(self, i: int, j: int, skip: int = 0) -> tuple[int, int]:
        """Stored-text offsets of words i..j (inclusive), without `skip` leading
        characters of word i; the harakat on the last letter stay inside."""
        return self.norm.span_to_original(self.bounds[i][0] + skip, self.bounds[j][1])

    def at_offset(self, offset: int) -> int:
        """The index of the first word that ends after stored offset `offset`."""
        # Word ends only grow: a binary search maps a few words back, not all of them.
        return bisect_right(range(len(self.bounds)), offset, key=self._end)

    def _end(self, i: int) -> int:
        found = self._ends.get(i)
        if found is None:
            found = self._ends[i] = self.span(i, i)[1]
        return found
