"""How good the suggesters are: precision, recall and F1 of each against real labels.

The real labels are a reference: spans in three categories, by article. **Mentions**
(a span that names an actor, with that actor), **claims** (what someone is reported to
have said) and **quotes** (quoted speech). A reference comes from a hand-labelled file
(`load_reference`, the format of `tests/data/suggest-reference.yaml`) or from passages
(`reference_of_passages`: an annotator's or the gold layer's; a passage labelled with
one actor and nothing else is a mention, any other a claim, and claims stand for quotes
too). Each suggester is measured against the category it proposes (`TARGETS`).

A suggestion is correct when a reference span of its category has the same offsets
(and, for a mention, the same actor); "overlap" figures also take spans that share at
least half of their union (intersection over union >= 0.5), since where a claim ends is
a matter of judgement. Precision: correct suggestions / suggestions; recall: reference
spans found / reference spans.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from annotations.models import Article, Passage
from annotations.schema import LabelSchema
from annotations.suggest.model import Suggestion

REFERENCE_FORMAT = "hashiya-suggest-reference/1"
CATEGORIES = ("mentions", "claims", "quotes")
# The category each built-in suggester proposes; any other (plugins, predictions) and
# propagation (it spreads whatever was tagged) are measured against mentions and claims.
TARGETS: Mapping[str, tuple[str, ...]] = {
    "actors": ("mentions",),
    "gold": ("mentions",),
    "cues": ("claims",),
    "quotes": ("quotes",),
}
ANY = ("mentions", "claims")
OVERLAP = 0.5  # intersection over union for the overlap figures


class ReferenceError(ValueError):
    """A reference file that cannot be read: one line, FILE:LINE: field: reason."""


@dataclass(frozen=True)
class RefSpan:
    start: int
    end: int
    actor: str | None = None  # mentions: the actor named


@dataclass
class Reference:
    """Reference spans: article id -> category -> spans (in text order)."""

    spans: dict[str, dict[str, list[RefSpan]]] = field(default_factory=dict)

    @property
    def article_ids(self) -> list[str]:
        return sorted(self.spans)

    def of(self, article_id: str, categories: Iterable[str]) -> list[RefSpan]:
        found = self.spans.get(article_id, {})
        return [span for category in categories for span in found.get(category, [])]

    def count(self, category: str) -> int:
        return sum(len(by.get(category, [])) for by in self.spans.values())


def _actor_of(labels: Mapping[str, Any], schema: LabelSchema) -> str | None:
    """The one actor a label set names, when it names one actor and nothing else."""
    if len(labels) != 1:
        return None
    ((attr_id, value),) = labels.items()
    attribute = schema.attribute(attr_id)
    if attribute is None or attribute.type != "actor":
        return None
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else None
    return value if isinstance(value, str) else None


def reference_of_passages(passages: Iterable[Passage], schema: LabelSchema) -> Reference:
    """Passages (an annotator's, the gold layer's) as a reference."""
    reference = Reference()
    for p in sorted(passages, key=lambda p: (p.article_id, p.start, p.end)):
        by = reference.spans.setdefault(p.article_id, {c: [] for c in CATEGORIES})
        actor = _actor_of(p.labels, schema)
        if actor is not None:
            by["mentions"].append(RefSpan(p.start, p.end, actor))
        else:
            by["claims"].append(RefSpan(p.start, p.end))
            by["quotes"].append(RefSpan(p.start, p.end))
    return reference


def load_reference(
    name: str, text: str, article_text: Callable[[str], str | None], schema: LabelSchema
) -> Reference:
    """A hand-labelled reference file (YAML). `article_text(id)` gives an article's
    stored text (None: not in the database). Raises ReferenceError."""

    def fail(node: yaml.Node | None, where: str, reason: str) -> ReferenceError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ReferenceError(f"{name}:{line}: {where}: {reason}")

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ReferenceError(f"{name}:{line}: not YAML ({getattr(exc, 'problem', exc)})") from None
    top = _mapping(root, fail, "the file")
    version = top.get("format")
    if not isinstance(version, yaml.ScalarNode) or version.value != REFERENCE_FORMAT:
        raise fail(version or root, "format", f"expected {REFERENCE_FORMAT!r}")
    articles = top.get("articles")
    if not isinstance(articles, yaml.SequenceNode):
        raise fail(articles or root, "articles", "expected a list of articles")
    reference = Reference()
    for index, item in enumerate(articles.value):
        where = f"articles[{index}]"
        entry = _mapping(item, fail, where)
        id_node = entry.get("article")
        if not isinstance(id_node, yaml.ScalarNode) or not id_node.value:
            raise fail(id_node or item, f"{where}.article", "expected an article id")
        article_id = str(id_node.value)
        stored = article_text(article_id)
        if stored is None:
            raise fail(id_node, f"{where}.article", f"no article {article_id!r} in the database")
        by = reference.spans.setdefault(article_id, {c: [] for c in CATEGORIES})
        for category in CATEGORIES:
            node = entry.get(category)
            if node is None:
                continue
            if not isinstance(node, yaml.SequenceNode):
                raise fail(node, f"{where}.{category}", "expected a list")
            after = 0
            for k, span_node in enumerate(node.value):
                path = f"{where}.{category}[{k}]"
                phrase, actor, nth = _entry(span_node, category, fail, path, schema)
                start = after - 1
                for _ in range(nth):
                    start = stored.find(phrase, start + 1)
                    if start < 0:
                        break
                if start < 0:
                    raise fail(
                        span_node, path, f"{phrase[:40]!r} is not in the text after offset {after}"
                    )
                by[category].append(RefSpan(start, start + len(phrase), actor))
                after = start + 1
    return reference


def _mapping(
    node: yaml.Node | None, fail: Callable[..., ReferenceError], where: str
) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise fail(node, where, "expected a mapping")
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _entry(
    node: yaml.Node,
    category: str,
    fail: Callable[..., ReferenceError],
    path: str,
    schema: LabelSchema,
) -> tuple[str, str | None, int]:
    """(text, actor, which occurrence after the previous entry: 1 the next)."""
    if category != "mentions":
        if not isinstance(node, yaml.ScalarNode) or not node.value:
            raise fail(node, path, "expected the text of the span")
        return str(node.value), None, 1
    values = node.value if isinstance(node, yaml.SequenceNode) else []
    if len(values) not in (2, 3) or not all(
        isinstance(v, yaml.ScalarNode) and v.value for v in values
    ):
        raise fail(node, path, "expected [text, actor id] or [text, actor id, occurrence]")
    phrase, actor = str(values[0].value), str(values[1].value)
    if schema.actor(actor) is None:
        raise fail(values[1], f"{path}[1]", f"unknown actor {actor!r}")
    nth = 1
    if len(values) == 3:
        if not str(values[2].value).isdigit() or int(values[2].value) < 1:
            raise fail(values[2], f"{path}[2]", "expected an occurrence: 1, 2, ...")
        nth = int(values[2].value)
    return phrase, actor, nth


@dataclass(frozen=True)
class Figures:
    """One suggester's figures against a reference."""

    source: str
    against: tuple[str, ...]  # the reference categories
    suggested: int
    correct: int  # exact
    reference: int
    found: int  # reference spans some suggestion matches exactly
    overlap_correct: int
    overlap_found: int

    @staticmethod
    def _ratio(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @staticmethod
    def _f1(p: float | None, r: float | None) -> float | None:
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def precision(self) -> float | None:
        return self._ratio(self.correct, self.suggested)

    @property
    def recall(self) -> float | None:
        return self._ratio(self.found, self.reference)

    @property
    def f1(self) -> float | None:
        return self._f1(self.precision, self.recall)

    @property
    def overlap_precision(self) -> float | None:
        return self._ratio(self.overlap_correct, self.suggested)

    @property
    def overlap_recall(self) -> float | None:
        return self._ratio(self.overlap_found, self.reference)

    @property
    def overlap_f1(self) -> float | None:
        return self._f1(self.overlap_precision, self.overlap_recall)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "against": list(self.against),
            "suggested": self.suggested,
            "correct": self.correct,
            "reference": self.reference,
            "found": self.found,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "overlap": {
                "correct": self.overlap_correct,
                "found": self.overlap_found,
                "precision": self.overlap_precision,
                "recall": self.overlap_recall,
                "f1": self.overlap_f1,
            },
        }


def _suggested_actor(s: Suggestion, schema: LabelSchema) -> str | None:
    return _actor_of(s.labels, schema)


def _matches(s: Suggestion, r: RefSpan, schema: LabelSchema, exact: bool) -> bool:
    if r.actor is not None and _suggested_actor(s, schema) != r.actor:
        return False
    if exact:
        return s.start == r.start and s.end == r.end
    inter = min(s.end, r.end) - max(s.start, r.start)
    if inter <= 0:
        return False
    union = max(s.end, r.end) - min(s.start, r.start)
    return inter / union >= OVERLAP


def score(
    source: str,
    suggestions: Sequence[Suggestion],
    reference: Reference,
    schema: LabelSchema,
) -> Figures:
    """One suggester's suggestions (on the reference's articles) against the reference."""
    against = TARGETS.get(source, ANY)
    by_article: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        by_article.setdefault(s.article_id, []).append(s)
    counts = [0, 0, 0, 0, 0]  # suggested, correct, found, overlap correct, overlap found
    total = 0
    for article_id in reference.article_ids:
        refs = reference.of(article_id, against)
        mine = by_article.get(article_id, [])
        total += len(refs)
        counts[0] += len(mine)
        for k, exact in ((1, True), (3, False)):
            counts[k] += sum(1 for s in mine if any(_matches(s, r, schema, exact) for r in refs))
            counts[k + 1] += sum(
                1 for r in refs if any(_matches(s, r, schema, exact) for s in mine)
            )
    return Figures(source, against, counts[0], counts[1], total, counts[2], counts[3], counts[4])


def evaluate(
    suggest: Callable[[Article, Sequence[str]], Sequence[Suggestion]],
    articles: Iterable[Article],
    reference: Reference,
    sources: Sequence[str],
    schema: LabelSchema,
) -> list[Figures]:
    """Each source's figures: `suggest(article, [source])` (what `Suggesters.suggest`
    does, with the passages propagation spreads) on every article of the reference,
    one source at a time (together, two sources offering the same span and labels
    would give it to the first)."""
    found: dict[str, list[Suggestion]] = {source: [] for source in sources}
    for article in articles:
        if article.id not in reference.spans:
            continue
        for source in sources:
            found[source] += [s for s in suggest(article, [source]) if s.source == source]
    return [score(source, found[source], reference, schema) for source in sources]
