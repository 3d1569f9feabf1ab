"""The side panel: the article's own labels, the passages under the caret, the frame
they belong to (source, cue, content pieces and the links between them), then the
article's whole list. Every attribute is shown from the schema, named in the labels'
language."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from annotations.models import Comment, Passage, Relation
from annotations.relations import Frame
from annotations.schema import Attribute, LabelSchema
from annotations.store import StoredSuggestion
from annotations.text import printable
from tui.widgets.bidi_text import clipped_lines, english_line, labelled, lines_text, padded

PANEL_WIDTH = 38
# Less the left border, one column of padding each side and the scrollbar's column, kept
# even when the panel fits: lines are laid out at this width, and a Static narrowed by a
# scrollbar appearing would wrap them again, breaking words already in visual order.
INNER_WIDTH = PANEL_WIDTH - 4
PIECE_LINES = 2  # lines of a frame piece's words before they are cut with "…"


class PassagePanel(VerticalScroll):
    DEFAULT_CSS = f"""
    PassagePanel {{ width: {PANEL_WIDTH}; height: 1fr; border-left: solid $primary;
                    padding: 0 1; scrollbar-gutter: stable; scrollbar-size-vertical: 1; }}
    PassagePanel > Static {{ height: auto; }}
    """

    def __init__(
        self,
        schema: LabelSchema,
        comments: Callable[[str], list[Comment]] = lambda passage_id: [],
        *,
        labels: str = "en",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.schema = schema
        self.comments = comments  # a passage's comment thread, by passage id
        self.labels = labels  # "ar": names in Arabic; "en": in English
        self._here: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(lines_text([]), id="panel-document")
        yield Static(lines_text(["UNDER THE CARET", "—"]), id="panel-here")
        yield Static(lines_text([]), id="panel-frame")
        yield Static(lines_text([]), id="panel-suggested")
        yield Static(lines_text([]), id="panel-all")

    def on_mount(self) -> None:
        self.query_one("#panel-document", Static).display = bool(self.schema.document_attributes)
        self.query_one("#panel-frame", Static).display = False

    # -- one attribute, one line --------------------------------------------------------

    def _label_of(self, names: Any) -> str:
        """The name of an attribute, value or actor in the labels' language."""
        first, second = (
            (names.label_ar, names.label_en)
            if self.labels == "ar"
            else (names.label_en, names.label_ar)
        )
        return first or second

    def value_text(self, attribute: Attribute, value: Any) -> str:
        """A label value as people read it: value and actor names, several joined."""
        if attribute.type == "boolean":
            yes, no = ("نعم", "لا") if self.labels == "ar" else ("yes", "no")
            return yes if value is True else no
        if attribute.type == "text":
            return str(value)
        items = value if isinstance(value, list | tuple) else [value]
        names = []
        for item in items:
            found = (
                self.schema.actor(str(item))
                if attribute.type == "actor"
                else attribute.value(str(item))
            )
            names.append(self._label_of(found) if found is not None else str(item))
        return "، ".join(names) if self.labels == "ar" else ", ".join(names)

    def attribute_lines(
        self, attributes: Sequence[Attribute], labels: Mapping[str, Any], width: int = INNER_WIDTH
    ) -> list[str]:
        """A line per attribute: the value lists always ("—" when not labelled), text
        only when given; each laid out at `width` (the panel's)."""
        lines = []
        for attribute in attributes:
            value = labels.get(attribute.id)
            unset = value is None or value == "" or value == [] or value == ()
            if unset and attribute.type == "text":
                continue
            name = self._label_of(attribute)
            shown = "—" if unset else self.value_text(attribute, value)
            if self.labels == "ar":  # one right-to-left line: name, then the value
                lines.append(padded(f"{name}: {shown}", width))
            else:
                head = name[:1].lower() + name[1:]
                lines.append(labelled(english_line(f"{head}:", width // 2) + " ", shown, width))
        return lines

    def show_document(self, labels: Mapping[str, Any] | None) -> None:
        """The annotator's labels on the whole article (the schema's document attributes)."""
        attributes = self.schema.document_attributes
        if not attributes:
            return
        out = ["ARTICLE LABELS (L)"]
        out.extend(self.attribute_lines(attributes, labels or {}))
        out.append("")
        self.query_one("#panel-document", Static).update(lines_text(out))

    def kind_name(self, p: Passage) -> str:
        """The passage's kind in the labels' language ("" when the schema has one kind)."""
        if len(self.schema.kinds) < 2:
            return ""
        kind = self.schema.kind(p.kind)
        return self._label_of(kind) if kind is not None else p.kind

    def _describe(self, p: Passage, text: str) -> list[str]:
        """A passage's lines: every one drawn at the panel's width (data never raw)."""
        width = INNER_WIDTH
        stale = " ⚠ text changed" if text[p.start : p.end] != p.text else ""
        kind = self.kind_name(p)
        head = english_line(f"[{p.start}, {p.end}){stale}", width // 2) + " "
        lines = [
            labelled(head, kind, width) if kind else english_line(head, width),
            padded(" ".join(p.text.split()), width, align="right"),
        ]
        attributes = self.schema.attributes_of(p.kind) if kind else self.schema.attributes
        lines.extend(self.attribute_lines(attributes, p.attributes()))
        for comment in self.comments(p.id):
            head = english_line(f"💬 {comment.author}:", width // 2) + " "
            lines.append(labelled(head, comment.body, width))
        return lines

    def show_here(
        self, passages: list[Passage], caret: int, text: str, *, force: bool = False
    ) -> None:
        """The passages under the caret (redrawn only when they change, or `force`)."""
        here = [p for p in passages if p.start <= caret < p.end]
        key = tuple(f"{p.id}{p.updated_at}" for p in here)
        if key == self._here and key and not force:
            return
        self._here = key
        out = ["UNDER THE CARET"]
        for p in here:
            out.extend(self._describe(p, text))
            out.append("")
        if not here:
            out.append("—")
        self.query_one("#panel-here", Static).update(lines_text(out))

    def _piece(self, role: str, p: Passage) -> list[str]:
        """One piece of a frame: its role and offsets, then its words laid out by the
        engine (wrapped logically, each line reordered), cut after a few lines."""
        width = INNER_WIDTH
        words = printable(" ".join(p.text.split()), keep_bidi=True)
        _shown, lines = clipped_lines(words, width, PIECE_LINES)
        return [english_line(f"{role} [{p.start}, {p.end})", width), *lines]

    def relation_line(self, number: int, r: Relation, by_id: Mapping[str, Passage]) -> str:
        """A link as one line: its number (the key that picks it), type and ends."""
        rel = self.schema.relation(r.type)
        name = self._label_of(rel) if rel is not None else r.type
        ends = []
        for end_id in (r.from_id, r.to_id):
            end = by_id.get(end_id)
            ends.append(f"{end.start}" if end is not None else "?")
        head = english_line(f"{number}", 3) + " "  # the layout drops a trailing space
        return labelled(head, f"{name} ({ends[0]} → {ends[1]})", INNER_WIDTH)

    def show_frame(
        self, frame: Frame | None, relations: Sequence[Relation] = (), text: str = ""
    ) -> None:
        """The frame of the passage under the caret: source, cue, content pieces, then
        the links of that passage, numbered (X deletes one, E edits its labels)."""
        widget = self.query_one("#panel-frame", Static)
        if frame is None or not frame.relations:
            widget.display = False
            return
        out = ["FRAME (X unlink, E link labels)"]
        for p in frame.sources:
            out.extend(self._piece("source", p))
        for p in frame.cues:
            out.extend(self._piece("cue", p))
        many = len(frame.contents) > 1
        for n, p in enumerate(frame.contents, 1):
            out.extend(self._piece(f"content {n}" if many else "content", p))
        if relations:
            by_id = {p.id: p for p in (*frame.sources, *frame.cues, *frame.contents)}
            out.append(english_line("links here:", INNER_WIDTH))
            for n, r in enumerate(relations, 1):
                out.append(self.relation_line(n, r, by_id))
                rel = self.schema.relation(r.type)
                if rel is not None and rel.attributes:
                    shown = self.attribute_lines(rel.attributes, r.labels, INNER_WIDTH - 2)
                    out.extend("  " + line for line in shown)
        out.append("")
        widget.update(lines_text(out))
        widget.display = True

    def show_suggestions(self, here: Sequence[StoredSuggestion]) -> None:
        """The suggestions under the caret: who suggests them (source, score, why) and
        the labels accepting one would give."""
        width = INNER_WIDTH
        out: list[str] = []
        if here:
            out.append(english_line("SUGGESTED (a accept · x reject)", width))
        for s in here:
            head = f"[{s.start}, {s.end}) by {printable(s.source)}"
            score = "" if s.score is None else f"score {s.score:.2f}"
            if score and len(head) + len(score) + 3 <= width:
                head, score = f"{head} · {score}", ""
            out.append(english_line(head, width))
            if score:  # on a line of its own rather than cut off
                out.append(english_line(f"  {score}", width))
            out.append(padded(" ".join(s.text.split()), width, align="right"))
            if s.reason:
                out.append(english_line(s.reason, width))
            given = [a for a in self.schema.attributes if a.id in s.labels]
            out.extend(self.attribute_lines(given, s.labels))
            out.append("")
        widget = self.query_one("#panel-suggested", Static)
        widget.display = bool(here)
        widget.update(lines_text(out))

    def show_all(self, passages: list[Passage]) -> None:
        """The article's passages, one line each (when the passages change)."""
        out = ["", f"ALL PASSAGES ({len(passages)})"]
        for p in passages:
            claim = self.schema.claim_type(p.claim_type) if p.claim_type else None
            label = claim.label_en if claim else (self.kind_name(p) or "untyped")
            # 6 + 1 + 8 + 1 columns before the quote; a laid-out line must never wrap.
            quote = padded(" ".join(p.text.split()), INNER_WIDTH - 16)
            out.append(f"{p.start:>6} {padded(label, 8, align='left')} {quote}")
        self.query_one("#panel-all", Static).update(lines_text(out))
        self._here = ()
