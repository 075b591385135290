"""Column helpers shared by the models."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware now, used as a column default (a callable, evaluated per row)."""
    return datetime.now(UTC)
