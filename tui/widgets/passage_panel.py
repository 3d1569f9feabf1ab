"""The side panel: the passages under the caret, then the article's whole list."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from annotations.models import Comment, Passage
from annotations.schema import LabelSchema
from tui.widgets.bidi_text import english_line, labelled, lines_text, padded

PANEL_WIDTH = 38
INNER_WIDTH = PANEL_WIDTH - 3  # less the left border and one column of padding each side


class PassagePanel(VerticalScroll):
    DEFAULT_CSS = f"""
    PassagePanel {{ width: {PANEL_WIDTH}; height: 1fr; border-left: solid $primary;
                    padding: 0 1; }}
    PassagePanel > Static {{ height: auto; }}
    """

    def __init__(
        self,
        schema: LabelSchema,
        comments: Callable[[str], list[Comment]] = lambda passage_id: [],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.schema = schema
        self.comments = comments  # a passage's comment thread, by passage id
        self._here: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(lines_text(["UNDER THE CARET", "—"]), id="panel-here")
        yield Static(lines_text([]), id="panel-all")

    def _describe(self, p: Passage, text: str) -> list[str]:
        """A passage's lines: every one drawn at the panel's width (data never raw)."""
        width = INNER_WIDTH
        actor = self.schema.actor(p.actor) if p.actor else None
        stance = self.schema.stance(p.stance) if p.stance else None
        claim = self.schema.claim_type(p.claim_type) if p.claim_type else None
        stale = " ⚠ text changed" if text[p.start : p.end] != p.text else ""
        stance_line = f"stance: {stance.label_en if stance else (p.stance or '—')}"
        lines = [
            english_line(f"[{p.start}, {p.end}){stale}", width),
            padded(" ".join(p.text.split()), width, align="right"),
            english_line(f"actor: {actor.name_en if actor else (p.actor or '—')}", width),
            english_line(stance_line, width),
        ]
        if p.target:
            lines.append(labelled("  → ", p.target, width))
        lines.append(
            english_line(f"claim: {claim.label_en if claim else (p.claim_type or '—')}", width)
        )
        if p.note:
            lines.append(labelled("note: ", p.note, width))
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

    def show_all(self, passages: list[Passage]) -> None:
        """The article's passages, one line each (when the passages change)."""
        out = ["", f"ALL PASSAGES ({len(passages)})"]
        for p in passages:
            claim = self.schema.claim_type(p.claim_type) if p.claim_type else None
            label = claim.label_en if claim else "untyped"
            # 6 + 1 + 8 + 1 columns before the quote; a laid-out line must never wrap.
            quote = padded(" ".join(p.text.split()), INNER_WIDTH - 16)
            out.append(f"{p.start:>6} {padded(label, 8, align='left')} {quote}")
        self.query_one("#panel-all", Static).update(lines_text(out))
        self._here = ()
