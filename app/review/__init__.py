import app.review.shortlist  # noqa: F401  (adds its routes to views.bp)
from app.review import (
    lifecycle,  # noqa: F401  (adds its routes to views.bp)
    suggestions,  # noqa: F401  (adds its routes to views.bp)
)
