"""A text field: what one keystroke costs to lay out and draw.

Every key typed into a `BidiInput` changes its value, so the field model lays the
whole value out again (`FieldLayout`: levels, shaping, cells, caret stops) and draws
one row of it (`runs` at width 76, the caret in view). Values of 20, 200 and 2,000
characters of mixed Arabic, digits and Latin, each new (no cache). The baseline, in the
same run, is `bidi.get_display` of the same value: reordering alone; the ratio is its
time over ours. Goal: well under a frame (16 ms) for the longest note.
"""

from __future__ import annotations

from collections.abc import Iterator

from bidi import get_display

from annotations.layout.field import FieldLayout
from bench.common import Row, best_timing

WIDTH = 76
SIZES = (20, 200, 2000)
GOAL_MS = 16.0
SENTENCE = "قال المتحدث باسم الحكومة إن 25 عنصرا من ISIS اعتقلوا في «الأنبار» (غرب)"
WORDS = SENTENCE.split()


def _value(size: int, salt: int) -> str:
    words = WORDS[salt % len(WORDS) :] + WORDS[: salt % len(WORDS)]
    text = ""
    while len(text) < size:
        text += " ".join(words) + " "
    return text[: size - 1] + str(salt % 10)


def _keystroke(values: list[str]) -> None:
    for value in values:
        field = FieldLayout(value)
        field.runs(WIDTH, field.scroll(WIDTH, len(value)), len(value))


def _reorder(values: list[str]) -> None:
    for value in values:
        get_display(value)


def run(quick: bool) -> Iterator[Row]:
    repeat = 3 if quick else 7
    _keystroke([_value(200, 0)])  # imports, process-wide caches as in a running app
    for size in SIZES:
        count = 20 if size >= 2000 else 100
        values = [_value(size, salt) for salt in range(count)]
        ours = best_timing(repeat, lambda values=values: _keystroke(values))
        baseline = best_timing(repeat, lambda values=values: _reorder(values))
        ms = ours.cpu * 1000 / count
        yield (
            Row(
                name=f"field keystroke, {size:,}-character value, width {WIDTH}",
                figure=ms,
                unit="ms",
                baseline="bidi.get_display, same value",
                ratio=baseline.cpu / ours.cpu if ours.cpu else None,
                goal=f"< {GOAL_MS:g} ms" if size == SIZES[-1] else "",
                met=ms < GOAL_MS if size == SIZES[-1] else None,
                cpu=ours.cpu / count,
                wall=ours.wall / count,
            )
        )
