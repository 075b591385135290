"""Saved suggestion runs: what the matcher proposed for a request, when, how and why.

civcap suggests and explains; people decide. Every ranking shown to an HR reviewer is kept as a
``SuggestionRun`` with one ``SuggestionEntry`` per candidate shown (deployable experts and near
misses), so any shortlist can be explained later with the scores and reasons of the time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, utcnow
from app.models.expert import Expert
from app.models.request import ExpertiseRequest
from app.models.user import User


class SuggestionRun(db.Model):
    """One ranking of the roster for one request, with the matcher that produced it."""

    __tablename__ = "suggestion_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("requests.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    matcher_version: Mapped[str] = mapped_column(sa.String(60))
    # Weights and text-model settings (``suggestions.worker_index.parameters()``).
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # The filters the reviewer applied, as plain values.
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # Experts left after the filters, and how many of them were deployable.
    roster_size: Mapped[int]
    deployable_count: Mapped[int]
    # Deployable suggestions of the run in the *strong* relevance band, for a run of the whole
    # roster (None: filtered, or saved before bands); a request whose latest such run has none
    # is a gap on HR's dashboard.
    strong_deployable: Mapped[int | None]
    # What the ranking was made from (``ranking.fingerprint``): a later view with the same one
    # is the same ranking, and is shown this run instead of saving another. None before 0015.
    fingerprint: Mapped[str | None] = mapped_column(sa.String(64))

    request: Mapped[ExpertiseRequest] = relationship()
    created_by: Mapped[User | None] = relationship()
    entries: Mapped[list[SuggestionEntry]] = relationship(
        back_populates="run",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: [SuggestionEntry.near_miss, SuggestionEntry.rank],
    )

    __table_args__ = (
        sa.Index("ix_suggestion_runs_request_fingerprint", "request_id", "fingerprint"),
    )

    def __repr__(self) -> str:
        return f"<SuggestionRun {self.id} request={self.request_id} {self.matcher_version!r}>"


class SuggestionEntry(db.Model):
    """One candidate of a run: place, score, each signal's contribution and the reasons.

    ``rank`` counts within its list: deployable experts 1…k, near misses 1…n apart.
    """

    __tablename__ = "suggestion_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestion_runs.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    rank: Mapped[int]
    score: Mapped[float]
    deployable: Mapped[bool]
    near_miss: Mapped[bool]
    # Relevance on the relevance signals alone (0…1) and its band: strong, possible or weak
    # (``matching.BANDS``); None in runs saved before bands.
    relevance: Mapped[float | None]
    band: Mapped[str | None] = mapped_column(sa.String(8))
    # Signal name -> weighted contribution to ``score``.
    components: Mapped[dict[str, float]] = mapped_column(sa.JSON)
    # matched_skills, missing_skills, languages [{code, required, held, met}], availability,
    # seniority, modality, area, reasons.
    explanation: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    run: Mapped[SuggestionRun] = relationship(back_populates="entries")
    expert: Mapped[Expert] = relationship()

    __table_args__ = (sa.Index("ix_suggestion_entries_run_rank", "run_id", "rank"),)
