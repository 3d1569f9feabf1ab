"""Team review: line annotators' passages up and measure how far they agree.

`compare` groups one article's passages into items for the review screen; `agreement`
computes the corpus figures (span F1, Cohen's kappa, Krippendorff's alpha). Pure Python:
no Textual, no Rich, no numpy.
"""

from annotations.review.agreement import (
    AgreementReport,
    Alpha,
    ArticleAgreement,
    ArticlePair,
    Confusion,
    PairAgreement,
    SpanScores,
    cohen_kappa,
    compute_agreement,
    format_figure,
    format_report,
    nominal_alpha,
)
from annotations.review.compare import (
    COMPARED_ATTRIBUTES,
    KINDS,
    REVIEWED_ATTRIBUTES,
    ComparisonItem,
    compare_article,
    disagreements,
)

__all__ = [
    "COMPARED_ATTRIBUTES",
    "KINDS",
    "REVIEWED_ATTRIBUTES",
    "AgreementReport",
    "Alpha",
    "ArticleAgreement",
    "ArticlePair",
    "ComparisonItem",
    "Confusion",
    "PairAgreement",
    "SpanScores",
    "cohen_kappa",
    "compare_article",
    "compute_agreement",
    "disagreements",
    "format_figure",
    "format_report",
    "nominal_alpha",
]
