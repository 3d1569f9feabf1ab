"""Command: `hashiya suggest` (fill the suggestions table), and the reading of a model's
predictions for `import-annotations --as-suggestions`."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click

from annotations.models import Article, Passage
from annotations.schema import LabelSchema, schema_with_user_actors
from annotations.seeds import seed_articles
from annotations.store import Store, StoreError
from annotations.suggest import BUILT_IN_SOURCES, Suggesters, Suggestion, load_plugins
from annotations.suggest.evaluate import (
    Reference,
    ReferenceError,
    evaluate,
    load_reference,
    reference_of_passages,
)
from annotations.suggest.predictions import PredictionErrors, read_predictions
from annotations.text import plural, printable
from tui.cli.main import (
    check_names,
    cli,
    load_label_schema,
    open_store,
    print_table,
    progress_bar,
    say,
)


def _split_sources(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str]:
    if value is None:
        return list(BUILT_IN_SOURCES)
    return [part.strip() for part in value.split(",") if part.strip()]


@cli.command("suggest")
@click.argument("articles", nargs=-1)
@click.option("--all", "all_articles", is_flag=True, help="Every article in the database.")
@click.option(
    "--sources",
    callback=_split_sources,
    help="Comma-separated suggesters (default: actors,cues,quotes,propagation,gold);"
    " installed plugins by their name.",
)
@click.option(
    "--for",
    "for_annotator",
    callback=check_names,
    help="Make them for this annotator only (default: for everyone; propagation is always"
    " for the annotator whose passage it spreads).",
)
@click.option(
    "--evaluate",
    "evaluate_against",
    is_flag=True,
    help="Store nothing: print precision, recall and F1 of each suggester against --against.",
)
@click.option(
    "--against",
    metavar="FILE|gold|ANNOTATOR",
    help="--evaluate: a reference file (tests/data/suggest-reference.yaml is one), the gold"
    " layer, or an annotator's passages.",
)
@click.option("--json", "as_json", is_flag=True, help="--evaluate: the figures as JSON.")
@click.pass_context
def suggest_command(
    ctx: click.Context,
    articles: tuple[str, ...],
    all_articles: bool,
    sources: list[str],
    for_annotator: str | None,
    evaluate_against: bool,
    against: str | None,
    as_json: bool,
) -> None:
    """Compute suggestions for ARTICLE... (ids or id prefixes) or --all, and store them.

    Suggestions are passages offered for an annotator to accept or reject; they never
    count as annotations until accepted (docs/suggestions.md). Prints one line per
    article: how many new suggestions, by source. A rejected suggestion is never made
    again.

    \b
    Examples:
      hashiya suggest --all
      hashiya suggest 3a822ea7 --sources actors,cues
      hashiya suggest --evaluate --against tests/data/suggest-reference.yaml
    """
    if (against is not None or as_json) and not evaluate_against:
        raise click.UsageError("--against and --json are for --evaluate")
    if evaluate_against and against is None:
        raise click.UsageError("--evaluate needs --against FILE|gold|ANNOTATOR")
    if bool(articles) == all_articles and not evaluate_against:
        raise click.UsageError("give ARTICLE ids, or --all")
    store = open_store(ctx)
    schema = schema_with_user_actors(store, load_label_schema(ctx))
    plugins = [p for p in load_plugins() if p.name in sources]
    known = (*BUILT_IN_SOURCES, *(p.name for p in plugins))
    unknown = [s for s in sources if s not in known]
    if unknown:
        raise click.UsageError(f"unknown source {unknown[0]!r} (expected: {', '.join(known)})")
    for plugin in plugins:
        if plugin.suggester is None:
            say(f"{plugin.name}: unavailable ({plugin.problem})", err=True)
    ids = store.article_ids() if all_articles else [_resolve(store, a) for a in articles]
    gold = store.gold_passages() if "gold" in sources else []
    suggesters = Suggesters(schema, gold=gold, plugins=[p for p in plugins if p.suggester])
    if evaluate_against:
        assert against is not None
        _evaluate(ctx, store, schema, suggesters, sources, against, ids, as_json)
        return
    total = 0
    with progress_bar(len(ids), "suggesting") as progress:
        for article_id in ids:
            article = store.get_article(article_id)
            assert article is not None
            passages = store.passages(article_id) if "propagation" in sources else []
            groups: dict[tuple[str, str | None], list[Suggestion]] = {}
            for s in suggesters.suggest(article, sources, passages):
                groups.setdefault((s.source, s.annotator or for_annotator), []).append(s)
            new = Counter[str]()
            with store.transaction():  # an article's suggestions all in, or none
                for (source, annotator), group in sorted(
                    groups.items(), key=lambda item: (item[0][0], item[0][1] or "")
                ):
                    new[source] += store.add_suggestions(group, annotator=annotator)
            count = sum(new.values())
            total += count
            by_source = ", ".join(f"{source} {n}" for source, n in sorted(new.items()) if n)
            detail = f" ({by_source})" if by_source else ""
            title = " ".join(article.title.split())[:40]
            say(f"{article_id} {title}: {plural(count, 'new suggestion')}{detail}")
            if progress is not None:
                progress(1)
    say(f"{plural(len(ids), 'article')}: {plural(total, 'new suggestion')}")


def _reference(store: Store, schema: LabelSchema, against: str) -> tuple[Reference, list[Passage]]:
    """The reference --against names, and the passages propagation may spread."""
    path = Path(against)
    if against != "gold" and path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"{against}: cannot read ({exc})") from None

        def article_text(article_id: str) -> str | None:
            found = _article(store, article_id)
            return None if found is None else found.text

        try:
            return load_reference(against, text, article_text, schema), []
        except ReferenceError as exc:
            raise click.ClickException(printable(str(exc))) from None
    if against == "gold":
        passages = [g.as_passage() for g in store.gold_passages()]
        if not passages:
            raise click.ClickException("--against gold: the gold layer is empty")
    else:
        passages = list(store.all_passages([against]))
        if not passages:
            raise click.ClickException(
                f"--against: no file {printable(against)!r} and no passages by that annotator"
            )
    return reference_of_passages(passages, schema), passages


def _article(store: Store, article_id: str) -> Article | None:
    """An article of the database, or a bundled seed (a reference file may be on the
    seeds, which a database need not hold)."""
    found = store.get_article(article_id)
    if found is None:
        found = next((a for a in seed_articles() if a.id == article_id), None)
    return found


def _evaluate(
    ctx: click.Context,
    store: Store,
    schema: LabelSchema,
    suggesters: Suggesters,
    sources: list[str],
    against: str,
    ids: list[str],
    as_json: bool,
) -> None:
    """`suggest --evaluate`: figures per suggester on the reference's articles (or those
    of them given); nothing stored."""
    reference, passages = _reference(store, schema, against)
    if ids:
        wanted = set(ids)
        reference.spans = {a: by for a, by in reference.spans.items() if a in wanted}
    by_article: dict[str, list[Passage]] = {}
    for p in passages:
        by_article.setdefault(p.article_id, []).append(p)

    def suggest(article: Article, chosen: Sequence[str]) -> list[Suggestion]:
        return suggesters.suggest(article, chosen, by_article.get(article.id, []))

    articles = [a for a in (_article(store, i) for i in reference.article_ids) if a]
    figures = evaluate(suggest, articles, reference, sources, schema)
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in figures], ensure_ascii=False, indent=2))
        return

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{100 * value:.1f}"

    rows = [
        [
            f.source,
            "+".join(f.against),
            str(f.suggested),
            str(f.correct),
            f"{f.found}/{f.reference}",
            pct(f.precision),
            pct(f.recall),
            pct(f.f1),
            pct(f.overlap_precision),
            pct(f.overlap_recall),
            pct(f.overlap_f1),
        ]
        for f in figures
    ]
    headers = ["source", "against", "suggested", "correct", "found", "P", "R", "F1"]
    headers += ["P~", "R~", "F1~"]
    print_table(ctx, headers, rows, right=range(2, 11))
    say(
        f"{plural(len(reference.article_ids), 'article')} of {printable(against)}; P, R, F1:"
        " exact spans (and actor), in %; ~: spans overlapping by half their union or more"
    )


def _resolve(store: Store, given: str) -> str:
    try:
        article = store.get_article(given)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if article is None:
        raise click.ClickException(f"no article {given!r}")
    return article.id


def import_suggestions(store: Store, schema: LabelSchema, name: str) -> bool:
    """`import-annotations --as-suggestions FILE`: the spans of a native file as
    suggestions for everyone; False if the file was refused (nothing saved then)."""
    try:
        handle = sys.stdin.buffer if name == "-" else Path(name).open("rb")  # noqa: SIM115
    except OSError as exc:
        say(f"{name}: cannot read ({exc.strerror})", err=True)
        return False
    try:
        with_users = schema_with_user_actors(store, schema)
        texts = store.article_texts(store.article_ids())
        suggestions = read_predictions(name, handle, with_users, texts)
        added = store.add_suggestions(suggestions)
    except PredictionErrors as exc:
        for line in exc.errors:
            say(line, err=True)
        say(f"{name}: nothing imported (fix the lines above)", err=True)
        return False
    except (OSError, StoreError) as exc:
        say(f"{name}: nothing imported ({exc})", err=True)
        return False
    finally:
        if name != "-":
            handle.close()
    say(
        f"{name}: {plural(len(suggestions), 'span')} read;"
        f" {plural(added, 'new suggestion')} stored (annotations unchanged)"
    )
    return True
