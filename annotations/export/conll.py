"""CoNLL: one token a line with its BIO tag, for training span taggers.

The tokenisation is Hashiya's own, stated here and in the file's first lines:

- Whitespace (`str.isspace`) and invisible format characters (Unicode category Cf,
  such as the bidi marks), except the zero-width joiner and non-joiner, separate tokens
  and belong to none.
- A token is a run of letters, marks, digits and connector punctuation (categories L, M,
  N, Pc, with ZWJ and ZWNJ), or one other character (punctuation, a symbol, an emoji)
  with the marks, variation selectors, skin-tone modifiers and ZWJ-joined characters
  after it, so an emoji sequence stays one token.
- Tokens are also cut at every span's start and end, so each span covers whole tokens
  exactly (a passage that ends inside a word, before a clitic, makes two tokens of it).

Lines break sentences: the tokens of each line of the text form one sentence. BIO holds
one label per token, so where spans overlap the longest is kept (then the earlier, then
the lower id) and the others are left out and counted. Columns, tab-separated:
TOKEN START END TAG, with START/END code-point offsets into the article's text,
half-open (`text[START:END] == TOKEN`). A comment line starts with "# " (a token line
has no space in it).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

_JOINERS = frozenset("\u200c\u200d")
_ZWJ = "\u200d"
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

COLUMNS = ("TOKEN", "START", "END", "TAG")
HEADER = (
    "# hashiya conll: columns TOKEN START END TAG (tab-separated); START/END are code-point"
    " offsets into the article's text, half-open",
    "# tokens: runs of letters, marks, digits; each other character alone; cut at span"
    " edges; whitespace and format characters separate; one sentence per line of text",
)


@dataclass(frozen=True)
class SpanIn:
    """A span to tag: where, its label, its id (to report it)."""

    start: int
    end: int
    label: str
    id: str


@dataclass
class ConllDocument:
    """One (article, annotator): the comment lines and the sentences of tokens."""

    comments: list[str] = field(default_factory=list)
    sentences: list[list[tuple[str, int, int, str]]] = field(default_factory=list)
    overlapped: list[str] = field(default_factory=list)  # ids left out: a longer span won
    untokenised: list[str] = field(default_factory=list)  # ids of spans with no token


def _separates(char: str) -> bool:
    return char.isspace() or (unicodedata.category(char) == "Cf" and char not in _JOINERS)


def _wordlike(char: str) -> bool:
    return char in _JOINERS or unicodedata.category(char)[0] in "LMN" or char == "_"


def _attached(char: str) -> bool:
    """A character that stays with the symbol before it (marks, selectors, skin tones)."""
    return unicodedata.category(char)[0] == "M" or "\U0001f3fb" <= char <= "\U0001f3ff"


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def tokenize(text: str, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """The (start, end) of each token of `text`, also cut at the offsets in `cuts`."""
    tokens: list[tuple[int, int]] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if _separates(char):
            index += 1
            continue
        start = index
        index += 1
        if _wordlike(char):
            while index < length and _wordlike(text[index]) and not _separates(text[index]):
                index += 1
        else:
            if _regional(char) and index < length and _regional(text[index]):
                index += 1  # a flag is two regional indicators
            while index < length:
                if _attached(text[index]):
                    index += 1
                elif text[index] == _ZWJ and index + 1 < length and not _separates(text[index + 1]):
                    index += 2
                else:
                    break
        tokens.append((start, index))
    cut_set = sorted(set(cuts))
    if not cut_set:
        return tokens
    out: list[tuple[int, int]] = []
    for start, end in tokens:
        inner = cut_set[bisect_right(cut_set, start) : bisect_right(cut_set, end - 1)]
        for cut in inner:
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def _kept(spans: Sequence[SpanIn]) -> tuple[list[SpanIn], list[str]]:
    """The spans BIO can hold, longest first; and the ids of those left out."""
    kept: list[SpanIn] = []
    dropped: list[str] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start, s.id)):
        if any(span.start < k.end and k.start < span.end for k in kept):
            dropped.append(span.id)
        else:
            kept.append(span)
    return sorted(kept, key=lambda s: s.start), dropped


def conll_document(
    text: str, spans: Sequence[SpanIn], comments: Sequence[str] = ()
) -> ConllDocument:
    """The tokens of `text` with BIO tags from `spans` (see the module docstring)."""
    kept, overlapped = _kept(spans)
    tokens = tokenize(text, [edge for s in kept for edge in (s.start, s.end)])
    tags = ["O"] * len(tokens)
    starts = [start for start, _ in tokens]
    untokenised: list[str] = []
    for span in kept:
        first = bisect_left(starts, span.start)  # the span's start is a cut: a token starts there
        last = bisect_left(starts, span.end)
        covered = range(first, last)
        if not covered:
            untokenised.append(span.id)
            continue
        tags[covered[0]] = f"B-{span.label}"
        for i in covered[1:]:
            tags[i] = f"I-{span.label}"
    document = ConllDocument(
        comments=list(comments), overlapped=overlapped, untokenised=untokenised
    )
    sentence: list[tuple[str, int, int, str]] = []
    previous_end = 0
    for (start, end), tag in zip(tokens, tags, strict=True):
        if sentence and any(c in _LINE_BREAKS for c in text[previous_end:start]):
            document.sentences.append(sentence)
            sentence = []
        sentence.append((text[start:end], start, end, tag))
        previous_end = end
    if sentence:
        document.sentences.append(sentence)
    return document


def document_lines(document: ConllDocument) -> Iterator[str]:
    """The file's lines for one document: its comments, then sentences, a blank line after each."""
    yield from (f"# {comment}" for comment in document.comments)
    for sentence in document.sentences:
        for token, start, end, tag in sentence:
            yield f"{token}\t{start}\t{end}\t{tag}"
        yield ""


# --------------------------------------------------------------------------- reading


@dataclass
class ConllRead:
    """A document read back: its `key = value` comments and its tokens."""

    comments: dict[str, str] = field(default_factory=dict)
    tokens: list[tuple[str, int, int, str]] = field(default_factory=list)

    def spans(self) -> list[tuple[int, int, str]]:
        """(start, end, label) of each B-/I- run."""
        out: list[tuple[int, int, str]] = []
        current: list[int | str] | None = None  # [start, end, label] of the open run
        for _, start, end, tag in self.tokens:
            if tag.startswith("I-") and current is not None and current[2] == tag[2:]:
                current[1] = end
                continue
            if current is not None:
                out.append((int(current[0]), int(current[1]), str(current[2])))
                current = None
            if tag != "O":
                current = [start, end, tag[2:]]
        if current is not None:
            out.append((int(current[0]), int(current[1]), str(current[2])))
        return out


def read_conll(lines: Iterable[str]) -> list[ConllRead]:
    """Documents of a file `document_lines` wrote: a document starts at an `article_id`
    comment. Raises ValueError naming the line of a token line that does not parse."""
    documents: list[ConllRead] = []
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        if line.startswith("# "):
            key, sep, value = line[2:].partition(" = ")
            if sep and key == "article_id":
                documents.append(ConllRead())
            if sep and documents:
                documents[-1].comments[key] = value
            continue
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) != 4 or not documents:
            raise ValueError(
                f"line {lineno}: expected TOKEN START END TAG after an article_id comment"
            )
        token, start, end, tag = parts
        documents[-1].tokens.append((token, int(start), int(end), tag))
    return documents
