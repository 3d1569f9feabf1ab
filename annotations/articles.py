"""Building an Article from imported text: its id, title and source.

The id is a hash of the stored text, so importing the same article twice is a no-op
and two people's databases agree on ids without talking to each other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from annotations.models import Article
from annotations.text import normalize, paragraph_spans

ID_LENGTH = 16

# Outlets named in the text, in the spelling the articles use. The first one found wins.
KNOWN_OUTLETS = (
    "شفق نيوز",
    "إرم نيوز",
    "العرب نيوز",
    "سكاي نيوز عربية",
    "الجزيرة نت",
    "العربية نت",
    "روسيا اليوم",
    "الشرق الأوسط",
    "السومرية نيوز",
    "رووداو",
    "بغداد اليوم",
    "عنب بلدي",
    "المدى",
)

# Web page furniture that scrapers leave above the headline.
BOILERPLATE_LINES = {
    "logo",
    "menu",
    "search",
    "share",
    "advertisement",
    "home",
    "خاص",
    "الرئيسية",
    "إعلان",
    "شارك",
    "تابعونا على",
    "العالم العربي",
    "أخبار",
    "عاجل",
}

# «شفق نيوز- بغداد», «شفق نيوز/ في ظل ...»: an outlet, a dash or slash, a dateline or the text.
_BYLINE = re.compile(r"^(?P<outlet>[^\s/\-–—:]+(?:\s[^\s/\-–—:]+){0,3})\s*[/\-–—]\s*")
# «كتب : صفاء مصطفى... العرب نيوز اللندنية»
_WRITER = re.compile(r"^كتب\s*:\s*(?P<writer>.+?)\s*(?:\.\.\.|…|-|–|،)\s*(?P<outlet>.+)$")
_SENTENCE_END = re.compile(r"[.!?؟؛]")
TITLE_WORDS = 14


def article_id(text: str) -> str:
    """The stable id of a stored text: the first 16 hex digits of its SHA-256."""
    return _utf8_id(text.encode("utf-8"))


def _utf8_id(utf8: bytes) -> str:
    return hashlib.sha256(utf8).hexdigest()[:ID_LENGTH]


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# No casefolded line is shorter than the line (each character folds to one or more), so
# a line longer than every boilerplate line is not one, and needs no casefold.
_BOILERPLATE_LONGEST = max(len(line) for line in BOILERPLATE_LINES)


def _lines(text: str, most: int = 12) -> list[str]:
    """The first non-blank lines, stripped (titles and bylines sit at the top): of the
    first 60 lines."""
    return list(_top_lines(text, paragraph_spans(text), most))


def _top_lines(text: str, paragraphs: Sequence[tuple[int, int]], most: int = 12) -> Iterator[str]:
    """`_lines(text)` one at a time, from the text's paragraph spans (its non-blank lines,
    stripped): an import has them already, and a title seldom needs more than one."""
    newlines = 0  # before the paragraph: the number of its line
    at = 0
    for start, end in paragraphs[:most]:
        newlines += text.count("\n", at, start)
        if newlines >= 60:
            return
        yield text[start:end]
        at = start


def _is_boilerplate(line: str) -> bool:
    return len(line) <= _BOILERPLATE_LONGEST and line.casefold() in BOILERPLATE_LINES


def _known_outlet(outlet: str) -> bool:
    return outlet.startswith(KNOWN_OUTLETS)


def _first_outlet_named(text: str) -> str:
    """The outlet named first in the text (at the same place: the first in KNOWN_OUTLETS).

    `str.find` of each outlet in a window at a time, each bounded by the best place found
    so far (an outlet is usually named near the top): a scan of the whole text with an
    alternation regex took a third of an import's time."""
    start, window = 0, 2048
    while start < len(text):
        end = start + window
        best, found = end, ""
        for outlet in KNOWN_OUTLETS:
            at = text.find(outlet, start, best + len(outlet) - 1)
            if at != -1:
                best, found = at, outlet
        if found:
            return found
        start, window = end, window * 4
    return ""


def _source(text: str, lines: Iterable[str]) -> str:
    for line in islice(lines, 5):
        if _is_boilerplate(line):
            continue
        writer = _WRITER.match(line)
        if writer:
            return writer.group("outlet").strip()
        byline = _BYLINE.match(line)
        if byline and _known_outlet(byline.group("outlet")):
            return byline.group("outlet").strip()
        break
    return _first_outlet_named(text)


def derive_source(text: str) -> str:
    """The outlet, from a byline («شفق نيوز- بغداد»), a writer line, or the first outlet named."""
    return _source(text, _lines(text))


def _shorten(line: str, words: int = TITLE_WORDS) -> str:
    parts = line.split()
    return line if len(parts) <= words else " ".join(parts[:words]) + " …"


def _title(lines: Iterable[str]) -> str:
    taken = 0
    for line in lines:
        if _is_boilerplate(line):
            continue
        taken += 1
        if taken > 3:
            break
        if _WRITER.match(line):
            continue
        byline = _BYLINE.match(line)
        n_words = len(line.split(None, 25))
        if byline and n_words <= 4:
            continue  # a bare byline such as «شفق نيوز- بغداد»
        if n_words <= 25 and not line.endswith((".", "。")):
            return line  # a headline: short and not a sentence of the body
        if byline and _known_outlet(byline.group("outlet")):
            line = line[byline.end() :]
        end = _SENTENCE_END.search(line)
        return _shorten(line[: end.start()] if end else line)
    return ""


def derive_title(text: str) -> str:
    """A headline line if the article has one, else the opening words of its first sentence."""
    return _title(_lines(text))


def derive_title_and_source(text: str) -> tuple[str, str]:
    """`(derive_title(text), derive_source(text))`, the first lines read once."""
    lines = _lines(text)
    return _title(lines), _source(text, lines)


def _title_and_source(text: str, paragraphs: Sequence[tuple[int, int]]) -> tuple[str, str]:
    return _title(_top_lines(text, paragraphs)), _source(text, _top_lines(text, paragraphs))


def make_article(
    raw_text: str,
    *,
    title: str | None = None,
    source: str | None = None,
    published: str | None = None,
    origin: str | None = None,
    id: str | None = None,
    metadata: dict[str, Any] | None = None,
    imported_at: str | None = None,
) -> Article:
    """An Article from text as read; fields given explicitly override the derived ones.

    `imported_at` is the time to record (by default now): a bulk import passes one for
    the whole file."""
    return make_article_utf8(
        raw_text,
        title=title,
        source=source,
        published=published,
        origin=origin,
        id=id,
        metadata=metadata,
        imported_at=imported_at,
    )[0]


def make_article_utf8(
    raw_text: str,
    *,
    title: str | None = None,
    source: str | None = None,
    published: str | None = None,
    origin: str | None = None,
    id: str | None = None,
    metadata: dict[str, Any] | None = None,
    imported_at: str | None = None,
    raw_utf8: bytes | None = None,
) -> tuple[Article, bytes]:
    """`make_article`, with the stored text's UTF-8 beside it: the id is its hash, and a
    bulk import hands the same bytes to `Store.add_articles` instead of encoding again.

    `raw_utf8`, if given, is `raw_text` encoded (an import has it from its checks): it is
    the stored text's UTF-8 too when normalizing changes nothing, as in most text."""
    text = normalize(raw_text)
    utf8 = raw_utf8 if raw_utf8 is not None and text is raw_text else text.encode("utf-8")
    paragraphs = paragraph_spans(text)
    if title is None or source is None:
        derived_title, derived_source = _title_and_source(text, paragraphs)
        title = derived_title if title is None else title
        source = derived_source if source is None else source
    article = Article(
        id=id or _utf8_id(utf8),
        title=title,
        source=source,
        text=text,
        paragraphs=paragraphs,
        published=published,
        origin=origin,
        imported_at=imported_at or now_iso(),
        metadata=metadata or {},
    )
    return article, utf8
