"""UAX #9 conformance: every case of BidiCharacterTest-15.0.0 through our own layout.

Each case is laid out as one line (no wrapping, no shaping) and the logical indices of
the drawn cells, read left to right, must equal field 4 of the file. A cell drawn at an
odd level stands for its characters in reverse (what L2 alone does; the file applies no
L3). Two kinds of character are left out on both sides: those X9 removes (the file
leaves them out; the layout may keep one inside the cell before it, undrawn, e.g. ZWJ)
and the isolates LRI/RLI/FSI/PDI and marks LRM/RLM/ALM, which the file orders but the
layout, by design, never draws (a test below checks they are not drawn).
"""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

from annotations.layout import ParagraphLayout

DATA = Path(__file__).parent.parent / "data" / "BidiCharacterTest-15.0.0.txt.gz"
_DIRECTIONS = {"0": "ltr", "1": "rtl", "2": "auto"}
_X9_REMOVED = frozenset({"BN", "LRE", "RLE", "LRO", "RLO", "PDF"})
_NEVER_DRAWN = frozenset("\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _hidden(ch: str) -> bool:
    return ch in _NEVER_DRAWN or unicodedata.bidirectional(ch) in _X9_REMOVED


def _cases() -> list[tuple[int, str, str, int, list[int]]]:
    cases = []
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            code_points, direction, level, _levels, order = line.split(";")
            text = "".join(chr(int(cp, 16)) for cp in code_points.split())
            expected = [int(i) for i in order.split()]
            cases.append((number, text, _DIRECTIONS[direction], int(level), expected))
    return cases


def test_every_case_of_bidi_character_test() -> None:
    cases = _cases()
    assert len(cases) == 91_707
    failures: list[str] = []
    for number, text, direction, level, expected in cases:
        layout = ParagraphLayout(text, direction=direction, shape=False)
        line = layout.visual_line()
        drawn: list[int] = []
        for cell in line.cells:
            offsets = range(cell.start, cell.end)
            drawn.extend(reversed(offsets) if cell.rtl else offsets)
        got = [i for i in drawn if not _hidden(text[i])]
        want = [i for i in expected if not _hidden(text[i])]
        if got != want or layout.level != level:
            failures.append(
                f"line {number}: {direction} level {layout.level} (want {level}), "
                f"order {got} (want {want}) for {[f'{ord(c):04X}' for c in text]}"
            )
    assert not failures, f"{len(failures)} of {len(cases)} cases fail; first:\n" + "\n".join(
        failures[:10]
    )
