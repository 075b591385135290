"""Personal data out of civcap: everything it holds on an expert, as JSON (the right of
access), each export recorded in the audit trail; and finding an expert for the admin."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from app.common import audit
from app.common.queries import is_record_id, like_pattern
from app.common.transaction import transaction
from app.extensions import db
from app.models import Candidate, Evaluation, Expert, ReadinessItem, User
from app.roster import experts


def _document(item: ReadinessItem) -> dict[str, Any]:
    """The name of the document kept with a readiness item (none: nothing)."""
    if not item.document_filename:
        return {}
    return {
        "document": item.document_filename,
        "document_uploaded_at": _iso(item.document_uploaded_at),
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.isoformat())


def export(expert: Expert) -> dict[str, Any]:
    """Everything civcap holds on the expert, JSON-ready (for the person or the DPO)."""
    return {
        "format": "civcap expert export 1",
        "exported_at": _iso(datetime.now(UTC)),
        "expert": {
            "id": expert.id,
            "external_id": expert.external_id,
            "member_state": {"id": expert.organisation_id, "name": expert.organisation.name},
            **experts.profile_of(expert),
            "years_experience": expert.years_experience,
            "languages": [{"code": x.code, "level": x.level} for x in expert.languages],
            "skills": [skill.name for skill in expert.skills],
            "areas": [{"code": a.code, "name": a.name} for a in expert.areas],
            "modalities": [m.modality for m in expert.modalities],
            "countries_of_experience": [c.country for c in expert.countries],
            "available_from": _iso(expert.available_from),
            "available_until": _iso(expert.available_until),
            "availability_confirmed_at": _iso(expert.availability_confirmed_at),
            "reconfirmation_sent_at": _iso(expert.reconfirmation_sent_at),
            "status": expert.status.value,
            "registered_at": _iso(expert.created_at),
            "updated_at": _iso(expert.updated_at),
            "withdrawn_at": _iso(expert.withdrawn_at),
            "erased_at": _iso(expert.erased_at),
            "merged_into_id": expert.merged_into_id,
        },
        "consent": {
            "given_at": _iso(expert.consent_given_at),
            "text_version": expert.consent_version,
        },
        "cv_file": None
        if expert.cv_file is None
        else {
            "filename": expert.cv_filename,
            "content_type": expert.cv_content_type,
            "uploaded_at": _iso(expert.cv_uploaded_at),
        },
        "candidacies": [
            {
                "request_id": c.request_id,
                "request_title": c.request.title,
                "state": c.state.value,
                "score": c.score,
                "dismiss_reason": c.dismiss_reason,
                "since": _iso(c.created_at),
                "last_change": _iso(c.updated_at),
                "readiness": [
                    {
                        "item": item.code,
                        "status": item.status.value,
                        "done_on": _iso(item.done_on),
                        "valid_until": _iso(item.valid_until),
                        "note": item.note,
                        **_document(item),
                    }
                    for item in db.session.scalars(
                        sa.select(ReadinessItem)
                        .where(ReadinessItem.candidate_id == c.id)
                        .order_by(ReadinessItem.id)
                    )
                ],
                "assignment": {"starts_on": _iso(c.starts_on), "ends_on": _iso(c.ends_on)},
                "evaluations": [
                    {
                        "by": row.evaluator_role.value,
                        "ratings": row.ratings,
                        "comment": row.comment,
                        "at": _iso(row.created_at),
                    }
                    for row in db.session.scalars(
                        sa.select(Evaluation)
                        .where(Evaluation.candidate_id == c.id)
                        .order_by(Evaluation.id)
                    )
                ],
            }
            for c in db.session.scalars(
                sa.select(Candidate)
                .where(Candidate.expert_id == expert.id)
                .order_by(Candidate.created_at, Candidate.id)
            )
        ],
        "history": [
            {
                "action": event.action,
                "at": _iso(event.at),
                "by": event.actor.full_name if event.actor else event.actor_label,
                "changed": audit.changed_fields(event.before, event.after),
            }
            for event in audit.history("expert", expert.id)
        ],
    }


@transaction("expert")
def record_export(expert: Expert, actor: User) -> None:
    """Keep in the audit trail that someone took the expert's data out of civcap."""
    audit.record("expert.exported", "expert", expert.id, actor=actor)


def find_experts(text: str) -> sa.Select[tuple[Expert]]:
    """Experts of every member state and status by name, email, external id or #id."""
    text = text.strip()
    pattern = like_pattern(text)
    matches = [
        Expert.full_name.ilike(pattern, escape="\\"),
        Expert.email.ilike(pattern, escape="\\"),
        Expert.external_id.ilike(pattern, escape="\\"),
    ]
    if is_record_id(text.lstrip("#")):
        matches.append(Expert.id == int(text.lstrip("#")))
    return sa.select(Expert).where(sa.or_(*matches)).order_by(Expert.full_name, Expert.id)
