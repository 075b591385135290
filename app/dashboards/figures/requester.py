"""A mission's (or HQ department's) own requests and how far their candidates went.

Per request: how many candidates reached each funnel stage (see ``funnel`` for "reached"),
without names, as the requester sees the shortlist elsewhere. Drafts are left out: they have
no candidates yet. Only the organisation's own requests, whoever asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.dashboards.figures._common import STAGES, stage_reached
from app.extensions import db
from app.models import Candidate, CoreArea, ExpertiseRequest, RequestStatus
from app.models.taxonomy import area_label


@dataclass(frozen=True)
class StageCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class RequestProgress:
    request_id: int
    title: str
    status: RequestStatus
    area_code: str
    area_name: str
    positions: int
    submitted_at: datetime | None
    stages: list[StageCount]

    @property
    def area_label(self) -> str:
        """The core area in the reader's language."""
        return area_label(self.area_code, self.area_name)

    def reached(self, key: str) -> int:
        return next(s.count for s in self.stages if s.key == key)


def progress(organisation_id: int) -> list[RequestProgress]:
    """The organisation's submitted requests, newest first, each with its funnel (one
    statement for all of them)."""
    ours = ExpertiseRequest.organisation_id == organisation_id
    moved, stage = stage_reached(
        sa.select(Candidate.id)
        .join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id)
        .where(ours)
    )
    each = (
        sa.select(Candidate.request_id, stage.label("stage"))
        .select_from(Candidate)
        .outerjoin(moved, moved.c.candidate_id == Candidate.id)
        .join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id)
        .where(ours)
        .subquery("each")
    )
    per_request = (
        sa.select(
            each.c.request_id,
            *(
                sa.func.sum(sa.case((each.c.stage >= i, 1), else_=0)).label(f"stage_{i}")
                for i in range(len(STAGES))
            ),
        )
        .group_by(each.c.request_id)
        .subquery("per_request")
    )
    rows = db.session.execute(
        sa.select(
            ExpertiseRequest.id, ExpertiseRequest.title, ExpertiseRequest.status, CoreArea.code,
            CoreArea.name,
            ExpertiseRequest.positions, ExpertiseRequest.submitted_at,
            *(sa.func.coalesce(per_request.c[f"stage_{i}"], 0) for i in range(len(STAGES))),
        )
        .join(CoreArea, CoreArea.code == ExpertiseRequest.area_code)
        .outerjoin(per_request, per_request.c.request_id == ExpertiseRequest.id)
        .where(
            ExpertiseRequest.organisation_id == organisation_id,
            ExpertiseRequest.status != RequestStatus.DRAFT,
        )
        .order_by(ExpertiseRequest.submitted_at.desc().nulls_last(), ExpertiseRequest.id.desc())
    ).all()  # fmt: skip
    return [
        RequestProgress(
            request_id, title, status, area_code, area_name, positions, submitted_at,
            [StageCount(key, str(label), int(n))
             for (key, label), n in zip(STAGES, counts, strict=True)],
        )
        for request_id, title, status, area_code, area_name, positions, submitted_at, *counts
        in rows
    ]  # fmt: skip
