"""Agreement on relations between passages: precision, recall and F1 per relation type.

docs/agreement.md ("Relations") defines the figures; in short, for each pair of
annotators (a, b) and each article both annotated:

- a relation of a and one of b may match when they have the same type and each end of
  one matches the same end of the other (from with from, to with to), under two rules:
  `exact` (the end passages have the same start and end) and `overlap` (they share at
  least one character; two identical empty spans count as sharing);
- relations are matched one-to-one, greedily: largest shared characters of both ends
  first, ties to the tighter pair (smaller union), then to (from, to, id) order, so
  exactly matched relations are always matched to each other;
- precision = matched / a's relations, recall = matched / b's, F1 = 2 matched /
  (a's + b's), per relation type and over every type (the sums; matching never crosses
  types, so the overall figures are the per-type counts added up);
- on the relations matched by overlap, each categorical attribute of the relation type
  (choice, actor, boolean) is compared: a confusion matrix and Cohen's kappa per pair,
  and how many matched relations carry the same labels on every one of them.

An annotator with no passage in an article is taken not to have annotated it (as for
passages); one with passages and no relation there annotated it and found none.
A relation whose end is not among the article's passages is left out (counted).
Pure Python; the relations of an article are few, so each pair's candidates are every
pair of same-type relations whose ends overlap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple

from annotations.layout.draw import cut_logical, draw, table
from annotations.models import Passage
from annotations.review.agreement import (
    Confusion,
    SpanScores,
    Value,
    attribute_label,
    format_figure,
    label_text,
    prf_text,
    short_figure,
)
from annotations.review.compare import CATEGORICAL_TYPES, bundled_schema

if TYPE_CHECKING:
    from annotations.models import Relation
    from annotations.schema import LabelSchema


class _End(NamedTuple):
    start: int
    end: int


class _Rel(NamedTuple):
    """One relation as compared: its ends' spans, its compared labels, its id."""

    source: _End  # the `from` end
    target: _End  # the `to` end
    values: tuple[Value, ...]  # the type's compared attributes, in schema order
    id: str


def _shared(a: _End, b: _End) -> int | None:
    """Characters two end spans share; None when they do not match by overlap."""
    if a == b:
        return a.end - a.start
    shared = min(a.end, b.end) - max(a.start, b.start)
    return shared if shared > 0 else None


def _union(a: _End, b: _End) -> int:
    return max(a.end, b.end) - min(a.start, b.start)


def match_relations(a: Sequence[_Rel], b: Sequence[_Rel]) -> tuple[int, list[tuple[_Rel, _Rel]]]:
    """One-to-one matching of two annotators' relations of one type in one article:
    (how many match exactly, every pair matched by overlap, the exact ones included)."""
    a_sorted = sorted(a)
    b_sorted = sorted(b)
    by_ends: dict[tuple[_End, _End], list[int]] = {}
    for j, r in enumerate(b_sorted):
        by_ends.setdefault((r.source, r.target), []).append(j)
    pairs: list[tuple[_Rel, _Rel]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    # Exact matches first: an exact pair shares all of both relations' characters with
    # the smallest union, so the greedy order below would take it first anyway.
    for i, r in enumerate(a_sorted):
        waiting = by_ends.get((r.source, r.target))
        if waiting:
            j = waiting.pop(0)
            used_a.add(i)
            used_b.add(j)
            pairs.append((r, b_sorted[j]))
    exact = len(pairs)
    candidates: list[tuple[int, int, int, int]] = []
    for i, ra in enumerate(a_sorted):
        if i in used_a:
            continue
        for j, rb in enumerate(b_sorted):
            if j in used_b:
                continue
            source = _shared(ra.source, rb.source)
            target = _shared(ra.target, rb.target) if source is not None else None
            if target is not None and source is not None:
                union = _union(ra.source, rb.source) + _union(ra.target, rb.target)
                candidates.append((-(source + target), union, i, j))
    candidates.sort()
    for _, _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a_sorted[i], b_sorted[j]))
    return exact, pairs


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class TypeScores:
    """One pair of annotators on one relation type (or on every type: `type` "")."""

    type: str
    exact: SpanScores
    overlap: SpanScores
    # By the type's compared attribute: a's values (rows) against b's, over the
    # relations matched by overlap. Empty for the all-types row.
    confusion: Mapping[str, Confusion] = field(default_factory=dict)
    same_labels: int = 0  # matched relations whose compared labels are all equal

    @property
    def kappa(self) -> dict[str, float | None]:
        return {name: c.kappa for name, c in self.confusion.items()}

    def to_json(self, confusion: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "exact": self.exact.to_json(),
            "overlap": self.overlap.to_json(),
            "same_labels": self.same_labels,
            "kappa": self.kappa,
        }
        if confusion:
            out["confusion"] = {k: c.to_json() for k, c in self.confusion.items()}
        return out


@dataclass(frozen=True)
class RelationPair:
    """One pair of annotators over the articles both annotated."""

    a: str
    b: str
    n_articles: int
    overall: TypeScores  # every type together (type "")
    by_type: Mapping[str, TypeScores]  # relation type id -> its scores, schema order

    def to_json(self, confusion: bool = True) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "n_articles": self.n_articles,
            "f1_exact": self.overall.exact.f1,
            "f1_overlap": self.overall.overlap.f1,
            "exact": self.overall.exact.to_json(),
            "overlap": self.overall.overlap.to_json(),
            "same_labels": self.overall.same_labels,
            "types": {t: s.to_json(confusion) for t, s in self.by_type.items()},
        }


class ArticleRelationPair(NamedTuple):
    a: str
    b: str
    exact: SpanScores
    overlap: SpanScores

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "f1_exact": self.exact.f1,
            "f1_overlap": self.overlap.f1,
            "n_a": self.exact.n_a,
            "n_b": self.exact.n_b,
            "matched": {"exact": self.exact.matched, "overlap": self.overlap.matched},
        }


class ArticleRelations(NamedTuple):
    article_id: str
    annotators: tuple[str, ...]  # the compared annotators with a passage here
    n_relations: int
    pairs: tuple[ArticleRelationPair, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "annotators": list(self.annotators),
            "n_relations": self.n_relations,
            "pairs": [p.to_json() for p in self.pairs],
        }


@dataclass(frozen=True)
class RelationAgreement:
    annotators: tuple[str, ...]
    types: tuple[str, ...]  # the relation types compared: the schema's, then others found
    attributes: Mapping[str, tuple[str, ...]]  # type -> its compared attributes
    n_articles: int  # articles with passages of a compared annotator
    n_compared_articles: int  # ... of two or more
    n_relations: int  # relations of the compared annotators in those articles
    relations_by_annotator: Mapping[str, int]
    n_unresolved: int  # relations left out: an end not among the article's passages
    pairs: tuple[RelationPair, ...]
    articles: tuple[ArticleRelations, ...] = field(default=(), repr=False)

    def to_json(self, *, per_article: bool = True, confusion: bool = True) -> dict[str, Any]:
        """A JSON-ready dict (undefined figures are None, i.e. null)."""
        out: dict[str, Any] = {
            "annotators": list(self.annotators),
            "types": list(self.types),
            "attributes": {t: list(names) for t, names in self.attributes.items()},
            "pairs": [p.to_json(confusion) for p in self.pairs],
            "n_items": {
                "articles": self.n_articles,
                "compared_articles": self.n_compared_articles,
                "relations": self.n_relations,
                "relations_by_annotator": dict(self.relations_by_annotator),
                "unresolved_relations": self.n_unresolved,
            },
        }
        if per_article:
            out["articles"] = [a.to_json() for a in self.articles]
        return out


# --------------------------------------------------------------------------- computation


@dataclass(slots=True)
class _Counts:
    exact: int = 0
    overlap: int = 0
    n_a: int = 0
    n_b: int = 0
    same: int = 0
    confusion: list[Counter[tuple[Value, Value]]] = field(default_factory=list)

    def scores(self, type_id: str, names: Sequence[str] = ()) -> TypeScores:
        return TypeScores(
            type_id,
            SpanScores(self.exact, self.n_a, self.n_b),
            SpanScores(self.overlap, self.n_a, self.n_b),
            {
                name: Confusion.from_counts(c)
                for name, c in zip(names, self.confusion, strict=False)
            },
            self.same,
        )


def _values_getter(attributes: Sequence[Any]) -> Any:
    names = tuple(a.id for a in attributes)
    multiple = tuple(a.multiple for a in attributes)

    def values_of(labels: Mapping[str, Any]) -> tuple[Value, ...]:
        return tuple(
            frozenset(labels.get(n) or ()) if many else labels.get(n)
            for n, many in zip(names, multiple, strict=True)
        )

    return names, values_of


def compute_relation_agreement(
    passages_by_article: Mapping[str, Sequence[Passage]],
    relations_by_article: Mapping[str, Sequence[Relation]],
    annotators: Sequence[str] | None = None,
    schema: LabelSchema | None = None,
) -> RelationAgreement:
    """Relation agreement for the corpus and each article (see the module docstring).

    `passages_by_article` gives the annotators' passages (the relations' ends, and who
    annotated which article); `relations_by_article` their relations. `annotators`
    chooses whose are compared and the order of the pairs (default: every annotator with
    a passage, sorted). `schema` gives the relation types and their attributes (default:
    the bundled one). Articles are reported in id order.
    """
    schema = schema or bundled_schema()
    if annotators is None:
        annotators = sorted({p.annotator for ps in passages_by_article.values() for p in ps})
    chosen = tuple(dict.fromkeys(annotators))
    rank = {name: r for r, name in enumerate(chosen)}
    declared = {t.id: t for t in schema.relations}
    found_types = {
        r.type for rs in relations_by_article.values() for r in rs if r.annotator in rank
    }
    types = (*declared, *sorted(found_types - declared.keys()))
    getters = {
        t: _values_getter(
            [a for a in declared[t].attributes if a.type in CATEGORICAL_TYPES]
            if t in declared
            else []
        )
        for t in types
    }
    totals = {
        (a, b): {t: _Counts(confusion=[Counter() for _ in getters[t][0]]) for t in types}
        for a, b in combinations(chosen, 2)
    }
    pair_articles = dict.fromkeys(totals, 0)
    by_annotator = dict.fromkeys(chosen, 0)
    n_articles = n_compared = n_relations = n_unresolved = 0
    articles: list[ArticleRelations] = []
    for article_id in sorted(passages_by_article):
        spans = {
            p.id: _End(p.start, p.end)
            for p in passages_by_article[article_id]
            if p.annotator in rank
        }
        present = sorted(
            {p.annotator for p in passages_by_article[article_id] if p.annotator in rank},
            key=rank.__getitem__,
        )
        if not present:
            continue
        n_articles += 1
        mine: dict[str, dict[str, list[_Rel]]] = {name: {} for name in present}
        count = 0
        for r in relations_by_article.get(article_id, ()):
            if r.annotator not in mine:
                continue
            source = spans.get(r.from_id)
            target = spans.get(r.to_id)
            if source is None or target is None:
                n_unresolved += 1
                continue
            count += 1
            by_annotator[r.annotator] += 1
            values = getters[r.type][1](r.labels)
            mine[r.annotator].setdefault(r.type, []).append(_Rel(source, target, values, r.id))
        n_relations += count
        if len(present) < 2:
            articles.append(ArticleRelations(article_id, tuple(present), count, ()))
            continue
        n_compared += 1
        article_pairs: list[ArticleRelationPair] = []
        for a, b in combinations(present, 2):
            pair_articles[(a, b)] += 1
            exact = overlap = n_a = n_b = 0
            for type_id in types:
                ra = mine[a].get(type_id, [])
                rb = mine[b].get(type_id, [])
                if not ra and not rb:
                    continue
                counts = totals[(a, b)][type_id]
                counts.n_a += len(ra)
                counts.n_b += len(rb)
                n_a += len(ra)
                n_b += len(rb)
                if not ra or not rb:
                    continue
                matched_exactly, matched = match_relations(ra, rb)
                counts.exact += matched_exactly
                counts.overlap += len(matched)
                exact += matched_exactly
                overlap += len(matched)
                for x, y in matched:
                    counts.same += x.values == y.values
                    for k, confusion in enumerate(counts.confusion):
                        confusion[(x.values[k], y.values[k])] += 1
            article_pairs.append(
                ArticleRelationPair(
                    a, b, SpanScores(exact, n_a, n_b), SpanScores(overlap, n_a, n_b)
                )
            )
        articles.append(ArticleRelations(article_id, tuple(present), count, tuple(article_pairs)))
    pairs = []
    for (a, b), by_type in totals.items():
        overall = _Counts()
        for counts in by_type.values():
            overall.exact += counts.exact
            overall.overlap += counts.overlap
            overall.n_a += counts.n_a
            overall.n_b += counts.n_b
            overall.same += counts.same
        pairs.append(
            RelationPair(
                a,
                b,
                pair_articles[(a, b)],
                overall.scores(""),
                {t: counts.scores(t, getters[t][0]) for t, counts in by_type.items()},
            )
        )
    return RelationAgreement(
        annotators=chosen,
        types=types,
        attributes={t: getters[t][0] for t in types},
        n_articles=n_articles,
        n_compared_articles=n_compared,
        n_relations=n_relations,
        relations_by_annotator=by_annotator,
        n_unresolved=n_unresolved,
        pairs=tuple(pairs),
        articles=tuple(articles),
    )


# --------------------------------------------------------------------------- text


def format_relation_report(
    report: RelationAgreement,
    *,
    confusion: bool = False,
    per_article: bool = False,
    shape: bool = True,
    logical: bool = False,
) -> str:
    """The relation figures as plain-text tables for the terminal (names drawn by the
    layout engine; `logical=True` for a terminal that does bidi itself)."""
    lines: list[str] = []

    def line(text: str) -> None:
        lines.append(
            cut_logical(text) if logical else draw(text, direction="ltr", shape=shape).text
        )

    def rows_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Any = ()) -> None:
        lines.extend(table(headers, rows, right=right, rule=True, shape=shape, logical=logical))

    if not report.n_relations:
        line("Relations: none by these annotators, so nothing to compare")
        return "\n".join(lines)
    by_annotator = ", ".join(f"{a} {n:,}" for a, n in report.relations_by_annotator.items())
    line(
        f"Relations of {len(report.annotators)} annotators over {report.n_articles:,} articles "
        f"({report.n_compared_articles:,} annotated by two or more), "
        f"{report.n_relations:,} relations ({by_annotator or 'none'})"
    )
    if report.n_unresolved:
        line(f"{report.n_unresolved:,} relations left out: an end is not a passage of the article")
    line("")
    line(
        "Relations, one-to-one matching within a type; exact: both ends the same spans, "
        "overlap: each end shares a character with the other's"
    )
    rows = []
    for p in report.pairs:
        for scores in (p.overall, *p.by_type.values()):
            rows.append(
                [
                    p.a,
                    p.b,
                    scores.type or "all types",
                    f"{scores.exact.n_a:,}",
                    f"{scores.exact.n_b:,}",
                    prf_text(scores.exact),
                    prf_text(scores.overlap),
                ]
            )
    rows_table(
        [
            "a",
            "b",
            "relation",
            "relations a",
            "relations b",
            "exact P/R/F1 (matched)",
            "overlap P/R/F1 (matched)",
        ],
        rows,
        right=(3, 4),
    )
    labelled = [t for t in report.types if report.attributes.get(t)]
    rows = []
    for p in report.pairs:
        for t in report.types:
            scores = p.by_type[t]
            n = scores.overlap.matched
            same = f"{scores.same_labels:,} of {n:,}"
            if not report.attributes.get(t):
                continue
            for name in report.attributes[t]:
                c = scores.confusion[name]
                rows.append([p.a, p.b, t, attribute_label(name), format_figure(c.kappa, c.n), same])
    if labelled:
        line("")
        line("Relation attributes on relations matched by overlap: Cohen's kappa (n = matched)")
        rows_table(["a", "b", "relation", "attribute", "kappa", "same labels"], rows)
    if confusion:
        for p in report.pairs:
            for t in labelled:
                for name in report.attributes[t]:
                    c = p.by_type[t].confusion[name]
                    line("")
                    title = f"{t} {attribute_label(name)}: {p.a} / {p.b}"
                    if not c.labels:
                        line(f"{title}: nothing matched")
                        continue
                    names = [label_text(v) for v in c.labels]
                    line(f"{title} (rows a, columns b)")
                    rows_table(
                        ["", *names],
                        [
                            [v, *(f"{n:,}" for n in row)]
                            for v, row in zip(names, c.matrix(), strict=True)
                        ],
                        right=range(1, len(names) + 1),
                    )
    if per_article:
        line("")
        line("Relations per article (F1 exact / overlap)")
        rows = []
        for art in report.articles:
            for ap in art.pairs:
                rows.append(
                    [
                        art.article_id,
                        f"{ap.a} / {ap.b}",
                        f"{ap.exact.n_a:,} / {ap.exact.n_b:,}",
                        f"{short_figure(ap.exact.f1)} / {short_figure(ap.overlap.f1)}",
                    ]
                )
            if not art.pairs:
                rows.append([art.article_id, "(one annotator)", f"{art.n_relations:,}", ""])
        rows_table(["article", "pair", "relations", "F1"], rows)
    return "\n".join(lines)
