"""Hashiya's core: the corpus store, label schema, layout, export and review.

Nothing in this package imports Textual or Rich (tests/unit/test_import_hygiene.py).
"""

__version__ = "0.1.0"
