"""Prodigy's task hashes, computed as Prodigy computes them.

Prodigy gives each task an `_input_hash` from its input (the values of `text`, `image`,
`html`, `input`) and a `_task_hash` from the input hash and the question asked (`spans`,
`label`, `options`, `arcs`): MurmurHash3 (32-bit, seed 0, signed) of the keys' values as
JSON with sorted keys, the task hash's JSON prefixed by the input hash. The same content
always gives the same hashes, on every machine and in every export.

MurmurHash3 is written out here (a few lines) rather than taken from a package, so the
core needs nothing new; `tests/unit/test_interop_exports.py` checks it against the
`murmurhash` package Prodigy itself uses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

INPUT_HASH_KEYS = ("text", "image", "html", "input")
TASK_HASH_KEYS = ("spans", "label", "options", "arcs")

_MASK = 0xFFFFFFFF


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit of `data`, as a signed 32-bit int (as mmh3 and murmurhash)."""
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h = seed & _MASK
    length = len(data)
    tail = length - length % 4
    for index in range(0, tail, 4):
        k = int.from_bytes(data[index : index + 4], "little")
        k = (k * c1) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        k = (k * c2) & _MASK
        h ^= k
        h = ((h << 13) | (h >> 19)) & _MASK
        h = (h * 5 + 0xE6546B64) & _MASK
    k = 0
    rest = length - tail
    if rest == 3:
        k ^= data[tail + 2] << 16
    if rest >= 2:
        k ^= data[tail + 1] << 8
    if rest >= 1:
        k ^= data[tail]
        k = (k * c1) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        k = (k * c2) & _MASK
        h ^= k
    h ^= length
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def _keys_hash(task: Mapping[str, Any], keys: tuple[str, ...], prefix: str = "") -> int:
    values = {key: task[key] for key in keys if key in task}
    # Sorted keys, compact, non-ASCII escaped: the JSON Prodigy hashes (srsly's
    # json_dumps with sort_keys, which is the standard library's).
    dumped = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return murmurhash3_32((prefix + dumped).encode("utf-8"))


def prodigy_hashes(task: Mapping[str, Any]) -> tuple[int, int]:
    """`(_input_hash, _task_hash)` of a Prodigy task, from its content alone."""
    input_hash = _keys_hash(task, INPUT_HASH_KEYS)
    return input_hash, _keys_hash(task, TASK_HASH_KEYS, prefix=str(input_hash))
