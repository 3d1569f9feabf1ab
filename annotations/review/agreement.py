"""Inter-annotator agreement over a corpus: spans, attributes and characters.

docs/agreement.md defines every figure; in short, for each pair of annotators:

- span precision, recall and F1 under one-to-one matching of passages, with three rules:
  exact (same start and end), any overlap, and overlap of at least half the shorter span;
- Cohen's kappa and a confusion matrix for every categorical attribute of the schema
  (choice, actor, boolean: `compare.compared_attributes`), on the exactly matched spans;
- Krippendorff's alpha (nominal) on each character's value of one attribute (claim type
  by default; "O" outside every passage), over the characters either annotator marked;

and across all annotators: Krippendorff's alpha for each attribute over exact spans
(nominal; MASI-weighted for an attribute that takes several values), and the
character-level alpha. Every figure is given per article and for the corpus, with the
number of items it rests on. The document attributes get the same kappa and alpha with
articles as the units (`DocumentAgreement`). A figure that is undefined (nothing to
compare, or no variation to compare against) is None, never 0.

An annotator with no passage in an article is taken not to have annotated it: that
article counts for neither their span scores nor their alpha. Passages that cover no
character (start >= end) are left out and counted in `n_empty`.

Pure Python, no third-party imports: the work is done with set and dict operations and
run-length segments (never a loop over characters), so 900,000 passages take seconds.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain, combinations, compress, groupby, pairwise, repeat
from operator import attrgetter, ge, gt, itemgetter, lt, mul, sub
from typing import TYPE_CHECKING, Any, NamedTuple

from annotations.layout.draw import cut_logical, draw, table
from annotations.models import DocumentLabels, Passage
from annotations.review.compare import bundled_schema, compared_attributes

if TYPE_CHECKING:
    from annotations.schema import LabelSchema

# An attribute's value: an id (str), a bool, or for several values a frozenset of ids;
# None (left empty) is a value of its own (for several values, the empty set is).
Value = Any
Attrs = tuple[Value, ...]  # one value per compared attribute, in schema order
SpanKey = tuple[int, ...]  # (start, end), or (start, end, k) for an annotator's k-th duplicate

# The attribute whose value each character takes in the character-level alpha, when the
# schema has it (else its first single-valued choice attribute; else only "in a passage").
DEFAULT_CHARACTER_ATTRIBUTE = "claim_type"


# --------------------------------------------------------------------------- figures


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


class SpanScores(NamedTuple):
    """One-to-one span matching between annotators a and b.

    Precision is the share of a's passages matched to one of b's, recall the share of
    b's matched to one of a's (b taken as the reference); F1 = 2 * matched / (n_a + n_b).
    """

    matched: int
    n_a: int
    n_b: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.matched, self.n_a)

    @property
    def recall(self) -> float | None:
        return _ratio(self.matched, self.n_b)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.matched, self.n_a + self.n_b)

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "matched": self.matched,
            "n_a": self.n_a,
            "n_b": self.n_b,
        }


class Alpha(NamedTuple):
    """Krippendorff's alpha (nominal) and what it rests on.

    `n_units` counts the pairable units (spans or characters with values from at least
    two annotators), `n_values` the values in them. `value` is None when it is
    undefined: fewer than two pairable values, or a single value used throughout.
    """

    value: float | None
    n_units: int
    n_values: int

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "n_units": self.n_units, "n_values": self.n_values}


def _label_order(value: Value) -> tuple[bool, str]:
    return (value is None or value == frozenset(), label_text(value))


@dataclass(frozen=True)
class Confusion:
    """How annotator a's values (rows) meet annotator b's (columns) on matched spans."""

    labels: tuple[Value, ...]  # every value either used, sorted, None (empty) last
    counts: Mapping[tuple[Value, Value], int]  # (a's value, b's value) -> matched spans

    @classmethod
    def from_counts(cls, counts: Mapping[tuple[Value, Value], int]) -> Confusion:
        labels = {v for pair in counts for v in pair}
        return cls(tuple(sorted(labels, key=_label_order)), dict(counts))

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def matrix(self) -> list[list[int]]:
        return [[self.counts.get((r, c), 0) for c in self.labels] for r in self.labels]

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: (p_o - p_e) / (1 - p_e); None when n = 0 or p_e = 1."""
        return _kappa_from_counts(self.counts)

    def to_json(self) -> dict[str, Any]:
        labels = [sorted(v) if isinstance(v, frozenset) else v for v in self.labels]
        return {"labels": labels, "matrix": self.matrix(), "n": self.n}


def _kappa_from_counts(counts: Mapping[tuple[Any, Any], int]) -> float | None:
    # In counts, with n items, a diagonal of d and marginals r_c (a) and c_c (b):
    # p_o = d / n, p_e = sum(r_c * c_c) / n^2, so kappa = (n*d - sum r_c c_c) / (n^2 - sum r_c c_c).
    n = 0
    diagonal = 0
    rows: Counter[Hashable] = Counter()
    cols: Counter[Hashable] = Counter()
    for (a, b), count in counts.items():
        n += count
        rows[a] += count
        cols[b] += count
        if a == b:
            diagonal += count
    chance = sum(count * cols.get(label, 0) for label, count in rows.items())
    denominator = n * n - chance
    if n == 0 or denominator == 0:
        return None
    return (n * diagonal - chance) / denominator


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa between two annotators' labels of the same items, in order.

    None when there are no items or chance agreement is already perfect (both used one
    and the same label throughout).
    """
    if len(a) != len(b):
        raise ValueError("cohen_kappa needs two label sequences of the same length")
    return _kappa_from_counts(Counter(zip(a, b, strict=True)))


class _AlphaCounts:
    """What nominal alpha needs: pairable value counts n_c and observed disagreement.

    For a unit with m >= 2 values, n_uc of them equal to c, the coincidences between
    different values total (m^2 - sum_c n_uc^2) / (m - 1). Summed over units that is
    D, and with n = sum_c n_c,  alpha = 1 - (n - 1) * D / (n^2 - sum_c n_c^2).
    """

    __slots__ = ("counts", "disagreement", "units")

    def __init__(self) -> None:
        self.counts: Counter[Hashable] = Counter()
        self.disagreement = 0.0
        self.units = 0

    def add_unit(self, values: Sequence[Hashable]) -> None:
        m = len(values)
        if m < 2:
            return
        unit = Counter(values)
        self.units += 1
        self.counts.update(unit)
        if len(unit) > 1:
            self.disagreement += (m * m - sum(c * c for c in unit.values())) / (m - 1)

    def result(self) -> Alpha:
        values = list(self.counts.values())
        return _alpha(sum(values), sum(map(mul, values, values)), self.disagreement, self.units)


def _alpha(n: int, sum_squares: int, disagreement: float, units: int) -> Alpha:
    return _weighted_alpha(n, n * n - sum_squares, disagreement, units)


def _weighted_alpha(n: int, expected: float, disagreement: float, units: int) -> Alpha:
    """alpha = 1 - (n - 1) * D / E: D the observed disagreement (each unit's pairs of
    values weighted by their distance, over m_u - 1), E the sum of n_c * n_k * distance
    over every ordered pair of values (for nominal values, n^2 - sum_c n_c^2)."""
    if n < 2 or expected <= 0:
        return Alpha(None, units, n)
    return Alpha(1 - (n - 1) * disagreement / expected, units, n)


def masi_distance(a: frozenset[Hashable], b: frozenset[Hashable]) -> float:
    """1 - MASI (Passonneau 2006) between two sets of values: MASI is the Jaccard index
    times a monotonicity weight (1 for equal sets, 2/3 when one holds the other, 1/3 when
    they only overlap, 0 when disjoint). Two empty sets are equal: distance 0."""
    if a == b:
        return 0.0
    both = len(a & b)
    if not both:
        return 1.0
    weight = 2 / 3 if a <= b or b <= a else 1 / 3
    return 1.0 - weight * both / len(a | b)


def _masi_expected(counts: Mapping[Any, int]) -> float:
    """E for MASI-weighted alpha: sum over ordered pairs of distinct values."""
    items = list(counts.items())
    total = 0.0
    for i, (c, n_c) in enumerate(items):
        for k, n_k in items[i + 1 :]:
            total += n_c * n_k * masi_distance(c, k)
    return 2 * total


def _expected(counts: Mapping[Any, int], multiple: bool) -> float:
    if multiple:
        return _masi_expected(counts)
    n = sum(counts.values())
    return n * n - _sum_squares(counts.values())


def _distance(a: Any, b: Any, multiple: bool) -> float:
    if multiple:
        return masi_distance(a, b)
    return 0.0 if a == b else 1.0


def _unit_disagreement(values: Sequence[Any], multiple: bool) -> float:
    """One unit's observed disagreement: its ordered pairs' distances over m - 1."""
    m = len(values)
    if m < 2:
        return 0.0
    total = sum(
        _distance(values[i], values[j], multiple) for i in range(m) for j in range(i + 1, m)
    )
    return 2 * total / (m - 1)


def nominal_alpha(
    reliability_data: Sequence[Sequence[Hashable]], missing: Hashable = None
) -> float | None:
    """Krippendorff's alpha (nominal) of a coders x units table; `missing` marks a gap.

    None when undefined (fewer than two pairable values, or one value throughout).
    """
    counts = _AlphaCounts()
    for unit in zip(*reliability_data, strict=True):
        counts.add_unit([v for v in unit if v != missing])
    return counts.result().value


def masi_alpha(
    reliability_data: Sequence[Sequence[Iterable[Hashable] | None]], missing: Any = None
) -> float | None:
    """Krippendorff's alpha with the MASI distance, for values that are sets (several
    values per item); a coders x units table, `missing` marks a gap. None when undefined."""
    counts: Counter[frozenset[Hashable]] = Counter()
    disagreement = 0.0
    units = 0
    for unit in zip(*reliability_data, strict=True):
        values = [frozenset(v) for v in unit if v is not missing and v != missing]
        if len(values) < 2:
            continue
        units += 1
        counts.update(values)
        disagreement += _unit_disagreement(values, True)
    n = sum(counts.values())
    return _weighted_alpha(n, _masi_expected(counts), disagreement, units).value


# --------------------------------------------------------------------------- report


class ArticlePair(NamedTuple):
    """One pair of annotators on one article."""

    a: str
    b: str
    exact: SpanScores
    overlap: SpanScores
    overlap50: SpanScores
    char_alpha: Alpha

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "span_f1_exact": self.exact.f1,
            "span_f1_overlap": self.overlap.f1,
            "span_f1_overlap50": self.overlap50.f1,
            "n_a": self.exact.n_a,
            "n_b": self.exact.n_b,
            "matched": {
                "exact": self.exact.matched,
                "overlap": self.overlap.matched,
                "overlap50": self.overlap50.matched,
            },
            "char_alpha": self.char_alpha.to_json(),
        }


class ArticleAgreement(NamedTuple):
    article_id: str
    annotators: tuple[str, ...]  # the compared annotators with a passage here
    n_passages: int
    pairs: tuple[ArticlePair, ...]
    alpha: Mapping[str, Alpha]  # by attribute, over exact spans
    char_alpha: Alpha

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "annotators": list(self.annotators),
            "n_passages": self.n_passages,
            "pairs": [p.to_json() for p in self.pairs],
            "alpha": {k: a.value for k, a in self.alpha.items()},
            "alpha_n_units": {k: a.n_units for k, a in self.alpha.items()},
            "char_alpha": self.char_alpha.to_json(),
        }


@dataclass(frozen=True)
class PairAgreement:
    """One pair of annotators over the corpus (the articles both annotated)."""

    a: str
    b: str
    n_articles: int
    exact: SpanScores
    overlap: SpanScores
    overlap50: SpanScores
    confusion: Mapping[str, Confusion]  # by attribute, over exactly matched spans
    char_alpha: Alpha

    @property
    def kappa(self) -> dict[str, float | None]:
        return {name: confusion.kappa for name, confusion in self.confusion.items()}

    def to_json(self, confusion: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "a": self.a,
            "b": self.b,
            "n_articles": self.n_articles,
            "span_f1_exact": self.exact.f1,
            "span_f1_overlap": self.overlap.f1,
            "span_f1_overlap50": self.overlap50.f1,
            "spans": {
                "exact": self.exact.to_json(),
                "overlap": self.overlap.to_json(),
                "overlap50": self.overlap50.to_json(),
            },
            "kappa": self.kappa,
            "n_matched": self.exact.matched,
            "char_alpha": self.char_alpha.to_json(),
        }
        if confusion:
            out["confusion"] = {k: c.to_json() for k, c in self.confusion.items()}
        return out


@dataclass(frozen=True)
class AgreementReport:
    annotators: tuple[str, ...]
    n_articles: int  # articles given
    n_compared_articles: int  # articles with passages from two or more annotators
    n_passages: int  # passages of the compared annotators (empty ones excluded)
    n_empty: int  # passages left out because they cover no character
    passages_by_annotator: Mapping[str, int]
    pairs: tuple[PairAgreement, ...]
    alpha: Mapping[str, Alpha]  # by attribute, across all annotators, over exact spans
    char_alpha: Alpha  # across all annotators, over characters
    char_articles: int  # articles the character-level alpha pools
    articles: tuple[ArticleAgreement, ...] = field(default=(), repr=False)
    attributes: tuple[str, ...] = ()  # the compared attributes, in schema order
    multiple: frozenset[str] = frozenset()  # those taking several values (MASI alpha)
    char_attribute: str | None = None  # whose value each character takes
    document: DocumentAgreement | None = None  # when the schema has document attributes

    def to_json(self, *, per_article: bool = True, confusion: bool = True) -> dict[str, Any]:
        """A JSON-ready dict (undefined figures are None, i.e. null)."""
        out: dict[str, Any] = {
            "annotators": list(self.annotators),
            "pairs": [p.to_json(confusion=confusion) for p in self.pairs],
            "alpha": {k: a.value for k, a in self.alpha.items()},
            "char_alpha": self.char_alpha.value,
            "n_items": {
                "articles": self.n_articles,
                "compared_articles": self.n_compared_articles,
                "passages": self.n_passages,
                "empty_passages": self.n_empty,
                "passages_by_annotator": dict(self.passages_by_annotator),
                "alpha_units": {k: a.n_units for k, a in self.alpha.items()},
                "alpha_values": {k: a.n_values for k, a in self.alpha.items()},
                "char_alpha_characters": self.char_alpha.n_units,
                "char_alpha_values": self.char_alpha.n_values,
                "char_alpha_articles": self.char_articles,
            },
        }
        if self.document is not None:
            out["document"] = self.document.to_json(confusion=confusion)
        if per_article:
            out["articles"] = [a.to_json() for a in self.articles]
        return out


@dataclass(frozen=True)
class DocumentPair:
    """One pair of annotators on the document attributes: the articles both labelled."""

    a: str
    b: str
    n_articles: int
    confusion: Mapping[str, Confusion]  # by document attribute

    @property
    def kappa(self) -> dict[str, float | None]:
        return {name: confusion.kappa for name, confusion in self.confusion.items()}

    def to_json(self, confusion: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "a": self.a,
            "b": self.b,
            "n_articles": self.n_articles,
            "kappa": self.kappa,
        }
        if confusion:
            out["confusion"] = {k: c.to_json() for k, c in self.confusion.items()}
        return out


@dataclass(frozen=True)
class DocumentAgreement:
    """Agreement on the document attributes: an article is a unit, each annotator who
    gave it document labels a coder (an attribute left empty there is a value of its own).
    """

    attributes: tuple[str, ...]
    multiple: frozenset[str]
    n_articles: int  # articles with document labels from two or more annotators
    labels_by_annotator: Mapping[str, int]  # articles each annotator gave labels
    pairs: tuple[DocumentPair, ...]
    alpha: Mapping[str, Alpha]  # by attribute, across all annotators

    def to_json(self, confusion: bool = True) -> dict[str, Any]:
        return {
            "attributes": list(self.attributes),
            "pairs": [p.to_json(confusion=confusion) for p in self.pairs],
            "alpha": {k: a.value for k, a in self.alpha.items()},
            "n_items": {
                "compared_articles": self.n_articles,
                "articles_by_annotator": dict(self.labels_by_annotator),
                "alpha_units": {k: a.n_units for k, a in self.alpha.items()},
                "alpha_values": {k: a.n_values for k, a in self.alpha.items()},
            },
        }


# --------------------------------------------------------------------------- computation


@dataclass(slots=True)
class _Side:
    """One annotator's passages in one article."""

    starts: tuple[int, ...]  # sorted by (start, end, id), as are ends
    ends: tuple[int, ...]
    attrs: dict[SpanKey, Attrs]  # span key -> the compared attributes' values
    labels: tuple[Value, ...]  # each passage's character-level value, in the same order
    self_overlap: bool  # some of these passages overlap each other
    # The characters each character-level value covers (resolved runs when passages overlap).
    label_chars: dict[Value, int]
    coverage: int  # characters in some passage
    label_squares: int  # sum of label_chars values squared
    # Character labels as run-length segments (start, end) -> value; built when
    # needed, from the passages themselves when they do not overlap each other.
    runs: dict[tuple[int, int], Value] | None


def _number_duplicates(spans: list[tuple[int, int]]) -> list[SpanKey]:
    seen: dict[tuple[int, int], int] = {}
    keys: list[SpanKey] = []
    for span in spans:
        k = seen.get(span, 0)
        keys.append(span if k == 0 else (*span, k))
        seen[span] = k + 1
    return keys


def _resolve_runs(
    starts: Sequence[int], ends: Sequence[int], labels: Sequence[Value], ids: Sequence[str]
) -> dict[tuple[int, int], Value]:
    """Each character's label when an annotator's passages overlap each other.

    The covering passage that starts last wins (the innermost when nested); on equal
    starts the one ending first, then the smaller claim type (empty last), then the id.
    Passages that overlap none of their neighbours are runs as they are; only clusters
    of overlapping passages go through the sweep. The runs come in no particular order.
    """
    runs: dict[tuple[int, int], Value] = dict(
        zip(zip(starts, ends, strict=True), labels, strict=True)
    )
    reach = accumulate(ends, max)  # reach[i - 1]: the furthest end before passage i
    breaks = [0, *compress(range(1, len(starts)), map(ge, starts[1:], reach)), len(starts)]
    sizes = map(sub, breaks[1:], breaks)
    for lo, hi in compress(pairwise(breaks), map(gt, sizes, repeat(1))):
        for j in range(lo, hi):
            runs.pop((starts[j], ends[j]), None)
        bounds = sorted(set(starts[lo:hi]).union(ends[lo:hi]))
        heap: list[tuple[int, int, bool, str, str, int]] = []
        run: list[Any] = []  # the open run: [start, end, label]
        j = lo
        for x, following in pairwise(bounds):
            while j < hi and starts[j] <= x:
                label = labels[j]
                heapq.heappush(heap, (-starts[j], ends[j], label is None, label or "", ids[j], j))
                j += 1
            while heap and heap[0][1] <= x:
                heapq.heappop(heap)
            if not heap:
                continue
            label = labels[heap[0][5]]
            if run and run[1] == x and run[2] == label:
                run[1] = following
            else:
                if run:
                    runs[(run[0], run[1])] = run[2]
                run = [x, following, label]
        if run:
            runs[(run[0], run[1])] = run[2]
    return runs


_ROW = itemgetter(0, 1, 2, 3)  # (rank, start, end, id)
_RANK = itemgetter(0)
_ANNOTATOR = attrgetter("annotator")


def _no_label(_values: Attrs) -> Value:
    return None


def _label_getter(char: int | None) -> Callable[[Attrs], Value]:
    """The character-level value of a passage's compared values (None: no attribute)."""
    return _no_label if char is None else itemgetter(char)


def _side(rows: Sequence[tuple[Any, ...]], char: int | None = None) -> _Side:
    """rows: one annotator's (rank, start, end, id, values), sorted; `char`: the index in
    values of the character-level attribute."""
    _, starts, ends, ids, values = zip(*rows, strict=True)
    spans = zip(starts, ends, strict=True)
    attrs: dict[SpanKey, Attrs] = dict(zip(spans, values, strict=True))
    if len(attrs) != len(starts):  # the same span twice: number the repeats
        keys = _number_duplicates(list(zip(starts, ends, strict=True)))
        attrs = dict(zip(keys, values, strict=True))
    claims = tuple(map(_label_getter(char), values))
    self_overlap = any(map(lt, starts[1:], ends))
    runs: dict[tuple[int, int], Value] | None = None
    if self_overlap:
        runs = _resolve_runs(starts, ends, claims, ids)
        run_labels: Iterable[tuple[Value, int]] = zip(
            runs.values(), (e - s for s, e in runs), strict=True
        )
    else:
        run_labels = zip(claims, map(sub, ends, starts), strict=True)
    label_chars: dict[Value, int] = {}
    for label, length in run_labels:
        label_chars[label] = label_chars.get(label, 0) + length
    return _Side(
        starts=starts,
        ends=ends,
        attrs=attrs,
        labels=claims,
        self_overlap=self_overlap,
        label_chars=label_chars,
        coverage=sum(label_chars.values()),
        label_squares=_sum_squares(label_chars.values()),
        runs=runs,
    )


def _runs(side: _Side) -> dict[tuple[int, int], Value]:
    if side.runs is None:
        side.runs = dict(zip(zip(side.starts, side.ends, strict=True), side.labels, strict=True))
    return side.runs


def _greedy(candidates: list[tuple[int, int, int, int]]) -> int:
    """One-to-one matches taken by largest overlap; ties to the tighter pair, then order."""
    if len(candidates) <= 1:
        return len(candidates)
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def _span_length(key: SpanKey) -> int:
    return key[1] - key[0]


def _run_overlap(a: _Side, b: _Side) -> tuple[int, int]:
    """Characters both cover, and those both cover with the same label, from the runs.

    Runs both sides share exactly are counted with set operations; a run left over can
    only meet the other side's left-over runs, which a two-pointer merge pairs up.
    """
    a_runs = _runs(a)
    b_runs = _runs(b)
    common = a_runs.keys() & b_runs.keys()
    both = sum(map(_span_length, common))
    same = both - sum(k[1] - k[0] for k in common if a_runs[k] != b_runs[k])
    left_a = sorted(a_runs.keys() - common)
    left_b = sorted(b_runs.keys() - common)
    i = j = 0
    while i < len(left_a) and j < len(left_b):
        s, e = left_a[i]
        s2, e2 = left_b[j]
        lo = s if s > s2 else s2
        hi = e if e < e2 else e2
        if lo < hi:
            both += hi - lo
            if a_runs[left_a[i]] == b_runs[left_b[j]]:
                same += hi - lo
        if e < e2:
            i += 1
        else:
            j += 1
    return both, same


@dataclass(slots=True)
class _PairArticle:
    exact: int
    overlap: int
    overlap50: int
    both_chars: int  # characters both put in a passage
    same_chars: int  # ... with the same claim type
    common: set[SpanKey]  # the exactly matched span keys
    differing: set[SpanKey]  # exactly matched spans with some attribute different


def _compare_pair(a: _Side, b: _Side, char: int | None = None) -> _PairArticle:
    label_of = _label_getter(char)
    a_attrs = a.attrs
    b_attrs = b.attrs
    common = a_attrs.keys() & b_attrs.keys()
    differing = {k for k in common if a_attrs[k] != b_attrs[k]}
    exact = len(common)
    # Exact matches are always taken first by the greedy matching (largest overlap, ties
    # to the tighter pair), so only the passages left over need overlap candidates.
    left_a = a_attrs.keys() - common
    left_b = b_attrs.keys() - common
    candidates: list[tuple[int, int, int, int]] = []
    candidates50: list[tuple[int, int, int, int]] = []
    both = same = 0
    if left_a and left_b:
        b_keys = sorted(left_b)
        b_starts = [k[0] for k in b_keys]
        b_ends = [k[1] for k in b_keys]
        b_labels = [label_of(b_attrs[k]) for k in b_keys]
        reach = max(map(sub, b_ends, b_starts))
        for i, key in enumerate(sorted(left_a)):
            s = key[0]
            e = key[1]
            label = label_of(a_attrs[key])
            for t in range(bisect_right(b_starts, s - reach), bisect_left(b_starts, e)):
                e2 = b_ends[t]
                if e2 <= s:
                    continue
                s2 = b_starts[t]
                overlap = (e if e < e2 else e2) - (s if s > s2 else s2)
                union = (e if e > e2 else e2) - (s if s < s2 else s2)
                candidate = (-overlap, union, i, t)
                candidates.append(candidate)
                if 2 * overlap >= min(e - s, e2 - s2):
                    candidates50.append(candidate)
                both += overlap
                if label == b_labels[t]:
                    same += overlap
    if a.self_overlap or b.self_overlap:
        both, same = _run_overlap(a, b)
    else:
        # Passages of one annotator do not overlap, so an exactly matched passage meets
        # nothing of the other's but its match.
        matched_chars = a.coverage - sum(map(_span_length, left_a))
        both += matched_chars
        same += matched_chars - sum(
            k[1] - k[0] for k in differing if label_of(a_attrs[k]) != label_of(b_attrs[k])
        )
    by_overlap = _greedy(candidates)
    # Often every overlap is also a 50% one: then the two candidate lists are the same.
    by_half = by_overlap if len(candidates50) == len(candidates) else _greedy(candidates50)
    return _PairArticle(
        exact=exact,
        overlap=exact + by_overlap,
        overlap50=exact + by_half,
        both_chars=both,
        same_chars=same,
        common=common,
        differing=differing,
    )


def _union_length(sides: Sequence[_Side]) -> int:
    """Characters covered by any of the sides' passages: one sweep over them by start."""
    spans = sorted(chain.from_iterable(zip(s.starts, s.ends, strict=True) for s in sides))
    if not spans:
        return 0
    total = 0
    lo, hi = spans[0]
    for start, end in spans:
        if start > hi:
            total += hi - lo
            lo = start
            hi = end
        elif end > hi:
            hi = end
    return total + hi - lo


def _sum_squares(values: Iterable[int]) -> int:
    listed = list(values)
    return sum(map(mul, listed, listed))


def _add_into(total: dict[Value, int], part: Mapping[Value, int]) -> None:
    for key, count in part.items():
        total[key] = total.get(key, 0) + count


@dataclass(slots=True)
class _CharTotals:
    """Character-level alpha pooled over articles: the coincidence sums it needs."""

    units: int = 0  # characters
    values: int = 0  # characters x annotators
    outside: int = 0  # values that are "O"
    labels: dict[Value, int] = field(default_factory=dict)  # values per claim type
    disagreement: float = 0.0

    def add(
        self, m: int, units: int, outside: int, labels: Mapping[Value, int], dis: float
    ) -> None:
        self.units += units
        self.values += m * units
        self.outside += outside
        _add_into(self.labels, labels)
        self.disagreement += dis

    def alpha(self) -> Alpha:
        squares = self.outside * self.outside + _sum_squares(self.labels.values())
        return _alpha(self.values, squares, self.disagreement, self.units)


@dataclass(slots=True)
class _PairTotals:
    a: str
    b: str
    articles: int = 0
    n_a: int = 0
    n_b: int = 0
    exact: int = 0
    overlap: int = 0
    overlap50: int = 0
    # Exactly matched spans' attributes, counted once at the end.
    agreeing: list[Attrs] = field(default_factory=list)
    differing: list[tuple[Attrs, Attrs]] = field(default_factory=list)
    chars: _CharTotals = field(default_factory=_CharTotals)

    def result(self, names: Sequence[str]) -> PairAgreement:
        agreeing = Counter(self.agreeing)
        differing = Counter(self.differing)
        confusion: dict[str, Confusion] = {}
        for k, name in enumerate(names):
            counts: Counter[tuple[Value, Value]] = Counter()
            for v, count in agreeing.items():
                counts[(v[k], v[k])] += count
            for (va, vb), count in differing.items():
                counts[(va[k], vb[k])] += count
            confusion[name] = Confusion.from_counts(counts)
        return PairAgreement(
            a=self.a,
            b=self.b,
            n_articles=self.articles,
            exact=SpanScores(self.exact, self.n_a, self.n_b),
            overlap=SpanScores(self.overlap, self.n_a, self.n_b),
            overlap50=SpanScores(self.overlap50, self.n_a, self.n_b),
            confusion=confusion,
            char_alpha=self.chars.alpha(),
        )


_UNDEFINED = Alpha(None, 0, 0)


class _Corpus:
    """Takes the articles one by one; keeps the sums the corpus figures need."""

    def __init__(self, annotators: Sequence[str], spec: _Spec) -> None:
        self.spec = spec
        self.annotators = tuple(annotators)
        self.rank = {name: r for r, name in enumerate(annotators)}
        self.pairs = {(a, b): _PairTotals(a, b) for a, b in combinations(annotators, 2)}
        self.passages_by_annotator = dict.fromkeys(annotators, 0)
        self.n_articles = 0
        self.n_compared = 0
        self.n_empty = 0
        self.attr_values: list[Attrs] = []  # every pairable attribute value, for n_c
        self.attr_disagreement = [0.0] * len(spec.names)
        self.attr_units = 0
        self.chars = _CharTotals()
        self.articles: list[ArticleAgreement] = []

    def _sides(self, passages: Sequence[Passage]) -> tuple[list[str], list[_Side], int]:
        """The compared annotators present in an article, their passages, how many."""
        rank = self.rank
        attr_names = self.spec.names
        if self.spec.sets:
            values_of = self.spec.values_of
            kept = [
                (rank[p.annotator], p.start, p.end, p.id, values_of(p))
                for p in passages
                if p.annotator in rank and p.end > p.start
            ]
        else:  # the labels' values as they are: one call a passage fewer
            kept = [
                (rank[p.annotator], p.start, p.end, p.id, p.labels.values_of(attr_names))
                for p in passages
                if p.annotator in rank and p.end > p.start
            ]
        # The empty ones are rare: count them only when some passage was left out.
        if len(kept) < len(passages):
            compared = sum(map(rank.__contains__, map(_ANNOTATOR, passages)))
            self.n_empty += compared - len(kept)
        kept.sort(key=_ROW)
        names: list[str] = []
        sides: list[_Side] = []
        for r, group in groupby(kept, _RANK):
            group_rows = list(group)
            name = self.annotators[r]
            names.append(name)
            self.passages_by_annotator[name] += len(group_rows)
            sides.append(_side(group_rows, self.spec.char))
        return names, sides, len(kept)

    def add_article(self, article_id: str, passages: Sequence[Passage]) -> None:
        self.n_articles += 1
        names, sides, n_passages = self._sides(passages)
        m = len(sides)
        spec = self.spec
        if m < 2:
            alpha = dict.fromkeys(spec.names, _UNDEFINED)
            self.articles.append(
                ArticleAgreement(article_id, tuple(names), n_passages, (), alpha, _UNDEFINED)
            )
            return
        self.n_compared += 1

        # Each pair: spans, attribute confusion, characters.
        pairable: set[SpanKey] = set()  # spans two or more annotators marked exactly
        disagreement = [0.0] * len(spec.names)  # attribute D across all annotators
        pairs_differing_chars = 0
        article_pairs: list[ArticlePair] = []
        present: Counter[SpanKey] | None = None  # how many annotators marked each span
        for (ia, a), (ib, b) in combinations(enumerate(sides), 2):
            totals = self.pairs[(names[ia], names[ib])]
            result = _compare_pair(a, b, spec.char)
            pairable |= result.common
            totals.agreeing.extend(map(a.attrs.__getitem__, result.common - result.differing))
            if result.differing:
                totals.differing.extend(
                    zip(
                        map(a.attrs.__getitem__, result.differing),
                        map(b.attrs.__getitem__, result.differing),
                        strict=True,
                    )
                )
                if present is None and m > 2:
                    present = Counter(chain.from_iterable(s.attrs for s in sides))
                _add_attribute_disagreement(
                    disagreement, a, b, result.differing, present, spec.multiple
                )
            n_a = len(a.starts)
            n_b = len(b.starts)
            totals.articles += 1
            totals.n_a += n_a
            totals.n_b += n_b
            totals.exact += result.exact
            totals.overlap += result.overlap
            totals.overlap50 += result.overlap50
            # Over the characters either marked, a and b differ unless both gave one label.
            union = a.coverage + b.coverage - result.both_chars
            differing_chars = union - result.same_chars
            pairs_differing_chars += differing_chars
            outside = 2 * union - a.coverage - b.coverage
            totals.chars.add(2, union, outside, a.label_chars, 2 * differing_chars)
            _add_into(totals.chars.labels, b.label_chars)
            cross = sum(n * b.label_chars.get(label, 0) for label, n in a.label_chars.items())
            squares = outside * outside + a.label_squares + b.label_squares + 2 * cross
            article_pairs.append(
                ArticlePair(
                    names[ia],
                    names[ib],
                    SpanScores(result.exact, n_a, n_b),
                    SpanScores(result.overlap, n_a, n_b),
                    SpanScores(result.overlap50, n_a, n_b),
                    _alpha(2 * union, squares, 2 * differing_chars, union),
                )
            )

        # Attributes across all annotators: a unit is a span two or more marked exactly.
        values = list(filter(None, chain.from_iterable(map(s.attrs.get, pairable) for s in sides)))
        self.attr_values.extend(values)
        self.attr_units += len(pairable)
        article_alpha: dict[str, Alpha] = {}
        for k, name in enumerate(spec.names):
            expected = _expected(Counter(map(itemgetter(k), values)), spec.multiple[k])
            self.attr_disagreement[k] += disagreement[k]
            article_alpha[name] = _weighted_alpha(
                len(values), expected, disagreement[k], len(pairable)
            )

        # Characters across all annotators, over the characters anyone put in a passage.
        units = article_pairs[0].char_alpha.n_units if m == 2 else _union_length(sides)
        outside = m * units - sum(s.coverage for s in sides)
        labels: dict[Value, int] = {}
        for s in sides:
            _add_into(labels, s.label_chars)
        # Per character (m^2 - sum_c n_c^2) / (m - 1) = 2 / (m - 1) * (pairs that differ).
        dis = 2 * pairs_differing_chars / (m - 1)
        self.chars.add(m, units, outside, labels, dis)
        squares = outside * outside + _sum_squares(labels.values())
        self.articles.append(
            ArticleAgreement(
                article_id,
                tuple(names),
                n_passages,
                tuple(article_pairs),
                article_alpha,
                _alpha(m * units, squares, dis, units),
            )
        )

    def report(self) -> AgreementReport:
        alpha: dict[str, Alpha] = {}
        n = len(self.attr_values)
        by_values = Counter(self.attr_values)  # one pass; few distinct combinations
        spec = self.spec
        for k, name in enumerate(spec.names):
            by_value: dict[Value, int] = {}
            for values, count in by_values.items():
                by_value[values[k]] = by_value.get(values[k], 0) + count
            expected = _expected(by_value, spec.multiple[k])
            alpha[name] = _weighted_alpha(n, expected, self.attr_disagreement[k], self.attr_units)
        return AgreementReport(
            annotators=self.annotators,
            n_articles=self.n_articles,
            n_compared_articles=self.n_compared,
            n_passages=sum(self.passages_by_annotator.values()),
            n_empty=self.n_empty,
            passages_by_annotator=self.passages_by_annotator,
            pairs=tuple(t.result(spec.names) for t in self.pairs.values()),
            alpha=alpha,
            char_alpha=self.chars.alpha(),
            char_articles=self.n_compared,
            articles=tuple(self.articles),
            attributes=spec.names,
            multiple=frozenset(n for n, m in zip(spec.names, spec.multiple, strict=True) if m),
            char_attribute=spec.char_name,
        )


def _add_attribute_disagreement(
    disagreement: list[float],
    a: _Side,
    b: _Side,
    differing: Iterable[SpanKey],
    present: Mapping[SpanKey, int] | None,
    multiple: Sequence[bool],
) -> None:
    """Add a and b's differing values on shared spans to each attribute's D.

    A unit with m_u values (`present`: how many annotators marked each span; None when
    there are only a and b) adds 2 / (m_u - 1) for each pair of its values that differ,
    times their distance for a set-valued attribute (MASI).
    """
    a_attrs = a.attrs
    b_attrs = b.attrs
    indices = range(len(disagreement))
    for key in differing:
        weight = 2.0 if present is None else 2.0 / (present[key] - 1)
        va = a_attrs[key]
        vb = b_attrs[key]
        for k in indices:
            if va[k] != vb[k]:
                disagreement[k] += weight * masi_distance(va[k], vb[k]) if multiple[k] else weight


class _Spec:
    """What is compared: the attributes' ids, which take several values, and which one
    each character takes in the character-level alpha."""

    def __init__(self, schema: LabelSchema, char_attribute: str | None) -> None:
        compared = compared_attributes(schema)
        self.names = tuple(a.id for a in compared)
        self.multiple = tuple(a.multiple for a in compared)
        single = [a.id for a in compared if not a.multiple]
        if char_attribute is None:
            choices = [a.id for a in compared if a.type == "choice" and not a.multiple]
            if DEFAULT_CHARACTER_ATTRIBUTE in single:
                char_attribute = DEFAULT_CHARACTER_ATTRIBUTE
            elif choices:
                char_attribute = choices[0]
        elif char_attribute not in single:
            raise ValueError(
                f"no single-valued compared attribute '{char_attribute}' for the character"
                f" level (one of: {', '.join(single) or 'none'})"
            )
        self.char_name = char_attribute
        self.char = self.names.index(char_attribute) if char_attribute is not None else None
        names = self.names
        sets = [k for k, m in enumerate(self.multiple) if m]
        self.sets = tuple(sets)  # indexes of the multiple-valued attributes
        if not sets:
            self.values_of: Callable[[Passage], Attrs] = lambda p: p.labels.values_of(names)
        else:

            def values_of(p: Passage) -> Attrs:
                values = list(p.labels.values_of(names))
                for k in sets:
                    values[k] = frozenset(values[k] or ())
                return tuple(values)

            self.values_of = values_of


def compute_agreement(
    passages_by_article: Mapping[str, Sequence[Passage]],
    annotators: Sequence[str] | None = None,
    schema: LabelSchema | None = None,
    *,
    documents_by_article: Mapping[str, Sequence[DocumentLabels]] | None = None,
    char_attribute: str | None = None,
) -> AgreementReport:
    """Agreement figures for the corpus and each article (see the module docstring).

    `annotators` chooses whose passages are compared and the order of the pairs; by
    default every annotator found, sorted. `schema` says which attributes are compared
    (default: the bundled one); with document attributes, `documents_by_article` gives the
    annotators' document labels. `char_attribute` is the attribute each character takes
    in the character-level alpha (default: claim_type, else the first single choice).
    Articles are reported in id order.
    """
    schema = schema or bundled_schema()
    documents = documents_by_article or {}
    if annotators is None:
        found = {p.annotator for ps in passages_by_article.values() for p in ps}
        found.update(d.annotator for ds in documents.values() for d in ds)
        annotators = sorted(found)
    chosen = list(dict.fromkeys(annotators))
    corpus = _Corpus(chosen, _Spec(schema, char_attribute))
    for article_id in sorted(passages_by_article):
        corpus.add_article(article_id, passages_by_article[article_id])
    report = corpus.report()
    if schema.document_attributes:
        report = replace(report, document=document_agreement(documents, chosen, schema))
    return report


def document_agreement(
    documents_by_article: Mapping[str, Sequence[DocumentLabels]],
    annotators: Sequence[str],
    schema: LabelSchema,
) -> DocumentAgreement:
    """Kappa per pair and alpha across annotators for each document attribute: an
    article is a unit; an annotator with no document labels on it has no value there."""
    compared = compared_attributes(schema, "document")
    names = tuple(a.id for a in compared)
    multiple = tuple(a.multiple for a in compared)
    rank = {name: r for r, name in enumerate(annotators)}
    given = dict.fromkeys(annotators, 0)
    pair_counts: dict[tuple[str, str], list[Counter[tuple[Value, Value]]]] = {
        pair: [Counter() for _ in names] for pair in combinations(annotators, 2)
    }
    pair_articles = dict.fromkeys(pair_counts, 0)
    value_counts: list[Counter[Value]] = [Counter() for _ in names]
    disagreement = [0.0] * len(names)
    units = 0
    for article_id in sorted(documents_by_article):
        coders: dict[str, Attrs] = {}
        for d in documents_by_article[article_id]:
            if d.annotator in rank and d.labels:
                coders[d.annotator] = tuple(
                    frozenset(v or ()) if many else v
                    for v, many in zip(d.labels.values_of(names), multiple, strict=True)
                )
        for name in coders:
            given[name] += 1
        if len(coders) < 2:
            continue
        units += 1
        ordered = sorted(coders, key=rank.__getitem__)
        for a, b in combinations(ordered, 2):
            pair_articles[(a, b)] += 1
            for k, counts in enumerate(pair_counts[(a, b)]):
                counts[(coders[a][k], coders[b][k])] += 1
        for k in range(len(names)):
            unit = [coders[c][k] for c in ordered]
            value_counts[k].update(unit)
            disagreement[k] += _unit_disagreement(unit, multiple[k])
    alpha = {
        name: _weighted_alpha(
            sum(value_counts[k].values()),
            _expected(value_counts[k], multiple[k]),
            disagreement[k],
            units,
        )
        for k, name in enumerate(names)
    }
    pairs = tuple(
        DocumentPair(
            a,
            b,
            pair_articles[(a, b)],
            {name: Confusion.from_counts(counts[k]) for k, name in enumerate(names)},
        )
        for (a, b), counts in pair_counts.items()
    )
    return DocumentAgreement(
        names,
        frozenset(n for n, m in zip(names, multiple, strict=True) if m),
        units,
        given,
        pairs,
        alpha,
    )


# --------------------------------------------------------------------------- text


def format_figure(value: float | None, n: int, unit: str = "") -> str:
    """`0.812 (n=1,204)`, or `undefined (n=0)`: a figure always with what it rests on."""
    count = f"n={n:,}{' ' + unit if unit else ''}"
    return f"undefined ({count})" if value is None else f"{value:.3f} ({count})"


def label_text(value: Value) -> str:
    """A compared value in a report: `(none)`, `a+b` for a set, `true`/`false`."""
    if value is None or value == frozenset():
        return "(none)"
    if isinstance(value, frozenset):
        return "+".join(sorted(map(str, value)))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def attribute_label(attribute_id: str) -> str:
    """An attribute's name in the report: its id, words apart (`claim type`)."""
    return attribute_id.replace("_", " ")


class _Lines:
    """The report's lines, each drawn once: English with names in it, or tables."""

    def __init__(self, shape: bool, logical: bool) -> None:
        self.shape = shape
        self.logical = logical
        self.lines: list[str] = []

    def append(self, line: str) -> None:
        if self.logical:
            self.lines.append(cut_logical(line))
        else:
            self.lines.append(draw(line, direction="ltr", shape=self.shape).text)

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
    ) -> None:
        self.lines.extend(
            table(headers, rows, right=right, rule=True, shape=self.shape, logical=self.logical)
        )


def _confusion_lines(out: _Lines, title: str, confusion: Confusion) -> None:
    if not confusion.labels:
        out.append(f"{title}: nothing matched")
        return
    names = [label_text(v) for v in confusion.labels]
    rows = [
        [name, *(f"{c:,}" for c in row)]
        for name, row in zip(names, confusion.matrix(), strict=True)
    ]
    out.append(f"{title} (rows a, columns b)")
    out.table(["", *names], rows, right=range(1, len(names) + 1))


def format_report(
    report: AgreementReport,
    *,
    confusion: bool = False,
    per_article: bool = False,
    shape: bool = True,
    logical: bool = False,
) -> str:
    """The report as plain-text tables for the terminal.

    Names are drawn by the layout engine and columns padded by terminal cells;
    `logical=True` keeps them in logical order for a terminal that does bidi itself.
    """
    out = _Lines(shape, logical)
    by_annotator = ", ".join(f"{a} {n:,}" for a, n in report.passages_by_annotator.items())
    out.append(
        f"Agreement of {len(report.annotators)} annotators over {report.n_articles:,} articles "
        f"({report.n_compared_articles:,} annotated by two or more), "
        f"{report.n_passages:,} passages ({by_annotator})"
    )
    if report.n_empty:
        out.append(f"{report.n_empty:,} empty passages (start >= end) left out")
    out.append("")
    out.append("Spans, one-to-one matching; P = share of a's spans matched, R = of b's")
    rows = []
    for p in report.pairs:
        rows.append(
            [
                p.a,
                p.b,
                f"{p.n_articles:,}",
                f"{p.exact.n_a:,}",
                f"{p.exact.n_b:,}",
                *(prf_text(s) for s in (p.exact, p.overlap, p.overlap50)),
            ]
        )
    out.table(
        [
            "a",
            "b",
            "articles",
            "spans a",
            "spans b",
            "exact P/R/F1 (matched)",
            "overlap P/R/F1 (matched)",
            "overlap>=50% P/R/F1 (matched)",
        ],
        rows,
        right=(2, 3, 4),
    )
    names = report.attributes
    out.append("")
    out.append("Attributes on exactly matched spans: Cohen's kappa (n = matched spans)")
    rows = [
        [
            p.a,
            p.b,
            *(format_figure(p.confusion[k].kappa, p.confusion[k].n) for k in names),
        ]
        for p in report.pairs
    ]
    out.table(["a", "b", *map(attribute_label, names)], rows)
    out.append("")
    out.append(_alpha_title(report.multiple, "exact spans (n = spans shared)"))
    width = max((len(attribute_label(k)) for k in names), default=0)
    width = max(width, 11)
    for k in names:
        a = report.alpha[k]
        label = attribute_label(k)
        out.append(f"  {label:<{width}} {format_figure(a.value, a.n_units, 'spans')}")
    out.append("")
    on = (
        f"each character's {attribute_label(report.char_attribute)}"
        if report.char_attribute
        else "whether each character is in a passage"
    )
    out.append(
        f"Character level: Krippendorff's alpha (nominal) on {on}, "
        "'O' outside passages, over the characters anyone marked"
    )
    c = report.char_alpha
    out.append(
        f"  all annotators  {format_figure(c.value, c.n_units, 'characters')} "
        f"in {report.char_articles:,} articles"
    )
    for p in report.pairs:
        pc = p.char_alpha
        out.append(f"  {p.a} / {p.b}  {format_figure(pc.value, pc.n_units, 'characters')}")
    if report.document is not None:
        _document_lines(out, report.document)
    if confusion:
        for p in report.pairs:
            for k in names:
                out.append("")
                _confusion_lines(out, f"{attribute_label(k)}: {p.a} / {p.b}", p.confusion[k])
        if report.document is not None:
            for dp in report.document.pairs:
                for k in report.document.attributes:
                    out.append("")
                    title = f"document {attribute_label(k)}: {dp.a} / {dp.b}"
                    _confusion_lines(out, title, dp.confusion[k])
    if per_article:
        out.append("")
        out.append("Per article (F1 exact / overlap / overlap>=50%; alpha by characters)")
        rows = []
        for art in report.articles:
            for ap in art.pairs:
                rows.append(
                    [
                        art.article_id,
                        f"{ap.a} / {ap.b}",
                        " / ".join(
                            short_figure(s.f1) for s in (ap.exact, ap.overlap, ap.overlap50)
                        ),
                        format_figure(ap.char_alpha.value, ap.char_alpha.n_units),
                    ]
                )
            if not art.pairs:
                rows.append([art.article_id, "(one annotator)", "", ""])
        out.table(["article", "pair", "span F1", "char alpha"], rows)
    return "\n".join(out.lines)


def _alpha_title(multiple: frozenset[str], over: str) -> str:
    kind = "nominal; MASI-weighted for several values" if multiple else "nominal"
    return f"Krippendorff's alpha ({kind}), all annotators, {over}"


def _document_lines(out: _Lines, document: DocumentAgreement) -> None:
    out.append("")
    if not document.attributes:
        out.append("Document attributes: none of a kind agreement measures")
        return
    by_annotator = ", ".join(f"{a} {n:,}" for a, n in document.labels_by_annotator.items())
    out.append(
        f"Document attributes, articles as units: {document.n_articles:,} articles labelled "
        f"by two or more ({by_annotator})"
    )
    out.append("Cohen's kappa (n = articles both labelled)")
    rows = [
        [p.a, p.b, *(format_figure(p.confusion[k].kappa, p.confusion[k].n) for k in p.confusion)]
        for p in document.pairs
    ]
    out.table(["a", "b", *map(attribute_label, document.attributes)], rows)
    out.append(_alpha_title(document.multiple, "articles (n = articles shared)"))
    width = max(11, *(len(attribute_label(k)) for k in document.attributes))
    for k in document.attributes:
        a = document.alpha[k]
        label = attribute_label(k)
        out.append(f"  {label:<{width}} {format_figure(a.value, a.n_units, 'articles')}")


def short_figure(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def prf_text(s: SpanScores) -> str:
    """Precision/recall/F1 (matched), or `undefined (n=0)`."""
    if s.n_a + s.n_b == 0:
        return "undefined (n=0)"
    return (
        f"{short_figure(s.precision)}/{short_figure(s.recall)}/{short_figure(s.f1)} ({s.matched:,})"
    )
