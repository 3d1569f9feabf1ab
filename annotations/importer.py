"""`hashiya import`: text files, folders, JSON Lines and standard input into the store.

Every problem is one line naming the file (and the line of a JSONL file, or the byte
offset of bad UTF-8); the rest of the import goes on. Each file is one transaction,
so a failure part-way never leaves half a file in the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from annotations.articles import make_article
from annotations.models import Article
from annotations.store import Store
from annotations.text import TextError, decode, is_blank

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
# JSONL fields that become Article fields; every other field is kept as metadata.
JSONL_FIELDS = ("title", "source", "url", "published", "id")
STDIN = "-"


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)  # article ids
    present: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # one-line messages

    @property
    def summary(self) -> str:
        return (
            f"{len(self.imported)} imported, {len(self.present)} already present, "
            f"{len(self.rejected)} rejected"
        )


# progress(bytes_done) is called as input is consumed
Progress = Callable[[int], None]


def expand_paths(paths: list[str]) -> Iterator[str]:
    """Files to read: folders walked recursively for .txt and .jsonl files, in name order."""
    for name in paths:
        path = Path(name)
        if name != STDIN and path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES:
                    yield str(child)
        else:
            yield name


def total_bytes(paths: list[str]) -> int:
    total = 0
    for name in paths:
        if name != STDIN:
            try:
                total += Path(name).stat().st_size
            except OSError:
                pass
    return total


class Importer:
    def __init__(
        self,
        store: Store,
        *,
        text_field: str = "text",
        max_bytes: int = DEFAULT_MAX_BYTES,
        progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.text_field = text_field
        self.max_bytes = max_bytes
        self.progress = progress or (lambda n: None)
        self.report = ImportReport()

    def import_paths(self, paths: list[str], stdin: IO[bytes] | None = None) -> ImportReport:
        for name in expand_paths(paths):
            self.import_one(name, stdin)
        return self.report

    def import_one(self, name: str, stdin: IO[bytes] | None = None) -> None:
        if name == STDIN:
            if stdin is None:
                self.report.rejected.append("-: no standard input")
                return
            data = stdin.read()
            self.progress(len(data))
            if data.lstrip()[:1] == b"{":
                self._jsonl(name, iter(data.splitlines(keepends=True)))
            else:
                self._text(name, data, origin=None)
            return
        path = Path(name)
        if not path.exists():
            self.report.rejected.append(f"{name}: no such file or folder")
            return
        if path.suffix.lower() in JSONL_SUFFIXES:
            try:
                with path.open("rb") as handle:
                    self._jsonl(name, handle)
            except OSError as exc:
                self.report.rejected.append(f"{name}: cannot read ({exc.strerror})")
            return
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                self.report.rejected.append(
                    f"{name}: too large ({size:,} bytes; the limit is {self.max_bytes:,},"
                    " see --max-size)"
                )
                self.progress(size)
                return
            data = path.read_bytes()
        except OSError as exc:
            self.report.rejected.append(f"{name}: cannot read ({exc.strerror})")
            return
        self.progress(len(data))
        self._text(name, data, origin=str(path))

    def _record(self, added: list[bool], articles: list[Article]) -> None:
        for was_new, article in zip(added, articles, strict=True):
            (self.report.imported if was_new else self.report.present).append(article.id)

    def _text(self, name: str, data: bytes, origin: str | None) -> None:
        try:
            text = decode(data)
        except TextError as exc:
            self.report.rejected.append(f"{name}: {exc}")
            return
        if is_blank(text):
            self.report.rejected.append(f"{name}: empty")
            return
        article = make_article(text, origin=origin)
        self._record(self.store.add_articles([article]), [article])

    def _jsonl(self, name: str, lines: Iterator[bytes] | IO[bytes]) -> None:
        articles: list[Article] = []
        rejected: list[str] = []
        for lineno, raw in enumerate(lines, start=1):
            self.progress(len(raw))
            if not raw.strip():
                continue
            try:
                articles.append(self._jsonl_article(name, raw))
            except ValueError as exc:
                rejected.append(f"{name}:{lineno}: {exc}")
        # One transaction for the whole file: its good lines all go in, or none do.
        if articles:
            self._record(self.store.add_articles(articles), articles)
        elif not rejected:
            rejected.append(f"{name}: empty")
        self.report.rejected.extend(rejected)

    def _jsonl_article(self, name: str, raw: bytes) -> Article:
        if len(raw) > self.max_bytes:
            raise ValueError(f"too large ({len(raw):,} bytes; the limit is {self.max_bytes:,})")
        try:
            line = decode(raw)
        except TextError as exc:
            raise ValueError(str(exc)) from None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise ValueError("not a JSON object")
        text = obj.get(self.text_field)
        if text is None:
            raise ValueError(f"no '{self.text_field}' field (see --text-field)")
        if not isinstance(text, str):
            raise ValueError(f"field '{self.text_field}' is not a string")
        if is_blank(text):
            raise ValueError(f"field '{self.text_field}' is empty")
        fields: dict[str, str | None] = {}
        for key in JSONL_FIELDS:
            value = obj.get(key)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"field '{key}' is not a string")
            fields[key] = value
        if fields["id"] is not None and not fields["id"].strip():
            raise ValueError("field 'id' is empty")
        metadata: dict[str, Any] = {
            k: v for k, v in obj.items() if k not in JSONL_FIELDS and k != self.text_field
        }
        return make_article(
            text,
            title=fields["title"],
            source=fields["source"],
            published=fields["published"],
            origin=fields["url"] or f"{name}",
            id=fields["id"],
            metadata=metadata,
        )


def import_paths(
    store: Store,
    paths: list[str],
    *,
    text_field: str = "text",
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    stdin: IO[bytes] | None = None,
) -> ImportReport:
    """Import files, folders, JSONL files and `-` (standard input) into the store."""
    importer = Importer(store, text_field=text_field, max_bytes=max_bytes, progress=progress)
    return importer.import_paths(paths, stdin)
