"""Synthetic corpora made from the seeds, deterministic for a given seed number."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from annotations.seeds import seeds_dir


def seed_paragraphs() -> list[list[str]]:
    """Each seed article as its list of paragraphs (non-blank lines)."""
    articles = []
    for path in sorted(seeds_dir().glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
        articles.append([line for line in lines if line])
    return articles


def synthetic_texts(n: int, seed: int = 7) -> Iterator[str]:
    """n distinct article texts: a seed's paragraphs shuffled, with a numbered line."""
    rng = random.Random(seed)
    sources = seed_paragraphs()
    for i in range(n):
        paragraphs = list(rng.choice(sources))
        rng.shuffle(paragraphs)
        paragraphs.insert(1, f"تقرير رقم {i}")  # distinct texts even when shuffles repeat
        yield "\n\n".join(paragraphs) + "\n"


def write_jsonl(path: Path, n: int, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for text in synthetic_texts(n, seed):
            out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    return path
