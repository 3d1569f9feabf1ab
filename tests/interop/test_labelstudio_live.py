"""Hashiya's Label Studio export in a real Label Studio: where its front end draws the
regions (headless Chromium), what offsets it stores for a region drawn in the browser,
and what its own export gives back (annotator, offsets, labels).

Opt-in, not part of the normal suite: `make interop-labelstudio` (docs/interop.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotations.models import Passage
from annotations.schema import default_schema
from annotations.store import Store
from tests.support.browser import chromium_missing, chromium_profile, wait_until
from tests.support.labelstudio import LabelStudioPage, LabelStudioServer, label_studio_binary

ROOT = Path(__file__).resolve().parent.parent.parent
ARTICLE_ID = "ls-emoji"
# An emoji, then a ZWJ family (three astral characters joined by two ZWJs) before the
# first span; an emoji with a skin-tone modifier inside another.
TEXT = (
    "قال المتحدث 😀 إن العائلة 👨\u200d👩\u200d👧 شاهدت الحكومة العراقية وهي ترفض "
    "الاتفاق 👍🏽 الجديد في بغداد."
)
STAMP = "2026-01-02T03:04:05.000000Z"
SALMA_EMAIL = "salma@example.org"


def passage(pid: str, phrase: str, annotator: str, **labels: str) -> Passage:
    start = TEXT.index(phrase)
    return Passage(
        id=pid,
        article_id=ARTICLE_ID,
        start=start,
        end=start + len(phrase),
        text=phrase,
        annotator=annotator,
        schema_name="news",
        schema_version="1.0",
        created_at=STAMP,
        updated_at=STAMP,
        **labels,  # type: ignore[arg-type]
    )


PASSAGES = (
    passage(
        "s1",
        "الحكومة العراقية",
        "salma",
        actor="iraqi_government",
        stance="critical",
        claim_type="official_statement",
        target="الاتفاق",
        note="بعد رمز تعبيري مركّب",
    ),
    passage("s2", "👍🏽 الجديد", "salma", stance="supportive"),
    passage("o1", "ترفض الاتفاق", "omar", stance="critical", claim_type="opinion"),
    passage("o2", "الحكومة العراقية", "omar", stance="neutral"),
)


def utf16(index: int) -> int:
    return len(TEXT[:index].encode("utf-16-le")) // 2


def hashiya(db: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    label_studio_binary()  # fails (does not skip) when the opt-in is missing
    missing = chromium_missing()
    assert missing is None, missing
    return tmp_path_factory.mktemp("labelstudio")


@pytest.fixture(scope="module")
def exported(work: Path) -> dict[str, Path]:
    """The emoji article imported with `hashiya import`, labelled by salma and omar, and
    exported with `hashiya export --format labelstudio` in both offset units."""
    db = work / "hashiya.db"
    article = work / "article.jsonl"
    line = {"id": ARTICLE_ID, "title": "تحت الرموز", "source": "اختبار", "text": TEXT}
    article.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    hashiya(db, "import", str(article))
    store = Store(db)
    try:
        stored = store.get_article(ARTICLE_ID)
        assert stored is not None and stored.text == TEXT
        for p in PASSAGES:
            store.add_passage(p)
        store.set_status(ARTICLE_ID, "salma", "done")
    finally:
        store.close()
    files = {}
    for unit in ("codepoint", "utf16"):
        out = work / f"tasks-{unit}.json"
        args = ["--label-from", "stance", "--offsets", unit]
        hashiya(db, "export", "--format", "labelstudio", "-o", str(out), *args,
                "--labelstudio-user", f"salma={SALMA_EMAIL}")  # fmt: skip
        files[unit] = out
    plus = work / "tasks-plus.json"
    schema = ROOT / "tests" / "data" / "schemas" / "news-plus.yaml"
    hashiya(db, "--schema", str(schema), "export", "--format", "labelstudio", "-o", str(plus))
    files["plus"] = plus
    return files


@pytest.fixture(scope="module")
def server(work: Path) -> Iterator[LabelStudioServer]:
    running = LabelStudioServer(work / "label-studio-data", work / "label-studio.log")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def page(server: LabelStudioServer, work: Path) -> Iterator[LabelStudioPage]:
    browser = LabelStudioPage(server, chromium_profile(work))
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def salma_id(server: LabelStudioServer) -> int:
    """Salma as a Label Studio user (the mapping docs/interop.md describes)."""
    user = server.api("POST", "/api/users/", {"email": SALMA_EMAIL, "username": "salma"})
    return int(user["id"])


def new_project(server: LabelStudioServer, tasks_file: Path, title: str) -> int:
    """A project made with the labeling config Hashiya wrote, and the tasks imported."""
    config = tasks_file.with_suffix(".labelstudio.xml").read_text(encoding="utf-8")
    project = server.api("POST", "/api/projects", {"title": title, "label_config": config})
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    report = server.api("POST", f"/api/projects/{project['id']}/import", tasks)
    assert report["task_count"] == 1 and report["annotation_count"] == 2
    return int(project["id"])


def export(server: LabelStudioServer, project: int) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = server.api(
        "GET", f"/api/projects/{project}/export?exportType=JSON"
    )
    return tasks


def annotations_by_annotator(task: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The task's annotations by Hashiya annotator, from the task's meta."""
    whose = task["meta"]["hashiya"]["annotations"]
    return {w["annotator"]: a for w, a in zip(whose, task["annotations"], strict=True)}


def regions(annotation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r["value"] for r in annotation["result"] if r["type"] == "labels"}


def test_label_studio_draws_and_stores_code_points(
    exported: dict[str, Path],
    server: LabelStudioServer,
    page: LabelStudioPage,
    salma_id: int,
    work: Path,
) -> None:
    project = new_project(server, exported["codepoint"], "hashiya code points")
    (task,) = export(server, project)
    by_annotator = annotations_by_annotator(task)
    # Who annotated survives in the task's meta; completed_by where a user was named.
    assert task["meta"]["hashiya"]["offsets"] == "codepoint"
    assert [w["regions"] for w in task["meta"]["hashiya"]["annotations"]] == [
        ["o2", "o1"],
        ["s1", "s2"],
    ]
    assert by_annotator["salma"]["completed_by"] == salma_id
    assert by_annotator["omar"]["completed_by"] != salma_id  # the importing user
    # Label Studio's export gives the offsets back as written: code points.
    for p in PASSAGES:
        value = regions(by_annotator[p.annotator])[p.id]
        assert (value["start"], value["end"], value["text"]) == (p.start, p.end, p.text)

    # The browser draws each region over its passage's text: code points.
    for annotator, annotation in by_annotator.items():
        expected = sorted(p.text for p in PASSAGES if p.annotator == annotator)
        drawn = page.open_task(project, task["id"], annotation["id"], regions=len(expected))
        assert sorted(drawn) == expected
    # The region's label is the schema's value (the config's alias): drawn in its colour.
    critical = default_schema().stance("critical")
    assert critical is not None
    red, green, blue = (int(critical.color_hex[i : i + 2], 16) for i in (1, 3, 5))
    colors = page.highlight_colors()  # salma's annotation, the last one opened
    assert colors["الحكومة العراقية"] == f"rgb({red}, {green}, {blue})"

    # A region drawn in the browser after the emoji, the ZWJ family and the thumbs-up is
    # stored in code points too.
    salma = by_annotator["salma"]
    page.open_task(project, task["id"], salma["id"], regions=2)
    page.draw_region(f"{critical.label_ar} · {critical.label_en}", "بغداد")
    page.save()

    def drawn_region() -> dict[str, Any] | None:
        (now,) = export(server, project)
        annotation = next(a for a in now["annotations"] if a["id"] == salma["id"])
        new = [v for k, v in regions(annotation).items() if k not in ("s1", "s2")]
        return new[0] if new else None

    value = wait_until(drawn_region, 60, "the drawn region in Label Studio's export")
    start = TEXT.index("بغداد")
    assert (value["start"], value["end"], value["text"]) == (start, start + 5, "بغداد")
    assert utf16(start) == start + 6  # what a UTF-16 count would have stored
    # After Label Studio saved the edited annotation: the Hashiya meta, the user it is
    # credited to, and the imported regions (ids and offsets) are all still there.
    (after,) = export(server, project)
    assert after["meta"] == task["meta"]
    edited = annotations_by_annotator(after)["salma"]
    assert edited["completed_by"] == salma_id
    kept = regions(edited)
    for p in PASSAGES:
        if p.annotator == "salma":
            assert (kept[p.id]["start"], kept[p.id]["end"]) == (p.start, p.end)

    # And back: Label Studio's export into a new Hashiya database gives the same passages
    # to the same annotators, plus the one drawn in the browser.
    back = work / "from-label-studio.json"
    back.write_text(json.dumps([after], ensure_ascii=False), encoding="utf-8")
    fresh = work / "back.db"
    hashiya(fresh, "import-annotations", "--format", "labelstudio", str(back))
    store = Store(fresh)
    try:
        came_back = {(p.annotator, p.id): p for p in store.passages(ARTICLE_ID)}
    finally:
        store.close()
    for p in PASSAGES:
        got = came_back.pop((p.annotator, p.id))
        assert (got.start, got.end, got.text) == (p.start, p.end, p.text)
        assert (got.actor, got.stance, got.claim_type, got.target, got.note) == (
            p.actor, p.stance, p.claim_type, p.target, p.note,
        )  # fmt: skip
    ((annotator, _), drawn_passage), *rest = came_back.items()
    assert not rest and annotator == "salma"
    assert (drawn_passage.start, drawn_passage.text, drawn_passage.stance) == (
        start, "بغداد", "critical",
    )  # fmt: skip


def test_utf16_offsets_are_drawn_off_by_the_astral_characters(
    exported: dict[str, Path], server: LabelStudioServer, page: LabelStudioPage, salma_id: int
) -> None:
    """The contrast: the same export in UTF-16 units is drawn where those numbers fall as
    code points (Label Studio does not read UTF-16)."""
    project = new_project(server, exported["utf16"], "hashiya utf16")
    (task,) = export(server, project)
    omar = annotations_by_annotator(task)["omar"]
    drawn = page.open_task(project, task["id"], omar["id"], regions=2)
    expected = []
    for p in PASSAGES:
        if p.annotator == "omar":
            start, end = utf16(p.start), utf16(p.end)
            assert start != p.start
            expected.append(TEXT[start:end])
    assert sorted(drawn) == sorted(expected)
    assert not set(drawn) & {p.text for p in PASSAGES}


def test_label_studio_accepts_the_config_of_a_larger_schema(
    exported: dict[str, Path], server: LabelStudioServer, salma_id: int
) -> None:
    """A schema with another passage attribute and a document attribute: Label Studio
    validates the config (it refuses a project whose config it cannot read) and takes
    the tasks."""
    project = new_project(server, exported["plus"], "hashiya news-plus")
    config = server.api("GET", f"/api/projects/{project}")["parsed_label_config"]
    names = set(config)  # the controls Label Studio read, by name
    assert {"label", "certainty", "document_overall_stance", "note"} <= names


# --------------------------------------------------------------------------- relations

FRAME_ARTICLE = "ls-frame"
FRAME_PASSAGES = (
    ("cue", "قال", "cue", {}),
    ("src", "المتحدث", "source", {"actor": "iraqi_government"}),
    (
        "c1",
        "العائلة 👨\u200d👩\u200d👧 شاهدت الحكومة العراقية",
        "",
        {"claim_type": "factual_report"},
    ),
    ("c2", "ترفض الاتفاق 👍🏽 الجديد", "", {"stance": "critical"}),
)
FRAME_RELATIONS = (
    ("r1", "said_by", "c1", "src", {"quote": "indirect", "polarity": "affirmed"}),
    ("r2", "cue", "c1", "cue", {}),
    ("r3", "part_of", "c2", "c1", {}),
)


def frame_relations(db: Path) -> set[tuple[Any, ...]]:
    """The relations of a database as a user sees them: type, both ends, labels."""
    store = Store(db)
    try:
        by_id = {p.id: p for p in store.passages(FRAME_ARTICLE)}
        return {
            (
                r.annotator,
                r.type,
                *((e.start, e.end, e.text, e.kind) for e in (by_id[r.from_id], by_id[r.to_id])),
                tuple(sorted(r.labels.items())),
            )
            for r in store.relations(FRAME_ARTICLE)
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def exported_frame(work: Path) -> tuple[Path, Path]:
    """An attribution frame (a content in two pieces, its source and its cue) by salma,
    with `hashiya export --format labelstudio`: the database and the tasks file."""
    from annotations.models import Relation

    db = work / "frame.db"
    article = work / "frame.jsonl"
    line = {"id": FRAME_ARTICLE, "title": "إطار", "source": "اختبار", "text": TEXT}
    article.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    hashiya(db, "import", str(article))
    store = Store(db)
    try:
        for pid, phrase, kind, labels in FRAME_PASSAGES:
            start = TEXT.index(phrase)
            store.add_passage(
                Passage(
                    pid, FRAME_ARTICLE, start, start + len(phrase), phrase, "salma", labels,
                    schema_name="news", schema_version="1.0", created_at=STAMP,
                    updated_at=STAMP, kind=kind,
                )
            )  # fmt: skip
        for rid, rtype, source, target, labels in FRAME_RELATIONS:
            relation = Relation(rid, FRAME_ARTICLE, "salma", rtype, source, target, labels)
            store.add_relation(relation, by="salma")
    finally:
        store.close()
    out = work / "tasks-frame.json"
    hashiya(db, "export", "--format", "labelstudio", "-o", str(out))
    return db, out


def test_label_studio_keeps_relations(
    exported_frame: tuple[Path, Path],
    server: LabelStudioServer,
    page: LabelStudioPage,
    work: Path,
) -> None:
    """Label Studio takes the relation results and the `<Relations>` of the config, draws
    the regions, gives the relations back in its export, and that export imports into a
    new Hashiya database as the same relations between the same passages."""
    db, tasks_file = exported_frame
    config = tasks_file.with_suffix(".labelstudio.xml").read_text(encoding="utf-8")
    assert "<Relations" in config
    project = server.api(
        "POST", "/api/projects", {"title": "hashiya frame", "label_config": config}
    )
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    report = server.api("POST", f"/api/projects/{project['id']}/import", tasks)
    assert report["task_count"] == 1 and report["annotation_count"] == 1
    (task,) = export(server, project["id"])
    (annotation,) = task["annotations"]
    links = {
        (r["from_id"], r["to_id"], r["direction"], tuple(r.get("labels", ())))
        for r in annotation["result"]
        if r["type"] == "relation"
    }
    assert links == {
        ("c1", "src", "right", ("said_by", "quote:indirect", "polarity:affirmed")),
        ("c1", "cue", "right", ("cue",)),
        ("c2", "c1", "right", ("part_of",)),
    }
    # The front end loads the annotation with its relations and draws every region.
    drawn = page.open_task(project["id"], task["id"], annotation["id"], regions=4)
    assert sorted(drawn) == sorted(phrase for _, phrase, _, _ in FRAME_PASSAGES)
    # Label Studio's export, back into a new Hashiya database: the same frame.
    back = work / "frame-from-label-studio.json"
    back.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    fresh = work / "frame-back.db"
    hashiya(fresh, "import-annotations", "--format", "labelstudio", str(back))
    assert frame_relations(fresh) == frame_relations(db)
    assert len(frame_relations(fresh)) == 3
