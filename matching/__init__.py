"""civcap's matcher: plain Python, numpy, scipy and scikit-learn; no Flask, no SQLAlchemy.

The app adapts its rows to ``ExpertProfile`` and ``RequestProfile``; ``Matcher`` ranks the
roster for a request and explains every place. ``deployability`` is the one definition of the
deployability rule, used by ranking, pages and evaluation. ``RelevanceBands`` holds the rule
that marks each suggestion strong, possible or weak (``BANDS``) on the relevance signals alone.
``save_matcher`` and ``load_matcher`` keep a fitted matcher in a file that processes share.
"""

from matching._bands import RELEVANCE_SIGNALS, RelevanceBands
from matching._deployability import (
    START_GRACE_DAYS,
    Deployability,
    add_months,
    deployability,
    latest_start,
    required_until,
)
from matching._matcher import SIGNALS, Filters, Matcher, Weights
from matching._records import (
    BANDS,
    CEFR_LEVELS,
    POSSIBLE,
    STRONG,
    WEAK,
    ExpertProfile,
    Facts,
    LanguageFit,
    PastDeployment,
    Ranking,
    Relevance,
    RequestProfile,
    Shortfall,
    Suggestion,
)
from matching._saved import load as load_matcher
from matching._saved import save as save_matcher
from matching._semantic import SemanticSimilarity, UniversalSentenceEncoder
from matching._text import TextSimilarity

__version__ = "1.6"

__all__ = [
    "BANDS",
    "CEFR_LEVELS",
    "POSSIBLE",
    "RELEVANCE_SIGNALS",
    "SIGNALS",
    "START_GRACE_DAYS",
    "STRONG",
    "WEAK",
    "Deployability",
    "ExpertProfile",
    "Facts",
    "Filters",
    "LanguageFit",
    "Matcher",
    "PastDeployment",
    "Ranking",
    "Relevance",
    "RelevanceBands",
    "RequestProfile",
    "SemanticSimilarity",
    "Shortfall",
    "Suggestion",
    "TextSimilarity",
    "UniversalSentenceEncoder",
    "Weights",
    "add_months",
    "deployability",
    "latest_start",
    "load_matcher",
    "required_until",
    "save_matcher",
]
