"""Build the database of release 1 (`tests/data/release-1.db`) and its native export.

Run once with the code of that release (`python -m tests.support.release_db`); the
files it writes are kept, so later releases can test that their migrations lose
nothing: the upgraded database must export, passage for passage, what this one did.
Every field a release-1 passage can hold is set somewhere, in Arabic with harakat,
emoji and Latin mixed in; two annotators, gold with notes, decisions, comments,
statuses and user actors.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from annotations.articles import make_article
from annotations.models import Article, AuthoredNote, Comment, Decision, GoldPassage, Passage
from annotations.store import Store, UserActor
from tests.support.corpus import STAMP, passage_on

DATA = Path(__file__).resolve().parents[1] / "data"
DB = DATA / "release-1.db"
EXPORT = DATA / "release-1.export.jsonl"
GOLD_EXPORT = DATA / "release-1.gold.export.jsonl"

ARTICLES = [
    (
        "قالَ وزيرُ الخارجيةِ إنَّ المفاوضاتِ «مستمرةٌ» 🤝 رغمَ الخلافاتِ.\n\n"
        "وأضافَ أنَّ الحكومةَ لن تتراجعَ عن موقفِها.\n",
        "تصريح الوزير",
        "وكالة الأنباء",
        "2026-01-01",
    ),
    (
        "حذّرت منظمة الصحة العالمية (WHO) من ارتفاع الإصابات بنسبة 40% في 2026 😷.\n\n"
        "وقال متحدث باسمها: «الوضع مقلق».\n",
        "تحذير صحي",
        "Reuters",
        None,
    ),
    (
        "توقّع محللون أن يرتفع سعر النفط إلى 90 دولارًا 🛢️ قبل نهاية العام.\n\n"
        "ونفى مسؤول في الشركة الأمر قائلًا إن التوقعات «مبالغ فيها».\n",
        "النفط",
        "",
        "2026-02-03T10:00:00Z",
    ),
    (
        "مقال بلا وسوم: يبقى في القاعدة دون مقاطع.\n",
        "",
        "",
        None,
    ),
]


def build(path: Path) -> Store:
    """A release-1 database at `path` (which must not exist)."""
    store = Store(path)
    articles = [
        make_article(
            text,
            title=title,
            source=source,
            published=published,
            origin=f"release-1/{n}.txt",
            metadata={"n": n, "lang": "ar"} if n % 2 else {},
            imported_at=STAMP,
        )
        for n, (text, title, source, published) in enumerate(ARTICLES)
    ]
    store.add_articles(articles)
    minister, health, oil, _ = articles
    store.add_actor(
        UserActor(
            "foreign_minister", "وزيرُ الخارجية", "Foreign minister", ("الوزير",), "sara", STAMP
        )
    )
    store.add_actor(UserActor("who_org", "منظمة الصحة العالمية", "WHO", ("WHO",), "omar", STAMP))
    store.add_actor(UserActor("oil_analysts", "محللو النفط", "", (), "omar", STAMP))

    def both(article: Article, phrase: str, **labels: str) -> list[Passage]:
        return [passage_on(article, phrase, who, 1, **labels) for who in ("sara", "omar")]

    sara_m, omar_m = both(
        minister,
        "إنَّ المفاوضاتِ «مستمرةٌ» 🤝",
        actor="foreign_minister",
        stance="supportive",
        target="المفاوضاتِ",
        claim_type="official_statement",
        note="تصريح مباشر 🤝",
    )
    passages = [sara_m, omar_m]
    passages.append(
        passage_on(
            minister,
            "لن تتراجعَ عن موقفِها",
            "sara",
            actor="foreign_minister",
            stance="critical",
            claim_type="factual_report",
        )
    )
    passages.append(passage_on(minister, "لن تتراجعَ", "omar", stance="neutral", target="الحكومةَ"))
    passages.append(passage_on(health, "40%", "sara", claim_type="statistic", note="WHO 📊"))
    passages.append(passage_on(health, "40%", "omar", claim_type="statistic", note="نسبة"))
    passages.append(
        passage_on(
            health, "«الوضع مقلق»", "omar", actor="who_org", stance="critical", claim_type="warning"
        )
    )
    passages.append(
        passage_on(
            oil,
            "سعر النفط إلى 90 دولارًا 🛢️",
            "omar",
            actor="oil_analysts",
            claim_type="prediction",
            note="\u200fرقم\u200f",
        )
    )
    passages.append(passage_on(oil, "«مبالغ فيها»", "sara", note="نفي"))
    for p in passages:
        store.add_passage(p)
    store.set_status(minister.id, "sara", "done")
    store.set_status(minister.id, "omar", "done")
    store.set_status(health.id, "omar", "in_progress")
    store.set_status(oil.id, "sara", "todo")
    store.add_comment(Comment(sara_m.id, "omar", "هل «مستمرةٌ» اقتباس؟ 🤔", STAMP))
    store.add_comment(Comment(sara_m.id, "sara", "نعم, quoted.", STAMP))

    gold_minister = GoldPassage(
        id="00000000-0000-4000-8000-000000000001",
        article_id=minister.id,
        start=sara_m.start,
        end=sara_m.end,
        text=sara_m.text,
        actor="foreign_minister",
        stance="supportive",
        target="المفاوضاتِ",
        claim_type="official_statement",
        note="تصريح مباشر 🤝",
        origin="unanimous",
        sources=tuple(sorted((sara_m.id, omar_m.id))),
        adjudicator="lead",
        schema_name="news",
        schema_version="1.0",
        created_at=STAMP,
        updated_at=STAMP,
        notes=(AuthoredNote("omar", "تصريح مباشر 🤝"), AuthoredNote("sara", "تصريح مباشر 🤝")),
    )
    store.decide(
        Decision(minister.id, ",".join(gold_minister.sources), "unanimous", "lead", at=STAMP),
        gold_minister,
    )
    sara_h, omar_h = passages[4], passages[5]
    gold_health = GoldPassage(
        id="00000000-0000-4000-8000-000000000002",
        article_id=health.id,
        start=sara_h.start,
        end=sara_h.end,
        text=sara_h.text,
        actor=None,
        stance=None,
        target=None,
        claim_type="statistic",
        note="omar: نسبة\nsara: WHO 📊",
        origin="adjudicated",
        sources=tuple(sorted((sara_h.id, omar_h.id))),
        adjudicator="lead",
        schema_name="news",
        schema_version="1.0",
        created_at=STAMP,
        updated_at=STAMP,
        notes=(AuthoredNote("omar", "نسبة"), AuthoredNote("sara", "WHO 📊")),
    )
    store.decide(
        Decision(health.id, ",".join(gold_health.sources), "edit", "lead", comment="دمج", at=STAMP),
        gold_health,
    )
    store.decide(
        Decision(health.id, passages[6].id, "discuss", "lead", comment="who? 🤷", at=STAMP)
    )
    store.decide(Decision(oil.id, passages[8].id, "reject", "lead", at=STAMP))
    return store


def main() -> int:
    from click.testing import CliRunner

    from tui.cli.main import cli

    DB.unlink(missing_ok=True)
    store = build(DB)
    store.close()
    for out, options in ((EXPORT, []), (GOLD_EXPORT, ["--layer", "gold", "--include-unresolved"])):
        args = ["--db", str(DB), "export", "-o", str(out), *options]
        result = CliRunner().invoke(cli, args)
        if result.exit_code:
            print(result.output, file=sys.stderr)
            return 1
    # One self-contained file: no -wal beside it once kept in git.
    conn = sqlite3.connect(DB)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    print(f"wrote {DB}, {EXPORT} and {GOLD_EXPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
