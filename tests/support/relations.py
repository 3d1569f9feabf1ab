"""Attribution frames by two annotators on the seed article, for review, agreement and
search tests: passages of each kind linked by the bundled schema's relations."""

from __future__ import annotations

from pathlib import Path

from annotations.models import Article, Passage, Relation
from annotations.relations import new_relation
from annotations.schema import default_schema
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from tests.support.corpus import SEED_ID, passage_on

# «فيما كشف مصدر أمني لوكالة شفق نيوز، أن "الانتحاري يعد المسؤول الأمني لقاطع داقوق»
SECURITY_CONTENT = "الانتحاري يعد المسؤول الأمني لقاطع داقوق"
SECURITY_SOURCE = "مصدر أمني"
SECURITY_CUE = "كشف"
# «أعلن جهاز الأمن العام "الآسايش" في السليمانية، اعتقال أحد أبرز عناصر ...»
ASAYISH_CONTENT = "اعتقال أحد أبرز عناصر جهاز الإعلام التابع لتنظيم داعش الإرهابي"
ASAYISH_SOURCE = "جهاز الأمن العام"  # an alias of the actor `asayish`
ASAYISH_CUE = "أعلن"


def _frame(
    store: Store,
    article: Article,
    who: str,
    content: str,
    source: str,
    cue: str | None,
    quote: str,
    source_actor: str | None,
) -> tuple[Passage, Passage, list[Relation]]:
    schema = default_schema()
    c = passage_on(article, content, who, kind="content", claim_type="factual_report")
    s = passage_on(article, source, who, kind="source", actor=source_actor)
    made = [c, s]
    relations = [new_relation(schema, c, s, "said_by", {"quote": quote}, who)]
    if cue is not None:
        v = passage_on(article, cue, who, kind="cue")
        made.append(v)
        relations.append(new_relation(schema, c, v, "cue", {}, who))
    for p in made:
        store.add_passage(p)
    for r in relations:
        store.add_relation(r, by=who)
    return c, s, relations


def frames_db(path: Path, *, asayish: bool = False) -> Store:
    """The seeds, and one frame by omar and sara on the seed with digits: the security
    source's words, `said_by` it (omar: a direct quote, sara: indirect) through «كشف».
    With `asayish`, sara also has a frame whose source is named but has no actor label."""
    store = Store(path)
    import_seeds_if_empty(store)
    article = store.get_article(SEED_ID)
    assert article is not None
    for who, quote in (("omar", "direct"), ("sara", "indirect")):
        _frame(
            store,
            article,
            who,
            SECURITY_CONTENT,
            SECURITY_SOURCE,
            SECURITY_CUE,
            quote,
            "anonymous_security_source",
        )
    if asayish:
        _frame(store, article, "sara", ASAYISH_CONTENT, ASAYISH_SOURCE, ASAYISH_CUE, "direct", None)
    return store
