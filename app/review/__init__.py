import app.review.shortlist  # noqa: F401  (adds its routes to views.bp)
from app.review import (
    cv,  # noqa: F401  (adds its routes to views.bp)
    duplicates,  # noqa: F401  (adds its routes to views.bp)
    lifecycle,  # noqa: F401  (adds its routes to views.bp)
    suggestions,  # noqa: F401  (adds its routes to views.bp)
)
