"""The bundled sample articles, imported on first start so the app never opens empty."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotations.importer import ImportReport
    from annotations.models import Article
    from annotations.store import Store


def seeds_dir() -> Path:
    """The seeds folder: inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "seeds"


def import_seeds_if_empty(store: Store) -> ImportReport | None:
    """Import the seeds into an empty database; None when it already has articles."""
    if store.has_articles():
        return None  # the usual start: the importer is not even loaded
    from annotations.importer import import_paths

    files = sorted(str(p) for p in seeds_dir().glob("*.txt"))
    return import_paths(store, files)


def seed_articles() -> list[Article]:
    """The seeds as articles (as an import stores them), without a database."""
    from annotations.articles import make_article

    return [make_article(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir().glob("*.txt"))]
