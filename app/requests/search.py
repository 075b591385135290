"""Finding requests by the filters people use on the request lists."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.common.queries import like_pattern
from app.models import ExpertiseRequest, RequestLanguage


@dataclass
class RequestFilters:
    text: str = ""
    area: str = ""
    language: str = ""
    status: str = ""
    organisation_id: int | None = None
    exclude_drafts: bool = False


def requests(filters: RequestFilters) -> sa.Select[tuple[ExpertiseRequest]]:
    query = sa.select(ExpertiseRequest)
    if filters.organisation_id is not None:
        query = query.where(ExpertiseRequest.organisation_id == filters.organisation_id)
    if filters.exclude_drafts:
        query = query.where(ExpertiseRequest.status != "draft")
    if filters.text.strip():
        pattern = like_pattern(filters.text.strip())
        query = query.where(
            sa.or_(
                ExpertiseRequest.title.ilike(pattern, escape="\\"),
                ExpertiseRequest.terms_of_reference.ilike(pattern, escape="\\"),
                ExpertiseRequest.external_id.ilike(pattern, escape="\\"),
            )
        )
    if filters.area:
        query = query.where(ExpertiseRequest.area_code == filters.area)
    if filters.language:
        query = query.where(
            ExpertiseRequest.id.in_(
                sa.select(RequestLanguage.request_id).where(
                    RequestLanguage.code == filters.language
                )
            )
        )
    if filters.status:
        query = query.where(ExpertiseRequest.status == filters.status)
    return query.order_by(ExpertiseRequest.updated_at.desc(), ExpertiseRequest.id.desc())
