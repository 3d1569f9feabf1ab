"""Small passages for the comparison and agreement tests: only spans and labels matter."""

from __future__ import annotations

from itertools import count

from annotations.models import Passage

_ids = count()


def passage(
    annotator: str,
    start: int,
    end: int,
    *,
    actor: str | None = "gov",
    stance: str | None = "support",
    claim_type: str | None = "fact",
    article_id: str = "art",
) -> Passage:
    """A passage with a fresh id (ids sort in the order passages were made)."""
    return Passage(
        id=f"p{next(_ids):06d}",
        article_id=article_id,
        start=start,
        end=end,
        text="",
        annotator=annotator,
        actor=actor,
        stance=stance,
        claim_type=claim_type,
    )
