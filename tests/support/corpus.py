"""A small fixed corpus for tests: the seeds, and passages by two annotators."""

from __future__ import annotations

import uuid
from pathlib import Path

from annotations.models import Article, Passage
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store

# The seed with digits and Latin inside Arabic (the «2026», «Google»-like cases).
SEED_ID = "e731f89812faa840"
STAMP = "2026-01-02T03:04:05.000000Z"


def passage_on(
    article: Article, phrase: str, annotator: str, n: int = 1, **attrs: str | None
) -> Passage:
    """A passage over the n-th occurrence of `phrase` in the article."""
    start = -1
    for _ in range(n):
        start = article.text.index(phrase, start + 1)
    end = start + len(phrase)
    return Passage(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{article.id}/{annotator}/{phrase}/{n}")),
        article_id=article.id,
        start=start,
        end=end,
        text=phrase,
        annotator=annotator,
        schema_name="news",
        schema_version="1.0",
        created_at=STAMP,
        updated_at=STAMP,
        **attrs,  # type: ignore[arg-type]
    )


def two_annotator_db(path: Path) -> Store:
    """Seeds + passages by sara and omar on the longest seed: agreements and disputes."""
    store = Store(path)
    import_seeds_if_empty(store)
    article = store.get_article(SEED_ID)
    assert article is not None
    shared = "تصاعدت التحذيرات المحلية والدولية"
    disputed = "قرار إخراج التحالف الدولي من العراق ثابت"
    for who in ("sara", "omar"):
        store.add_passage(
            passage_on(article, shared, who, actor="isis", stance="critical", claim_type="warning")
        )
        store.add_passage(
            passage_on(
                article,
                disputed,
                who,
                actor="iraqi_government",
                stance="neutral",
                claim_type="factual_report" if who == "sara" else "prediction",
            )
        )
    store.add_passage(
        passage_on(article, "سبتمبر/أيلول 2026", "sara", claim_type="statistic", note="date")
    )
    store.set_status(article.id, "sara", "done")
    return store


# An annotator whose name, target, note and comment are Arabic (with harakat).
ARABIC_ANNOTATOR = "سَارة"
ARABIC_TARGET = "الحكومة العراقية"
ARABIC_NOTE = "تصريح منقول عن مصدر أمني"
ARABIC_COMMENT = "راجِع المصدر"


def arabic_team_db(path: Path) -> Store:
    """`two_annotator_db` and a third annotator who writes Arabic in every field."""
    from annotations.models import Comment

    store = two_annotator_db(path)
    article = store.get_article(SEED_ID)
    assert article is not None
    passage = passage_on(
        article,
        "تصاعدت التحذيرات المحلية والدولية",
        ARABIC_ANNOTATOR,
        actor="isis",
        stance="critical",
        target=ARABIC_TARGET,
        claim_type="warning",
        note=ARABIC_NOTE,
    )
    store.add_passage(passage)
    store.add_comment(Comment(passage.id, ARABIC_ANNOTATOR, ARABIC_COMMENT))
    return store
