"""Arabic shaping: joined presentation forms from arabic-reshaper, aligned to the text.

The layout has one base character per cell, in logical order, for a whole paragraph
(joining depends on neighbours). Joining only happens within a run of Arabic letters
(and tatweel): anything else between two letters (a space, a digit, a control)
stops it. So the reshaper is given those runs, each once (they are cached: news text
repeats its words), separated by spaces, and gives one glyph per letter back, the alef
of a lam-alef ligature merged into the lam's cell. The alignment never guesses: it
checks the output letter by letter and returns None if it does not fit. Combining
marks and ZWJ never reach the reshaper (they do not break joining: they live in their
letter's cell); the other invisible characters and the bidi controls are cells'
boundaries that do break joining.

Configuration: harakat kept (they are drawn, as combining marks, in their letter's
cell), ligatures on but only the four lam-alef ones (two characters, one cell); the
word and sentence ligatures (ALLAH, BISMILLAH...) are off, their glyphs being far wider
than a terminal cell.

A line break must not join across lines, so the first and last cell of every line go
through `unjoin_before` / `unjoin_after`, which give the glyph the form it would have
with nothing before / after it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cache, cached_property

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.letters import FINAL, INITIAL, ISOLATED, LETTERS_ARABIC, MEDIAL
from arabic_reshaper.ligatures import LIGATURES

LAM = "\u0644"
_LAM_ALEF_LIGATURES = (
    "ARABIC LIGATURE LAM WITH ALEF",
    "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA ABOVE",
    "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA BELOW",
    "ARABIC LIGATURE LAM WITH ALEF WITH MADDA ABOVE",
)
_LAM_ALEF = {name: spec for name, spec in LIGATURES if name in _LAM_ALEF_LIGATURES}
# The second letters of the lam-alef ligatures, and every glyph those ligatures give.
ALEFS = frozenset(match[1] for match, _forms in _LAM_ALEF.values())
LIGATURE_GLYPHS = frozenset(form for _match, forms in _LAM_ALEF.values() for form in forms if form)
# The characters the reshaper joins; everything else is sent to it as a space.
JOINING = frozenset(ch for ch in LETTERS_ARABIC if ch != "\u200d")


def reshaper_configuration() -> dict[str, bool | str]:
    """Every ligature off but lam-alef; harakat kept; ZWJ left to the layout."""
    configuration: dict[str, bool | str] = {name: False for name, _spec in LIGATURES}
    configuration.update(dict.fromkeys(_LAM_ALEF_LIGATURES, True))
    configuration.update(
        language="Arabic",
        delete_harakat=False,
        delete_tatweel=False,
        shift_harakat_position=False,
        support_zwj=False,
        use_unshaped_instead_of_isolated=False,
        support_ligatures=True,
    )
    return configuration


class _LamAlefReshaper(ArabicReshaper):
    """The reshaper of `reshaper_configuration`, its ligature pattern made from the
    four lam-alef ligatures alone. The library makes it on the first reshape by asking
    its configuration about each of its hundreds of ligatures, a millisecond of the
    first frame; here the same pattern and groups, in the library's order (a test
    compares them)."""

    @cached_property
    def _ligatures_re(self) -> re.Pattern[str]:
        patterns: list[str] = []
        self._re_group_index_to_ligature_forms = {}
        for name, (match, forms) in LIGATURES:
            if name in _LAM_ALEF_LIGATURES:
                self._re_group_index_to_ligature_forms[len(patterns)] = forms
                patterns.append(f"({match})")
        return re.compile("|".join(patterns), re.UNICODE)


@cache
def _reshaper() -> ArabicReshaper:
    return _LamAlefReshaper(configuration=reshaper_configuration())


# Maximal runs of joining letters: joining never crosses anything else, so a run is
# shaped the same wherever it occurs, and news text repeats its words a lot.
_RUN = re.compile("[" + "".join(map(re.escape, sorted(JOINING))) + "]+")
_RUN_SPLIT = re.compile("(" + _RUN.pattern + ")")
# A run's glyphs, one per letter, the alef of a lam-alef ligature as MERGED.
_WORD_CACHE: dict[str, str] = {}
_WORD_CACHE_LIMIT = 200_000
# `shape_text`'s: a piece of text between spaces, shaped (it may hold other characters).
_PIECE_CACHE: dict[str, str] = {}
_PIECE_CACHE_LIMIT = 100_000
MERGED = "\x00"  # never in text that is shaped: controls are not letters


def _shaped(words: Sequence[str]) -> bool:
    """Put the runs `words` in the cache; False if the reshaper's output cannot be aligned."""
    cache = _WORD_CACHE
    if len(cache) > _WORD_CACHE_LIMIT:
        cache.clear()
    missing = set(words).difference(cache)
    if missing:
        shaped = shape_words(sorted(missing))
        if shaped is None:
            return False
        cache.update(
            (word, "".join(glyph or MERGED for glyph in glyphs)) for word, glyphs in shaped.items()
        )
    return True


def shape_text(text: str) -> str | None:
    """`text` with each Arabic letter replaced by its glyph: the same length, the alef of
    a lam-alef ligature as MERGED (the lam's glyph is the ligature). Joining stops at
    anything but a letter. None if the reshaper's output cannot be aligned."""
    # A space is not a letter: the text is shaped a space-separated piece at a time,
    # each piece once (a str.split is far cheaper than the runs' regex over the text).
    pieces = text.split(" ")
    cache = _PIECE_CACHE
    missing = set(pieces).difference(cache)
    if missing:
        if len(cache) > _PIECE_CACHE_LIMIT:
            cache.clear()
        split = [(piece, _RUN_SPLIT.split(piece)) for piece in missing]
        # The reshaper once for the runs of every new piece.
        if not _shaped([word for _piece, parts in split for word in parts[1::2]]):
            return None
        for piece, parts in split:
            parts[1::2] = map(_WORD_CACHE.__getitem__, parts[1::2])
            cache[piece] = "".join(parts)
    return " ".join(map(cache.__getitem__, pieces))


def shape(bases: Sequence[str], breakers: Sequence[int] = ()) -> list[str] | None:
    """The glyph for each cell whose base character is `bases[i]`, in logical order.

    `breakers`: indices of the cells before which joining stops (an invisible control
    sits there). A cell merged into the lam-alef ligature of the cell before it gets "".
    A base that is not an Arabic letter gets itself. None if the reshaper's output
    cannot be aligned with its input (never seen; the caller then draws it unshaped).
    """
    text = bases if isinstance(bases, str) else "".join(bases)
    runs = [match.span() for match in _RUN.finditer(text)]
    if breakers:
        runs = _split(runs, breakers)
    if not _shaped([text[start:end] for start, end in runs]):
        return None
    glyphs = list(bases)
    cache = _WORD_CACHE
    for start, end in runs:
        glyphs[start:end] = cache[text[start:end]]
    if MERGED in glyphs:
        glyphs = [glyph if glyph != MERGED else "" for glyph in glyphs]
    return glyphs


def clear_cache() -> None:
    """Forget the runs shaped so far (for measurements)."""
    _WORD_CACHE.clear()
    _PIECE_CACHE.clear()


def _split(runs: list[tuple[int, int]], breakers: Sequence[int]) -> list[tuple[int, int]]:
    """`runs` cut before each breaker index."""
    cuts = sorted(set(breakers))
    out: list[tuple[int, int]] = []
    for start, end in runs:
        for cut in cuts[bisect_right(cuts, start) : bisect_left(cuts, end)]:
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def shape_words(words: Sequence[str]) -> dict[str, tuple[str, ...]] | None:
    """Runs of joining letters shaped by the reshaper (one call): a glyph per letter.

    The alef of a lam-alef ligature gets "". None if the output cannot be aligned.
    """
    out = _reshaper().reshape(" ".join(words))
    result: dict[str, tuple[str, ...]] = {}
    j = 0
    for number, word in enumerate(words):
        if number:
            if out[j : j + 1] != " ":
                return None
            j += 1
        glyphs: list[str] = []
        count = len(word)
        i = 0
        while i < count:
            if j >= len(out):
                return None
            glyph = out[j]
            j += 1
            if (
                glyph in LIGATURE_GLYPHS
                and word[i] == LAM
                and i + 1 < count
                and word[i + 1] in ALEFS
            ):
                glyphs += (glyph, "")
                i += 2
            else:
                glyphs.append(glyph)
                i += 1
        result[word] = tuple(glyphs)
    if j != len(out):
        return None
    return result


def _form_tables() -> tuple[dict[str, str], dict[str, str]]:
    after: dict[str, str] = {}  # joined to the next letter -> not joined to it
    before: dict[str, str] = {}  # joined to the letter before -> not joined to it
    forms_of = [forms for forms in LETTERS_ARABIC.values()]
    forms_of += [forms for _match, forms in _LAM_ALEF.values()]
    for forms in forms_of:
        isolated, initial, medial, final = (
            forms[ISOLATED],
            forms[INITIAL],
            forms[MEDIAL],
            forms[FINAL],
        )
        for source, target, table in (
            (medial, final, after),
            (initial, isolated, after),
            (medial, initial, before),
            (final, isolated, before),
        ):
            if source and target and source != target:
                table[source] = target
    return after, before


_UNJOIN_AFTER, _UNJOIN_BEFORE = _form_tables()


def unjoin_after(glyph: str) -> str:
    """`glyph` (a presentation form) as if no letter followed it."""
    return _UNJOIN_AFTER.get(glyph, glyph)


def unjoin_before(glyph: str) -> str:
    """`glyph` (a presentation form) as if no letter preceded it."""
    return _UNJOIN_BEFORE.get(glyph, glyph)
