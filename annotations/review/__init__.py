"""Team review: line annotators' passages up and measure how far they agree.

`compare` groups one article's passages (and its document labels) into items for the
review screen; `queue` settles them into gold; `session` is a reviewer's undoable session;
`agreement` computes the corpus figures (span F1, Cohen's kappa, Krippendorff's alpha),
for every attribute the schema declares. Pure Python:
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
        DocumentAgreement,
        DocumentPair,
        PairAgreement,
        SpanScores,
        cohen_kappa,
        compute_agreement,
        document_agreement,
        format_figure,
        format_report,
        masi_alpha,
        masi_distance,
        nominal_alpha,
    )
    from annotations.review.compare import (
        KINDS,
        ComparisonItem,
        DocumentItem,
        compare_article,
        compare_documents,
        compared_attributes,
        disagreements,
        reviewed_attributes,
    )

_AGREEMENT = {
    "AgreementReport",
    "Alpha",
    "ArticleAgreement",
    "ArticlePair",
    "Confusion",
    "DocumentAgreement",
    "DocumentPair",
    "PairAgreement",
    "SpanScores",
    "cohen_kappa",
    "compute_agreement",
    "document_agreement",
    "format_figure",
    "format_report",
    "masi_alpha",
    "masi_distance",
    "nominal_alpha",
}
_COMPARE = {
    "KINDS",
    "ComparisonItem",
    "DocumentItem",
    "compare_article",
    "compare_documents",
    "compared_attributes",
    "disagreements",
    "reviewed_attributes",
}
__all__ = [
    "KINDS",
    "AgreementReport",
    "Alpha",
    "ArticleAgreement",
    "ArticlePair",
    "ComparisonItem",
    "Confusion",
    "DocumentAgreement",
    "DocumentItem",
    "DocumentPair",
    "PairAgreement",
    "SpanScores",
    "cohen_kappa",
    "compare_article",
    "compare_documents",
    "compared_attributes",
    "compute_agreement",
    "disagreements",
    "document_agreement",
    "format_figure",
    "format_report",
    "masi_alpha",
    "masi_distance",
    "nominal_alpha",
    "reviewed_attributes",
]


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module = "agreement" if name in _AGREEMENT else "compare"
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
