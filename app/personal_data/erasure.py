"""Personal data: erasure, and the retention purge (``civcap purge``).

Erasing keeps the record, so that past shortlists and figures stay whole, but removes the person:

- removed: name (becomes "Erased expert #id"), email, phone, birth year, external id, title,
  CV summary, skills, countries of experience, the CV file and the readiness items' documents
  (deleted from disk) and their details,
  and the consent record (the expert is no longer on the roster);
- kept, because figures are made of them and none singles a person out: the nominating member
  state, nationality, gender, years of experience, core areas, languages, accepted modalities
  and the availability dates; candidacies (Candidate rows) stay and point at the erased record,
  and so do their readiness items, without their dates and notes, and their evaluations, with
  their ratings but without their comments.

The audit trail is append-only for everyone else, but the expert's own past events carry
snapshots with their name and email. Erasure rewrites those values in place with a Core UPDATE
(the ORM refuses to change an event): each erased value becomes a placeholder ("[erased 1]",
"[erased 2]", …; equal values share one), so every event keeps its action, time, actor and
which fields it changed. Then one "expert.erased" event says who erased the record and when.
Mail about them and the API's answers kept for a replay (Idempotency-Key) lose their values too
(``scrub``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.common import audit
from app.common.errors import FieldError, NotAllowed, ValidationFailed
from app.common.transaction import transaction
from app.cv import files as cv
from app.extensions import db
from app.models import Expert, ExpertStatus, User
from app.models._types import now_or
from app.personal_data import scrub

PURGE_ACTOR = "civcap purge"


REASON_MAX = 2000


def erased_name(expert_id: int) -> str:
    return f"Erased expert #{expert_id}"


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
    with transaction("expert"):
        for record in [expert, *merged]:
            files.append(cv.stored_path(record))
            files.extend(_erase_record(record, actor, reason, actor_label, now))
    for path in files:  # only once the erasure is committed
        _delete(path)
    return expert


def _erase_record(
    expert: Expert, actor: User | None, reason: str, actor_label: str, now: datetime
) -> list[Path]:
    """Erase one record, in the caller's transaction; the readiness documents' files to
    delete once it is committed."""
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
    scrub.stored_answers(expert.id, scrubber)
    documents = scrub.readiness(expert.id)
    scrub.evaluations(expert.id)
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
    return documents


def _delete(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        current_app.logger.error("File %s of an erased expert not deleted: %s", path.name, exc)


def due_for_purge(now: datetime | None = None) -> list[int]:
    """Ids of experts withdrawn longer ago than RETENTION_DAYS and not yet erased."""
    now = now_or(now)
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
    now = now_or(now)
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
    return expert.withdrawn_at + timedelta(days=int(current_app.config["RETENTION_DAYS"]))
