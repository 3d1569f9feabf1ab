"""`hashiya import`: text files, folders, JSON Lines and standard input into the store.

Every problem is one line naming the file (and the line of a JSONL file, or the byte
offset of bad UTF-8); the rest of the import goes on. Each file is one transaction,
so a failure part-way never leaves half a file in the database. An id already taken by
a different text is refused, never merged: the database keeps the text it has.
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from annotations import untrusted
from annotations.articles import make_article_utf8, now_iso
from annotations.models import MAX_ARTICLE_ID, Article
from annotations.store import Store
from annotations.text import TextError, decode, is_blank
from annotations.untrusted import InputError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
# JSONL fields that become Article fields; every other field is kept as metadata.
JSONL_FIELDS = ("title", "source", "url", "published", "id")
STDIN = "-"
PROGRESS_EVERY = 0.1  # seconds between redraws of a progress bar
# Read buffer of a JSONL file: lines of articles run to kilobytes, and the default 8 KiB
# buffer made reading the lines cost three times as much.
JSONL_BUFFER = 1 << 20


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
    """Files to read: folders walked recursively for .txt and .jsonl files, in name order.

    What cannot be walked is yielded as it is, for `Importer.import_one` to report: a
    folder that cannot be listed, a link with an article's suffix that leads nowhere.
    """
    for name in paths:
        if name != STDIN and os.path.isdir(name):
            yield from sorted(_walk(name), key=lambda found: Path(found).parts)
        else:
            yield name


def _walk(folder: str) -> Iterator[str]:
    """The article files under a folder, and what there cannot be read.

    Links to folders are followed; a folder reached a second time (a link back up) is
    not read again, so its files are imported once.
    """
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            info = os.stat(current)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(current) as entries:
                children = list(entries)
        except OSError:
            yield current  # reported as "cannot read folder"
            continue
        for entry in children:
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError:
                is_dir = is_file = False
            if is_dir:
                pending.append(entry.path)
            elif Path(entry.name).suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES and (
                is_file or entry.is_symlink()  # a link that leads nowhere is reported
            ):
                yield entry.path


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
        problem = _unreadable(name)
        if problem is not None:
            self.report.rejected.append(f"{name}: {problem}")
            return
        if path.is_dir():
            self._folder(name, stdin)
            return
        if path.suffix.lower() in JSONL_SUFFIXES:
            try:
                with path.open("rb", buffering=JSONL_BUFFER) as handle:
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

    def _folder(self, name: str, stdin: IO[bytes] | None) -> None:
        """A folder `expand_paths` could not walk (or one given here directly)."""
        try:
            with os.scandir(name):
                pass
        except OSError as exc:
            self.report.rejected.append(
                f"{name}: cannot read folder ({exc.strerror}); nothing in it was imported"
            )
            return
        for child in expand_paths([name]):
            if child != name:
                self.import_one(child, stdin)

    def _add(
        self, articles: list[Article], utf8: list[bytes], wheres: list[str]
    ) -> list[tuple[int, str]]:
        """Store the articles (one transaction), `utf8` their texts encoded; (index,
        message) of each one refused.

        An id the database (or an earlier article of the batch) holds with a different
        text is refused: keeping either text silently would lose the other.
        """
        refused: list[tuple[int, str]] = []
        with self.store.transaction():
            stored = self.store.article_texts([a.id for a in articles])
            first: dict[str, str] = {}  # id -> where the batch has it first
            accepted: list[Article] = []
            accepted_utf8: list[bytes] = []
            for index, (article, where) in enumerate(zip(articles, wheres, strict=True)):
                text = stored.get(article.id)
                if text is None:
                    stored[article.id] = article.text
                    first[article.id] = where
                    accepted.append(article)
                    accepted_utf8.append(utf8[index])
                elif text == article.text:
                    accepted.append(article)  # the same article again: a no-op
                    accepted_utf8.append(utf8[index])
                else:
                    holder = (
                        f"see {first[article.id]}" if article.id in first else "in the database"
                    )
                    refused.append(
                        (
                            index,
                            f"{where}: id {_quoted(article.id)} is taken by a different text"
                            f" ({holder}); not imported",
                        )
                    )
            added = self.store.add_articles(accepted, utf8=accepted_utf8)
        for was_new, article in zip(added, accepted, strict=True):
            (self.report.imported if was_new else self.report.present).append(article.id)
        return refused

    def _text(self, name: str, data: bytes, origin: str | None) -> None:
        try:
            text = decode(data)
        except TextError as exc:
            self.report.rejected.append(f"{name}: {exc}")
            return
        if is_blank(text):
            self.report.rejected.append(f"{name}: empty")
            return
        article, utf8 = make_article_utf8(text, origin=origin)
        refused = self._add([article], [utf8], [name])
        self.report.rejected.extend(message for _, message in refused)

    def _jsonl(self, name: str, lines: Iterator[bytes] | IO[bytes]) -> None:
        articles: list[Article] = []
        utf8: list[bytes] = []
        linenos: list[int] = []
        rejected: list[tuple[int, str]] = []
        imported_at = now_iso()  # one time for the file: it goes in as one transaction
        progress = _Throttled(self.progress)
        for lineno, raw in enumerate(lines, start=1):
            progress(len(raw))
            if not raw or raw.isspace():  # the same ASCII whitespace as strip, no copy
                continue
            try:
                article, encoded = self._jsonl_article(name, raw, imported_at)
            except ValueError as exc:
                rejected.append((lineno, f"{name}:{lineno}: {exc}"))
                continue
            articles.append(article)
            utf8.append(encoded)
            linenos.append(lineno)
        progress.flush()
        # One transaction for the whole file: its good lines all go in, or none do.
        if articles:
            refused = self._add(articles, utf8, [f"{name}:{n}" for n in linenos])
            rejected.extend((linenos[index], message) for index, message in refused)
        elif not rejected:
            rejected.append((0, f"{name}: empty"))
        self.report.rejected.extend(message for _, message in sorted(rejected))

    def _jsonl_article(self, name: str, raw: bytes, imported_at: str) -> tuple[Article, bytes]:
        if len(raw) > self.max_bytes:
            raise ValueError(f"too large ({len(raw):,} bytes; the limit is {self.max_bytes:,})")
        try:
            line = decode(raw)
        except TextError as exc:
            raise ValueError(str(exc)) from None
        try:
            obj = untrusted.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise ValueError("not a JSON object")
        text = obj.get(self.text_field)
        raw_utf8 = self._checked(obj, line, text)
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
        if fields["id"] is not None and len(fields["id"]) > MAX_ARTICLE_ID:
            raise ValueError(
                f"field 'id' is {len(fields['id']):,} characters long"
                f" (the limit is {MAX_ARTICLE_ID})"
            )
        metadata: dict[str, Any] = {
            k: v for k, v in obj.items() if k not in JSONL_FIELDS and k != self.text_field
        }
        return make_article_utf8(
            text,
            raw_utf8=raw_utf8,
            title=fields["title"],
            source=fields["source"],
            published=fields["published"],
            origin=fields["url"] or f"{name}",
            id=fields["id"],
            metadata=metadata,
            imported_at=imported_at,
        )

    def _checked(self, obj: dict[str, Any], line: str, text: Any) -> bytes | None:
        """`untrusted.check_value(obj, line)` as a ValueError in the line's words; the
        text's UTF-8 if it is a string.

        A lone surrogate is the only thing UTF-8 cannot encode, so encoding the text
        (which the id's hash needs anyway) tells whether it holds one, and only the
        other fields are walked: scanning the raw line for escapes cost more."""
        raw_utf8: bytes | None = None
        try:
            untrusted.check_nesting(obj)
            clean = isinstance(text, str)
            if clean:
                try:
                    raw_utf8 = text.encode("utf-8")
                except UnicodeEncodeError:
                    clean = False
            if clean:
                try:
                    # The text's key and every other field, the text itself left out.
                    untrusted.check_text({**obj, self.text_field: ""})
                except InputError:
                    clean = False
            if not clean:
                # The whole check, so the field named is the first in the line's order.
                untrusted.check_value(obj, line)
        except InputError as exc:
            message = f"field '{exc.path}': {exc.reason}" if exc.path else exc.reason
            raise ValueError(message) from None
        return raw_utf8


class _Throttled:
    """A progress callback called at most every `PROGRESS_EVERY` seconds (and by
    `flush`): a terminal bar redrawn for every line of a big file costs more than the line."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.pending = 0
        self.due = time.monotonic() + PROGRESS_EVERY

    def __call__(self, n: int) -> None:
        self.pending += n
        if time.monotonic() >= self.due:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.progress(self.pending)
            self.pending = 0
        self.due = time.monotonic() + PROGRESS_EVERY


def _unreadable(name: str) -> str | None:
    """Why a path cannot be read, or None if it can be tried."""
    try:
        os.stat(name)
    except FileNotFoundError:
        if os.path.islink(name):
            return f"a symbolic link to {_quoted(os.readlink(name))}, which does not exist"
        return "no such file or folder"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link that loops (it never reaches a file)"
        return f"cannot read ({exc.strerror})"
    return None


def _quoted(value: str) -> str:
    """A value from the input, quoted and shortened for a one-line message."""
    shown = value if len(value) <= 60 else value[:57] + "..."
    return json.dumps(shown, ensure_ascii=False)


def _line_order(message: str) -> tuple[int, str]:
    """Messages of one file by line number (`FILE:LINE: ...`)."""
    head, _, rest = message.partition(": ")
    _, _, line = head.rpartition(":")
    return (int(line) if line.isdigit() else 0, rest)


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
