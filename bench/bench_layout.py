"""The bidi layout engine: every seed at widths 40/80/120, and a synthetic 1 MB article.

Cold: a new `ArticleLayout` and every one of its rows at the width (levels, shaping,
cells, wrap, reorder: the first time an article is shown, all of it). The process-wide caches (character
classes, shaped words) are warm as in a running app, which has shown other articles;
one row shows the longest seed with them emptied first. Warm: every row at a new width of an
article already laid out (a terminal resize; short paragraphs keep their cells, long
ones rebuild them a block at a time). The baseline, in the
same run, is plain `bidi.get_display` over the same paragraphs: reordering alone, with
no wrapping, no maps, no shaping; the ratio is its time over ours.
"""

from __future__ import annotations

import time

from bidi import get_display

from annotations.layout import ArticleLayout, chars, shaping
from annotations.seeds import seeds_dir
from annotations.text import paragraph_spans
from bench import fribidi_baseline
from bench.common import Row, best_of, best_timing

WIDTHS = (40, 80, 120)
COLD_GOAL_MS = 50.0
FRIBIDI_GOAL = 3.0  # cold layout of the longest seed: at most this many times FriBidi's time
WARM_GOAL_MS = 10.0


def _article(text: str) -> tuple[str, list[tuple[int, int]]]:
    return text, list(paragraph_spans(text))


def _synthetic(size: int) -> str:
    """The seeds one after another until the text is `size` bytes of UTF-8."""
    seeds = [path.read_text(encoding="utf-8") for path in sorted(seeds_dir().glob("*.txt"))]
    parts: list[str] = []
    total = 0
    while total < size:
        for seed in seeds:
            parts.append(seed)
            total += len(seed.encode("utf-8")) + 2
    return "\n\n".join(parts)


def _every_line(layout: ArticleLayout, width: int) -> None:
    """Every row and its cells (rows are made when read)."""
    for row in layout.rows(width):
        if row.line is not None:
            row.line.cells  # noqa: B018 - built when read


def _cold(text: str, spans: list[tuple[int, int]], width: int, repeat: int) -> float:
    return best_of(repeat, lambda: _every_line(ArticleLayout(text, spans), width))


def _first_ever(text: str, spans: list[tuple[int, int]], width: int, repeat: int) -> float:
    """Cold, and with the process-wide caches (characters, shaped words) emptied first."""
    best = float("inf")
    for _ in range(repeat):
        chars.clear_cache()
        shaping.clear_cache()
        start = time.perf_counter()
        _every_line(ArticleLayout(text, spans), width)
        best = min(best, time.perf_counter() - start)
    return best


def _warm(text: str, spans: list[tuple[int, int]], width: int, repeat: int) -> float:
    """Rows at `width` of an article laid out at another width (timed: the re-wrap only)."""
    best = float("inf")
    for _ in range(repeat):
        layout = ArticleLayout(text, spans)
        _every_line(layout, width + 7)
        start = time.perf_counter()
        _every_line(layout, width)
        best = min(best, time.perf_counter() - start)
    return best


def _get_display(text: str, spans: list[tuple[int, int]], repeat: int) -> float:
    paragraphs = [text[start:end] for start, end in spans]
    return best_of(repeat, lambda: [get_display(p) for p in paragraphs])


def run(quick: bool) -> list[Row]:
    repeat = 3 if quick else 7
    rows: list[Row] = []
    seeds = sorted(seeds_dir().glob("*.txt"))
    longest = max(seeds, key=lambda path: path.stat().st_size)
    ArticleLayout(*_article(longest.read_text(encoding="utf-8"))).rows(80)  # imports, caches
    total_chars = 0
    total_cold = total_warm = 0.0
    for path in seeds:
        text, spans = _article(path.read_text(encoding="utf-8"))
        baseline = _get_display(text, spans, repeat)
        name = f"seed {path.stem[:3]} ({len(text):,} chars, {len(spans)} paragraphs)"
        for width in WIDTHS:
            cold = _cold(text, spans, width, repeat)
            warm = _warm(text, spans, width, repeat)
            total_chars += len(text)
            total_cold += cold
            total_warm += warm
            is_longest = path == longest
            rows.append(
                _ms_row(
                    f"layout cold, {name}, width {width}", cold, baseline, is_longest, COLD_GOAL_MS
                )
            )
            rows.append(
                _ms_row(
                    f"re-wrap warm, {name}, width {width}", warm, baseline, is_longest, WARM_GOAL_MS
                )
            )
    text, spans = _article(longest.read_text(encoding="utf-8"))
    rows.extend(_against_fribidi(text, spans, longest.stem[:3], 80, repeat * 3))
    rows.append(
        _ms_row(
            f"layout cold, seed {longest.stem[:3]}, width 80, empty word/char caches",
            _first_ever(text, spans, 80, repeat),
            _get_display(text, spans, repeat),
        )
    )
    rows.append(
        Row(
            name="layout cold, all seeds x 3 widths",
            figure=total_chars / total_cold,
            unit="chars/s",
        )
    )
    rows.append(
        Row(
            name="re-wrap warm, all seeds x 3 widths",
            figure=total_chars / total_warm,
            unit="chars/s",
        )
    )

    size = 200_000 if quick else 1_000_000
    text, spans = _article(_synthetic(size))
    big = f"synthetic {len(text.encode('utf-8')) / 1e6:.1f} MB ({len(text):,} chars)"
    repeat_big = 1 if quick else 2
    baseline = _get_display(text, spans, repeat_big)
    cold = _cold(text, spans, 80, repeat_big)
    warm = _warm(text, spans, 80, repeat_big)
    rows.append(_ms_row(f"layout cold, {big}, width 80", cold, baseline))
    rows.append(Row(name=f"layout cold, {big}", figure=len(text) / cold, unit="chars/s"))
    rows.append(_ms_row(f"re-wrap warm, {big}, width 80", warm, baseline))
    rows.append(Row(name=f"re-wrap warm, {big}", figure=len(text) / warm, unit="chars/s"))
    rows.append(Row(name=f"bidi.get_display, {big} (baseline)", figure=baseline * 1000, unit="ms"))
    return rows


def _against_fribidi(
    text: str, spans: list[tuple[int, int]], name: str, width: int, repeat: int
) -> list[Row]:
    """Cold layout against GNU FriBidi with shaping on the same paragraphs and the same
    line breaks (ours, taken from a layout made beforehand), CPU time beside wall."""
    if fribidi_baseline.library() is None:
        return [Row(name="GNU FriBidi baseline", figure=0, unit="", goal="libfribidi missing")]
    layout = ArticleLayout(text, spans)
    paragraphs = [text[start:end] for start, end in spans]
    lines = []
    for index in range(len(spans)):
        wrap = layout.paragraph(index).lines(width)
        lines.append([(line.start, line.end) for line in wrap])
    ours = best_timing(repeat, lambda: _every_line(ArticleLayout(text, spans), width))
    theirs = best_timing(repeat, lambda: fribidi_baseline.lay_out(paragraphs, lines))
    ratio = ours.cpu / theirs.cpu if theirs.cpu else None
    return [
        Row(
            name=f"layout cold, seed {name}, width {width}, vs FriBidi",
            figure=ours.cpu * 1000,
            unit="ms CPU",
            baseline="GNU FriBidi with shaping, same paragraphs and wrap (ratio: times its time)",
            ratio=ratio,
            goal=f"<= {FRIBIDI_GOAL:g}x FriBidi",
            met=ratio is not None and ratio <= FRIBIDI_GOAL,
            cpu=ours.cpu,
            wall=ours.wall,
        ),
        Row(
            name=f"GNU FriBidi with shaping, seed {name}, width {width} (baseline)",
            figure=theirs.cpu * 1000,
            unit="ms CPU",
            cpu=theirs.cpu,
            wall=theirs.wall,
        ),
    ]


def _ms_row(
    name: str, seconds: float, baseline: float, with_goal: bool = False, goal_ms: float = 0.0
) -> Row:
    ms = seconds * 1000
    return Row(
        name=name,
        figure=ms,
        unit="ms",
        baseline="bidi.get_display, same paragraphs",
        ratio=baseline / seconds,
        goal=f"< {goal_ms:g} ms" if with_goal else "",
        met=ms < goal_ms if with_goal else None,
    )
