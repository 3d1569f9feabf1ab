"""Command: `hashiya suggest` (fill the suggestions table), and the reading of a model's
predictions for `import-annotations --as-suggestions`."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from annotations.schema import LabelSchema, schema_with_user_actors
from annotations.store import Store, StoreError
from annotations.suggest import BUILT_IN_SOURCES, Suggesters, Suggestion, load_plugins
from annotations.suggest.predictions import PredictionErrors, read_predictions
from annotations.text import plural
from tui.cli.main import check_names, cli, load_label_schema, open_store, progress_bar, say


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
@click.pass_context
def suggest_command(
    ctx: click.Context,
    articles: tuple[str, ...],
    all_articles: bool,
    sources: list[str],
    for_annotator: str | None,
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
    """
    if bool(articles) == all_articles:
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
