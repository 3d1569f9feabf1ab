"""Team review: line annotators' passages up and measure how far they agree.

`compare` groups one article's passages into items for the review screen; `agreement`
computes the corpus figures (span F1, Cohen's kappa, Krippendorff's alpha). Pure Python:
no Textual, no Rich, no numpy.
"""

from typing import TYPE_CHECKING

# Submodules are imported when a name is first used: the article list needs `compare`
# (through `queue`) at start-up, not the agreement figures.
if TYPE_CHECKING:
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

_AGREEMENT = {
    "AgreementReport",
    "Alpha",
    "ArticleAgreement",
    "ArticlePair",
    "Confusion",
    "PairAgreement",
    "SpanScores",
    "cohen_kappa",
    "compute_agreement",
    "format_figure",
    "format_report",
    "nominal_alpha",
}


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module = "agreement" if name in _AGREEMENT else "compare"
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
