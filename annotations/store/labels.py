"""Labels as the store keeps them: one JSON object per row, in one canonical text.

Keys sorted, compact, non-ASCII as is: two equal mappings are the same text, so a stored
row and an incoming one compare as strings, and an index on the text is exact.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from annotations.models import EMPTY_LABELS, FrozenLabels

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
EMPTY_JSON = "{}"


def labels_json(labels: Mapping[str, Any] | str | None) -> str:
    """The stored text of a labels mapping (None values left out: absent = not labelled).

    A string is taken as stored text already (rows read back from the store)."""
    if isinstance(labels, str):
        return labels
    if not labels:
        return EMPTY_JSON
    if isinstance(labels, FrozenLabels):
        labels = labels.to_dict()
    return _ENCODER.encode({k: v for k, v in labels.items() if v is not None})


def labels_from_json(text: str | None) -> FrozenLabels:
    """The labels of a stored row."""
    if not text or text == EMPTY_JSON:
        return EMPTY_LABELS
    return FrozenLabels(json.loads(text))
