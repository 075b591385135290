"""A candidate's readiness: the checklist as recorded, what is missing before a move, and
recording an item (done, to do again, or an exception someone justified).

``refusal`` is the one rule the candidate workflow asks before selecting and before deploying
(``candidates.workflow.move``: the pages, the API and any job go through it). A move is refused
with the list of what is missing; an item a person cannot or need not provide is recorded as an
exception with the reason, in the audit trail like every move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.common import audit
from app.common.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from app.common.i18n import day, listed
from app.common.transaction import flush_or_conflict, transaction
from app.common.validation import Checker
from app.extensions import db
from app.models import Candidate, CandidateState, ReadinessItem, ReadinessStatus, Role, User
from app.readiness.checklist import (
    BY_CODE,
    GATES_OF,
    WITH_CHECKLIST,
    Holds,
    Kind,
    kinds_for,
    needed_until,
)

NOTE_MAX = 2000


@dataclass(frozen=True)
class Entry:
    """One item of a candidate's checklist: its kind, its row (none until recorded), and what
    is wrong with it for now (none when it counts)."""

    kind: Kind
    item: ReadinessItem | None
    problem: str | None

    @property
    def status(self) -> ReadinessStatus:
        return self.item.status if self.item is not None else ReadinessStatus.PENDING


def checklist(candidate: Candidate) -> list[Entry]:
    """The candidate's items, each as recorded and judged now."""
    rows = {
        row.code: row
        for row in db.session.scalars(
            sa.select(ReadinessItem).where(ReadinessItem.candidate_id == candidate.id)
        )
    }
    return [
        Entry(kind, rows.get(kind.code), _problem(kind, rows.get(kind.code), candidate))
        for kind in kinds_for(candidate.request)
    ]


def _problem(kind: Kind, item: ReadinessItem | None, candidate: Candidate) -> str | None:
    if item is None or item.status is ReadinessStatus.PENDING:
        return ReadinessStatus.PENDING.label
    if item.status is ReadinessStatus.EXCEPTION:
        return None
    needed = needed_until(kind, candidate)
    if needed is None:
        return None
    if item.valid_until is None:
        return _("no date until which it is valid")
    if item.valid_until < needed:
        return _(
            "valid until %(until)s, needed until %(needed)s",
            until=day(item.valid_until),
            needed=day(needed),
        )
    return None


def recorded(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str | None:
    """A readiness record of the audit trail as people read it ("Passport: to do → done");
    None for an event that is not one."""
    kind = BY_CODE.get(str((after or {}).get("item")))
    if kind is None:
        return None
    was = (before or {}).get("status") or ReadinessStatus.PENDING.value
    return _(
        "%(item)s: %(before)s → %(after)s",
        item=kind.label,
        before=_status_label(was),
        after=_status_label((after or {}).get("status")),
    )


def _status_label(value: object) -> str:
    try:
        return ReadinessStatus(value).label
    except ValueError:
        return str(value)


def missing(candidate: Candidate, to: CandidateState) -> list[Entry]:
    """What the candidate lacks to be moved to ``to`` (nothing for moves without a gate)."""
    gates = GATES_OF.get(to, ())
    return [e for e in checklist(candidate) if e.kind.gate in gates and e.problem is not None]


def refusal(candidate: Candidate, to: CandidateState) -> str | None:
    """Why the candidate cannot be moved to ``to`` yet, naming each missing item; else None."""
    lacking = missing(candidate, to)
    if not lacking:
        return None
    items = listed(
        _("%(item)s (%(problem)s)", item=str(e.kind.label), problem=e.problem) for e in lacking
    )
    if to is CandidateState.SELECTED:
        return _(
            "Not ready for selection: %(items)s. Record them under Readiness, or an exception "
            "with its reason.",
            items=items,
        )
    return _(
        "Not ready for deployment: %(items)s. Record them under Readiness, or an exception "
        "with its reason.",
        items=items,
    )


@transaction("readiness")
def record(
    candidate: Candidate,
    code: str,
    actor: User,
    status: ReadinessStatus,
    done_on: date | None = None,
    valid_until: date | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> ReadinessItem:
    """Record one item of the candidate's checklist; refused with NotAllowed, ValidationFailed
    or Conflict (``expected_version``: the item's version the person saw, 0 for none yet)."""
    kind = BY_CODE.get(code)
    if kind is None or kind not in kinds_for(candidate.request):
        raise NotAllowed(_("This candidate's checklist has no such item."))
    if actor.role is not Role.HR_REVIEWER:
        raise NotAllowed(_("Only HR records a candidate's readiness."))
    if candidate.state not in WITH_CHECKLIST:
        raise NotAllowed(
            _(
                "A candidate who is %(state)s has no readiness checklist (it starts at the "
                "recommendation).",
                state=candidate.state.label,
            )
        )
    note = (note or "").strip() or None
    errors = _check(kind, status, done_on, valid_until, note)
    if errors:
        raise ValidationFailed(errors)
    item = db.session.scalar(
        sa.select(ReadinessItem).where(
            ReadinessItem.candidate_id == candidate.id, ReadinessItem.code == code
        )
    )
    seen = item.version if item is not None else 0
    if expected_version is not None and expected_version != seen:
        raise Conflict(
            _("Someone else recorded this item meanwhile. Nothing of yours was saved; see it now.")
        )
    before = {"item": code, "status": item.status.value} if item is not None else {"item": code}
    if item is None:
        item = ReadinessItem(candidate=candidate, code=code)
        db.session.add(item)
    item.status = status
    done = status is ReadinessStatus.DONE
    item.done_on = done_on if done else None
    item.valid_until = valid_until if done else None
    item.note = note
    item.updated_by_id = actor.id
    # The audit trail says what changed and why an exception was made; the dates and the
    # note stay on the item (personal data, erased with the expert).
    audit.record(
        f"readiness.{status.value}", "candidate", candidate.id, actor=actor, before=before,
        after={"item": code, "status": status.value},
        note=note if status is ReadinessStatus.EXCEPTION else None,
    )  # fmt: skip
    flush_or_conflict("readiness item")
    return item


def _check(
    kind: Kind,
    status: ReadinessStatus,
    done_on: date | None,
    valid_until: date | None,
    note: str | None,
) -> list[FieldError]:
    check = Checker()
    check.optional_text("note", note, NOTE_MAX)
    if status is ReadinessStatus.EXCEPTION and not note:
        check.fail("note", _("say why this item is accepted without being done"))
    if status is ReadinessStatus.DONE:
        if done_on is None:
            check.fail("done_on", _("give the date it was done"))
        if kind.holds is not Holds.ALWAYS and valid_until is None:
            check.fail("valid_until", _("give the date until which it is valid"))
        if done_on is not None and valid_until is not None and valid_until < done_on:
            check.fail("valid_until", _("the date until which it is valid is before it was done"))
    return check.errors
