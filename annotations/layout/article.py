"""A whole article on a canvas of some width, plain-text rendering, one-line titles."""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, overload

from annotations.layout import chars
from annotations.layout.paragraph import DIRECTIONS, Cell, ParagraphLayout, VisualLine
from annotations.text import bidi_control_picture, is_tag_character

ELLIPSIS: Final = "\u2026"
BIDI_MODES: Final = ("app", "terminal")
_ROWS_CACHE_SIZE: Final = 4


@dataclass(frozen=True, slots=True)
class Row:
    """One screen row of an article: a paragraph's visual line, or the blank between two.

    `line`'s offsets are relative to its paragraph; `base` turns them into offsets of
    the article's text. Columns here are canvas columns: the padding `x` included.
    """

    paragraph: int | None  # index of the paragraph; None for a blank separator row
    line: VisualLine | None
    index: int  # the line's index within its paragraph
    x: int  # blank columns before the first cell (right alignment of RTL lines)
    base: int  # absolute offset of the paragraph's start

    @property
    def start(self) -> int:
        """Absolute offset of the start of the logical slice this row shows."""
        return self.base + self.line.start if self.line is not None else self.base

    @property
    def end(self) -> int:
        return self.base + self.line.end if self.line is not None else self.base

    def column_of(self, offset: int) -> int | None:
        """The canvas column showing absolute `offset`, or None if this row does not draw it."""
        if self.line is None:
            return None
        column = self.line.column_of(offset - self.base)
        return None if column is None else column + self.x

    def offset_at(self, column: int) -> int | None:
        """The absolute offset shown at canvas `column`, or None."""
        if self.line is None:
            return None
        offset = self.line.offset_at(column - self.x)
        return None if offset is None else offset + self.base


class _Rows(Sequence[Row]):
    """Every screen row of an article at one width; a row is made when it is read.

    Only the number of lines of each paragraph is kept (its wrap); a paragraph's lines
    are built when shown.
    """

    def __init__(self, layout: ArticleLayout, width: int, first_row: list[int], count: int):
        self._layout = layout
        self._width = width
        self.first_row = first_row  # row index of each paragraph's first line
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        paragraph = bisect_right(self.first_row, index) - 1
        start = self._layout.spans[paragraph][0]
        number = index - self.first_row[paragraph]
        if number < 0 or paragraph < 0:  # pragma: no cover - first_row[0] == 0
            raise IndexError(index)
        lines = self._layout.paragraph(paragraph).lines(self._width)
        if number >= len(lines):  # the blank row after the paragraph
            return Row(None, None, 0, 0, self._layout.spans[paragraph + 1][0])
        line = lines[number]
        return Row(paragraph, line, number, line.pad(self._width), start)

    def __iter__(self) -> Iterator[Row]:
        # Paragraph by paragraph: what __getitem__ gives, without a search per row.
        spans = self._layout.spans
        width = self._width
        for paragraph, first in enumerate(self.first_row):
            start = spans[paragraph][0]
            lines = self._layout.paragraph(paragraph).lines(width)
            for number, line in enumerate(lines):
                x = width - line.width if line.rtl and line.width < width else 0  # line.pad
                yield Row(paragraph, line, number, x, start)
            if first + len(lines) < self._count:  # the blank row after it
                yield Row(None, None, 0, 0, spans[paragraph + 1][0])


class ArticleLayout:
    """An article's stored text and paragraph spans, laid out for a `width`-wide canvas.

    Paragraphs are laid out lazily (levels and shaping once each) and their lines are
    cached per width; the rows are cached for the last few widths.
    """

    def __init__(
        self,
        text: str,
        paragraphs: Sequence[tuple[int, int]],
        direction: str = "auto",
        shape: bool = True,
        bidi_marks: bool = True,
    ) -> None:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}: {direction!r}")
        previous_end = 0
        for start, end in paragraphs:
            if not previous_end <= start <= end <= len(text):
                raise ValueError(f"paragraph spans out of order or out of the text: {(start, end)}")
            previous_end = end
        self.text = text
        self.spans = tuple((start, end) for start, end in paragraphs)
        self.direction = direction
        self.shape = shape
        self.bidi_marks = bidi_marks
        self._starts = [start for start, _end in self.spans]
        self._layouts: list[ParagraphLayout | None] = [None] * len(self.spans)
        self._rows: OrderedDict[int, _Rows] = OrderedDict()
        self._first: dict[int, _Rows] = {}  # per width: the first rows, until all are wrapped

    def paragraph(self, index: int) -> ParagraphLayout:
        """The layout of paragraph `index` (computed on first use)."""
        layout = self._layouts[index]
        if layout is None:
            start, end = self.spans[index]
            layout = ParagraphLayout(
                self.text[start:end], self.direction, self.shape, self.bidi_marks
            )
            self._layouts[index] = layout
        return layout

    def is_laid_out(self, width: int) -> bool:
        """True when `rows(width)` is cached (cheap to ask for)."""
        return width in self._rows

    def rows(self, width: int) -> Sequence[Row]:
        """Every screen row at `width`: each paragraph's lines, a blank row between two.

        Each paragraph is wrapped (cheap to keep); rows and their cells are made when read.
        """
        return self._rows_at(width)

    def first_rows(self, width: int, count: int) -> Sequence[Row]:
        """The rows of the first paragraphs, enough for `count` rows at `width` (all of
        them if the article has fewer): what to draw while `rows(width)` is computed
        (in a worker thread: each paragraph is laid out once, shared by both)."""
        cached = self._rows.get(width)
        if cached is not None:
            return cached
        first_row: list[int] = []
        total = 0
        for index in range(len(self.spans)):
            if total >= count:
                break
            if index:
                total += 1
            first_row.append(total)
            total += len(self.paragraph(index).lines(width))
        if len(first_row) < len(self.spans):  # the blank row after the last one shown
            total += 1
        first = _Rows(self, width, first_row, total)
        self._first[width] = first
        return first

    def _rows_to(self, width: int, paragraph: int = -1, row: int = -1) -> _Rows:
        """The rows at `width`: all of them, or the first ones if they are all there is
        yet and they hold `paragraph` (or `row`)."""
        cached = self._rows.get(width)
        if cached is None:
            first = self._first.get(width)
            if first is not None and paragraph < len(first.first_row) and row < len(first):
                return first
        return self._rows_at(width)

    def _rows_at(self, width: int) -> _Rows:
        if width < 1:
            raise ValueError(f"width must be at least 1: {width}")
        cached = self._rows.get(width)
        if cached is not None:
            self._rows.move_to_end(width)
            return cached
        first_row: list[int] = []
        count = 0
        for index in range(len(self.spans)):
            if index:
                count += 1  # the blank row between two paragraphs
            first_row.append(count)
            count += len(self.paragraph(index).lines(width))
        cached = _Rows(self, width, first_row, count)
        self._rows[width] = cached
        self._first.pop(width, None)
        if len(self._rows) > _ROWS_CACHE_SIZE:
            self._rows.popitem(last=False)
        return cached

    def position_of(self, offset: int, width: int) -> tuple[int, int] | None:
        """(row, canvas column) of absolute `offset` at `width`, or None if it is not drawn."""
        index = bisect_right(self._starts, offset) - 1
        if index < 0 or offset >= self.spans[index][1]:
            return None
        start = self.spans[index][0]
        found = self.paragraph(index).locate(offset - start, width)
        if found is None:
            return None
        line, column = found
        at = self._rows_to(width, paragraph=index)
        row = at.first_row[index] + line
        return row, column + at[row].x

    def offset_at(self, row: int, column: int, width: int) -> int | None:
        """The absolute offset shown at (row, canvas column) at `width`, or None."""
        rows = self._rows_to(width, row=row)
        if not 0 <= row < len(rows):
            return None
        return rows[row].offset_at(column)


def render_plain(
    text: str,
    paragraphs: Sequence[tuple[int, int]],
    width: int,
    direction: str = "auto",
    shape: bool = True,
    bidi: str = "app",
    bidi_marks: bool = True,
) -> str:
    """The article as plain text for a `width`-column terminal (what `hashiya cat` prints).

    The lines of `iter_plain`, joined; no final newline.
    """
    return "\n".join(iter_plain(text, paragraphs, width, direction, shape, bidi, bidi_marks))


def iter_plain(
    text: str,
    paragraphs: Sequence[tuple[int, int]],
    width: int,
    direction: str = "auto",
    shape: bool = True,
    bidi: str = "app",
    bidi_marks: bool = True,
) -> Iterator[str]:
    """The article's lines as plain text, one at a time: memory for one block of text
    at a time, however long a paragraph is.

    bidi="app": each paragraph's visual lines, RTL lines padded on the left so that they
    end at column `width`, LTR lines as they are. bidi="terminal": the wrapped logical
    lines, not reordered nor shaped nor padded, for terminals that do bidi themselves;
    but bidi embeddings, overrides and isolates are never sent to them: they are shown
    as marks (or left out with `bidi_marks=False`), so they reorder nothing, and tag
    characters are left out. Either way control characters are shown as pictures. An
    empty line between paragraphs.
    """
    if bidi not in BIDI_MODES:
        raise ValueError(f"bidi must be one of {', '.join(BIDI_MODES)}: {bidi!r}")
    layout = ArticleLayout(text, paragraphs, direction, shape and bidi == "app", bidi_marks)
    for index, (start, _end) in enumerate(layout.spans):
        if index:
            yield ""
        for line in layout.paragraph(index).iter_lines(width):
            if bidi == "app":
                yield " " * line.pad(width) + line.text
            else:
                yield _logical_text(text, start, line, bidi_marks)


def _logical_text(text: str, base: int, line: VisualLine, bidi_marks: bool) -> str:
    """The line's logical slice as the terminal should get it: controls as pictures, no
    embedding, override, isolate nor tag character."""
    out: list[str] = []
    for ch in text[base + line.start : base + line.end]:
        info = chars.char_info(ch)
        if info.kind == chars.CONTROL or info.kind == chars.SPACE:
            out.append(info.drawn)
        elif info.picture:
            if bidi_marks:
                out.append(info.picture)
        elif info.kind != chars.BREAK and not is_tag_character(ch):
            out.append(ch)
    return "".join(out)


def terminal_safe(text: str, bidi_marks: bool = True) -> str:
    """One line of logical text for a terminal that does bidi itself: embeddings,
    overrides and isolates as marks (or left out), tag characters left out."""
    out = []
    for ch in text:
        picture = bidi_control_picture(ch)
        if picture is not None:
            if bidi_marks:
                out.append(picture)
        elif not is_tag_character(ch):
            out.append(ch)
    return "".join(out)


def fit_line(
    text: str,
    width: int,
    direction: str = "auto",
    shape: bool = True,
    ellipsis: str = ELLIPSIS,
    bidi_marks: bool = True,
) -> VisualLine:
    """`text` (a title, a name) as one visual line of at most `width` cells.

    Newlines count as spaces. If it does not fit, it is cut at a cell boundary and
    `ellipsis` (one cell) is drawn at the end of the paragraph direction (the left for
    RTL); the ellipsis cell covers no offset. Align with `line.pad(width)`.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1: {width}")
    flat = "".join(" " if ch in chars.HARD_BREAKS else ch for ch in text)
    layout = ParagraphLayout(flat, direction, shape, bidi_marks)
    whole = layout.visual_line(0, _trimmed_end(flat))
    if whole.width <= width:
        return whole
    # The longest prefix of whole cells that leaves a column for the ellipsis.
    room = width - 1
    end = 0
    used = 0
    for cell in sorted(whole.cells, key=lambda cell: cell.start):
        if used + cell.width > room:
            break
        used += cell.width
        end = cell.end
    end = _trimmed_end(flat, end)
    cut = layout.visual_line(0, end)
    mark = Cell(ellipsis, end, end, 1, layout.rtl)
    cells = (mark, *cut.cells) if layout.rtl else (*cut.cells, mark)
    return VisualLine(cells, 0, end, cut.width + 1, layout.rtl)


def _trimmed_end(text: str, end: int | None = None) -> int:
    """`end` moved back over trailing breaking spaces."""
    end = len(text) if end is None else end
    while end > 0 and chars.char_info(text[end - 1]).kind == chars.SPACE:
        end -= 1
    return end
