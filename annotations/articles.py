"""Building an Article from imported text: its id, title and source.

The id is a hash of the stored text, so importing the same article twice is a no-op
and two people's databases agree on ids without talking to each other.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
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
_OUTLET_NAMED = re.compile("|".join(re.escape(o) for o in KNOWN_OUTLETS))
_SENTENCE_END = re.compile(r"[.!?؟؛]")
TITLE_WORDS = 14


def article_id(text: str) -> str:
    """The stable id of a stored text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_LENGTH]


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _lines(text: str, most: int = 12) -> list[str]:
    """The first non-blank lines, stripped (titles and bylines sit at the top)."""
    lines = []
    for line in text.split("\n", 60)[:60]:
        if line.strip():
            lines.append(line.strip())
            if len(lines) == most:
                break
    return lines


def _is_boilerplate(line: str) -> bool:
    return line.casefold() in BOILERPLATE_LINES


def derive_source(text: str) -> str:
    """The outlet, from a byline («شفق نيوز- بغداد»), a writer line, or the first outlet named."""
    lines = _lines(text)
    for line in lines[:5]:
        if _is_boilerplate(line):
            continue
        writer = _WRITER.match(line)
        if writer:
            return writer.group("outlet").strip()
        byline = _BYLINE.match(line)
        if byline and any(byline.group("outlet").startswith(o) for o in KNOWN_OUTLETS):
            return byline.group("outlet").strip()
        break
    named = _OUTLET_NAMED.search(text)
    return named.group(0) if named else ""


def _shorten(line: str, words: int = TITLE_WORDS) -> str:
    parts = line.split()
    return line if len(parts) <= words else " ".join(parts[:words]) + " …"


def derive_title(text: str) -> str:
    """A headline line if the article has one, else the opening words of its first sentence."""
    lines = [line for line in _lines(text) if not _is_boilerplate(line)]
    for line in lines[:3]:
        if _WRITER.match(line):
            continue
        byline = _BYLINE.match(line)
        if byline and len(line.split()) <= 4:
            continue  # a bare byline such as «شفق نيوز- بغداد»
        if len(line.split()) <= 25 and not line.endswith((".", "。")):
            return line  # a headline: short and not a sentence of the body
        if byline and any(byline.group("outlet").startswith(o) for o in KNOWN_OUTLETS):
            line = line[byline.end() :]
        end = _SENTENCE_END.search(line)
        return _shorten(line[: end.start()] if end else line)
    return ""


def make_article(
    raw_text: str,
    *,
    title: str | None = None,
    source: str | None = None,
    published: str | None = None,
    origin: str | None = None,
    id: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Article:
    """An Article from text as read; fields given explicitly override the derived ones."""
    text = normalize(raw_text)
    return Article(
        id=id or article_id(text),
        title=title if title is not None else derive_title(text),
        source=source if source is not None else derive_source(text),
        text=text,
        paragraphs=paragraph_spans(text),
        published=published,
        origin=origin,
        imported_at=now_iso(),
        metadata=metadata or {},
    )
