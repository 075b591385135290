"""civcap's matcher: plain Python, numpy, scipy and scikit-learn; no Flask, no SQLAlchemy.

The app adapts its rows to ``ExpertProfile`` and ``RequestProfile``; ``Matcher`` ranks the
roster for a request and explains every place. ``deployability`` is the one definition of the
deployability rule, used by ranking, pages and evaluation.
"""

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
    CEFR_LEVELS,
    ExpertProfile,
    Facts,
    LanguageFit,
    Ranking,
    RequestProfile,
    Shortfall,
    Suggestion,
)
from matching._semantic import SemanticSimilarity, UniversalSentenceEncoder
from matching._text import TextSimilarity

__version__ = "1.2"

__all__ = [
    "CEFR_LEVELS",
    "SIGNALS",
    "START_GRACE_DAYS",
    "Deployability",
    "ExpertProfile",
    "Facts",
    "Filters",
    "LanguageFit",
    "Matcher",
    "Ranking",
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
    "required_until",
]
