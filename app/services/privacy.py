"""Personal data: what civcap holds on an expert (export), erasure, and the retention purge.

Erasing keeps the record, so that past shortlists and figures stay whole, but removes the person:

- removed: name (becomes "Erased expert #id"), email, phone, birth year, external id, title,
  CV summary, skills, countries of experience, the CV file (deleted from disk) and its details,
  and the consent record (the expert is no longer on the roster);
- kept, because figures are made of them and none singles a person out: the nominating member
  state, nationality, gender, years of experience, core areas, languages, accepted modalities
  and the availability dates; candidacies (Candidate rows) stay and point at the erased record.

The audit trail is append-only for everyone else, but the expert's own past events carry
snapshots with their name and email. Erasure rewrites those values in place with a Core UPDATE
(the ORM refuses to change an event): each erased value becomes a placeholder ("[erased 1]",
"[erased 2]", …; equal values share one), so every event keeps its action, time, actor and
which fields it changed. Then one "expert.erased" event says who erased the record and when.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Candidate, Expert, ExpertStatus, User
from app.services import audit, cv, scrub
from app.services.errors import FieldError, NotAllowed, ValidationFailed, commit_or_conflict

PURGE_ACTOR = "civcap purge"
REASON_MAX = 2000


def erased_name(expert_id: int) -> str:
    return f"Erased expert #{expert_id}"


# ---- export ----------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        # SQLite hands back naive UTC, PostgreSQL the session's zone.
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
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
            "full_name": expert.full_name,
            "email": expert.email,
            "phone": expert.phone,
            "gender": expert.gender,
            "nationality": expert.nationality,
            "birth_year": expert.birth_year,
            "title": expert.title,
            "summary": expert.summary,
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


def record_export(expert: Expert, actor: User) -> None:
    """Keep in the audit trail that someone took the expert's data out of civcap."""
    audit.record("expert.exported", "expert", expert.id, actor=actor)
    db.session.commit()


def find_experts(text: str) -> sa.Select[tuple[Expert]]:
    """Experts of every member state and status by name, email, external id or #id."""
    text = text.strip()
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    matches = [
        Expert.full_name.ilike(pattern, escape="\\"),
        Expert.email.ilike(pattern, escape="\\"),
        Expert.external_id.ilike(pattern, escape="\\"),
    ]
    if text.lstrip("#").isdigit():
        matches.append(Expert.id == int(text.lstrip("#")))
    return sa.select(Expert).where(sa.or_(*matches)).order_by(Expert.full_name, Expert.id)


# ---- erasure ---------------------------------------------------------------------------------


def erase(
    expert: Expert,
    actor: User | None,
    reason: str,
    *,
    actor_label: str = "",
) -> Expert:
    """Remove the expert's personal data (and of records merged into theirs: the same person).

    Refused with NotAllowed when already erased, ValidationFailed without a reason.
    """
    if expert.erased_at is not None:
        raise NotAllowed(
            f"The personal data of expert #{expert.id} was already erased "
            f"on {expert.erased_at:%d %b %Y}."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([FieldError("reason", "say why the personal data is erased")])
    if len(reason) > REASON_MAX:
        raise ValidationFailed([FieldError("reason", f"at most {REASON_MAX} characters")])
    now = datetime.now(UTC)
    merged = db.session.scalars(
        sa.select(Expert).where(Expert.merged_into_id == expert.id, Expert.erased_at.is_(None))
    ).all()
    files: list[Path | None] = []
    for record in [expert, *merged]:
        files.append(cv.stored_path(record))
        _erase_record(record, actor, reason, actor_label, now)
    commit_or_conflict("expert")
    for path in files:  # only once the erasure is committed
        _delete(path)
    return expert


def _erase_record(
    expert: Expert, actor: User | None, reason: str, actor_label: str, now: datetime
) -> None:
    identifiers = [expert.full_name, expert.email, expert.phone, expert.external_id]
    before_status = expert.status.value
    expert.full_name = erased_name(expert.id)
    expert.email = expert.phone = expert.birth_year = expert.external_id = None
    expert.title = expert.summary = ""
    expert.skills = []
    expert.countries = []
    expert.cv_file = expert.cv_filename = expert.cv_content_type = None
    expert.cv_uploaded_at = None
    expert.consent_given_at = expert.consent_version = None
    if expert.status is not ExpertStatus.MERGED:
        expert.status = ExpertStatus.WITHDRAWN  # sets withdrawn_at unless already withdrawn
    expert.erased_at = expert.updated_at = now  # updated_at: every matching index drops them
    db.session.flush()
    scrubber = scrub.Scrubber(identifiers)
    scrub.audit_trail(expert.id, scrubber)
    scrub.outbox(scrubber)
    audit.record(
        "expert.erased",
        "expert",
        expert.id,
        actor=actor,
        actor_label=actor_label,
        before={"status": before_status},
        after={"status": expert.status.value, "erased": True},
        note=scrubber.text(reason),
    )


def _delete(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        current_app.logger.error("CV file %s of an erased expert not deleted: %s", path.name, exc)


# ---- retention -------------------------------------------------------------------------------


def due_for_purge(now: datetime | None = None) -> list[int]:
    """Ids of experts withdrawn longer ago than RETENTION_DAYS and not yet erased."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    cutoff = now - timedelta(days=int(current_app.config["RETENTION_DAYS"]))
    query = (
        sa.select(Expert.id)
        .where(
            Expert.status == ExpertStatus.WITHDRAWN,
            Expert.erased_at.is_(None),
            Expert.withdrawn_at < cutoff,
        )
        .order_by(Expert.id)
    )
    return list(db.session.scalars(query))


def purge(now: datetime | None = None) -> list[int]:
    """Erase every expert due for purge; returns their ids (how many: ``len``)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    days = int(current_app.config["RETENTION_DAYS"])
    erased = []
    for expert_id in due_for_purge(now):
        expert = db.session.get(Expert, expert_id)
        assert expert is not None and expert.withdrawn_at is not None
        reason = f"withdrawn on {expert.withdrawn_at:%Y-%m-%d}; kept {days} days, as configured"
        erase(expert, None, reason, actor_label=PURGE_ACTOR)
        erased.append(expert_id)
    return erased


def purge_due(expert: Expert) -> datetime | None:
    """When ``civcap purge`` erases this expert: withdrawn and not erased yet; else None."""
    if expert.erased_at is not None or expert.withdrawn_at is None:
        return None
    if expert.status is not ExpertStatus.WITHDRAWN:
        return None
    withdrawn = expert.withdrawn_at
    withdrawn = withdrawn.replace(tzinfo=UTC) if withdrawn.tzinfo is None else withdrawn
    return withdrawn + timedelta(days=int(current_app.config["RETENTION_DAYS"]))
