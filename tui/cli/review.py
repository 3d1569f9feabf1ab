"""Commands: `hashiya agreement` and `hashiya review ...` (team review)."""

from __future__ import annotations

import click

from annotations.review.agreement import compute_agreement, format_report
from annotations.review.compare import ComparisonItem, DocumentItem
from annotations.review.queue import (
    ArticleReview,
    article_review,
    documents_by_article,
    merge_unanimous,
    passages_by_article,
    relations_by_article,
    review_queue,
    unanimous_items,
)
from annotations.review.relation_agreement import (
    compute_relation_agreement,
    format_relation_report,
)
from annotations.store import Store, StoreError
from annotations.text import plural
from tui.cli.main import (
    check_names,
    cli,
    for_terminal,
    laid_out,
    load_label_schema,
    open_store,
    say,
    say_json,
    settings_of,
)
from tui.terminal import explicit_bidi


@cli.command("agreement")
@click.option(
    "--annotators",
    callback=check_names,
    help="Comma-separated annotators to compare (default: everyone).",
)
@click.option("--article", help="One article id (or unique prefix).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable figures.")
@click.option("--confusion", is_flag=True, help="Also print confusion matrices.")
@click.option("--per-article", is_flag=True, help="Also print the figures of each article.")
@click.option(
    "--characters",
    "char_attribute",
    metavar="ATTR",
    help="The attribute each character takes in the character-level alpha "
    "(default: claim_type, else the schema's first choice attribute).",
)
@click.pass_context
def agreement_command(
    ctx: click.Context,
    annotators: str | None,
    article: str | None,
    as_json: bool,
    confusion: bool,
    per_article: bool,
    char_attribute: str | None,
) -> None:
    """Inter-annotator agreement: span F1 (exact and overlap), Cohen's kappa per pair and
    Krippendorff's alpha across annotators for every categorical attribute of the schema
    (MASI-weighted for several values), a character-level alpha, and the same for the
    document attributes with articles as units. With relations in the schema: relation
    precision, recall and F1 per relation type (ends matched exactly and by overlap) and
    Cohen's kappa of each relation attribute on the matched relations.

    A figure with nothing to measure says "undefined", never 0; every figure has
    the number of items it rests on beside it. Definitions: docs/agreement.md.

    Example: hashiya agreement --annotators sara,omar --json
    """
    schema = load_label_schema(ctx)
    store = open_store(ctx)
    names = [a.strip() for a in annotators.split(",") if a.strip()] if annotators else None
    article_id = None
    if article is not None:
        try:
            found = store.get_article(article)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
        if found is None:
            raise click.ClickException(f"no article '{article}'")
        article_id = found.id
    grouped = passages_by_article(store, names, article_id)
    if names is not None and len(names) < 2:
        raise click.UsageError("--annotators needs two or more names")
    documents = documents_by_article(store, names, article_id)
    try:
        report = compute_agreement(
            grouped,
            names,
            schema,
            documents_by_article=documents,
            char_attribute=char_attribute,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--characters") from None
    relations = relations_by_article(store, names, article_id)
    relation_report = (
        compute_relation_agreement(grouped, relations, names, schema)
        if schema.relations or relations
        else None
    )
    if as_json:
        data = report.to_json()
        if relation_report is not None:
            data["relations"] = relation_report.to_json()
        say_json(data, indent=2)
    else:
        logical = not laid_out(ctx)
        shape = settings_of(ctx).shape
        text = format_report(
            report, confusion=confusion, per_article=per_article, shape=shape, logical=logical
        )
        if relation_report is not None:
            text += "\n\n" + format_relation_report(
                relation_report,
                confusion=confusion,
                per_article=per_article,
                shape=shape,
                logical=logical,
            )
        with explicit_bidi(not logical):
            click.echo(text)


@cli.group("review")
def review_group() -> None:
    """Team review: the review queue and the gold layer."""


@review_group.command("queue")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@click.pass_context
def queue_command(ctx: click.Context, as_json: bool) -> None:
    """Articles labelled by two or more annotators, lowest agreement first.

    Example: hashiya review queue
    """
    schema = load_label_schema(ctx)
    store = open_store(ctx)
    reviews = review_queue(store, schema)
    with explicit_bidi(not as_json and settings_of(ctx).bidi == "app"):
        _print_queue(ctx, store, reviews, as_json)


def _print_queue(
    ctx: click.Context, store: Store, reviews: list[ArticleReview], as_json: bool
) -> None:
    for review in reviews:
        article = store.get_article(review.article_id)
        title = for_terminal(ctx, article.title) if article else ""
        record = {
            "article_id": review.article_id,
            "annotators": list(review.annotators),
            "items": review.n_items,
            "disagreements": review.n_disagreements,
            "open": len(review.open_items),
            "agreement": review.agreement,
            "status": review.status,
        }
        if as_json:
            say_json(record)
        else:
            share = "—" if review.agreement is None else f"{review.agreement:.0%}"
            say(
                f"{review.article_id}  {share:>5} agree  {review.n_disagreements:>3} disputes"
                f"  {len(review.open_items):>3} open  {review.status:<10}  {title}"
            )


@review_group.command("merge-unanimous")
@click.option("--article", "articles", multiple=True, help="Only these articles (default: all).")
@click.pass_context
def merge_unanimous_command(ctx: click.Context, articles: tuple[str, ...]) -> None:
    """Put every passage all annotators agree on fully into the gold layer (`unanimous`),
    and every article's document labels when all annotators gave the same.

    Fully: the same span and every attribute of the schema but the comments (free text
    not tied to another attribute, like the note). Every annotator's note goes into gold
    with its author; a differing target is left for a reviewer.

    Example: hashiya review merge-unanimous
    """
    schema = load_label_schema(ctx)
    store = open_store(ctx)
    reviewer = settings_of(ctx).annotator
    chosen = list(articles) or None
    pending = unanimous_items(store, chosen, schema)
    merge_unanimous(store, reviewer, chosen, schema)
    passages = sum(1 for item in pending if isinstance(item, ComparisonItem))
    documents = sum(1 for item in pending if isinstance(item, DocumentItem))
    relations = len(pending) - passages - documents
    ids = chosen if chosen is not None else [r.article_id for r in review_queue(store, schema)]
    left = sum(len(article_review(store, a, schema=schema).open_items) for a in ids)
    line = plural(passages, "passage")
    if relations:
        line += f", {plural(relations, 'relation')}"
    if documents:
        line += f" and the document labels of {plural(documents, 'article')}"
    line += " merged into the gold layer"
    if left:
        line += f"; {plural(left, 'item')} still need a reviewer (R in the app)"
    say(line)
