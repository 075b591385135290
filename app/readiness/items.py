"""A candidate's readiness: the checklist as recorded, what is missing before a move, and
recording an item (done, to do again, or an exception someone justified).

``refusal`` is the one rule the candidate workflow asks before selecting and before deploying
(``candidates.workflow.move``: the pages, the API and any job go through it). A move is refused
with the list of what is missing; an item a person cannot or need not provide is recorded as an
exception with the reason, in the audit trail like every move.

An item is recorded by whoever provides it (``may_record``, asked by every page): HR any item,
the sending state's focal points its items, the expert (through their signed link) their own;
each with an optional document as evidence (``readiness.documents``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.common import audit
from app.common.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from app.common.i18n import day, listed
from app.common.transaction import flush_or_conflict, transaction
from app.common.uploads import UploadRefused
from app.common.validation import Checker
from app.extensions import db
from app.models import (
    Candidate,
    CandidateState,
    Expert,
    ReadinessItem,
    ReadinessStatus,
    Role,
    User,
)
from app.readiness import documents
from app.readiness.checklist import (
    BY_CODE,
    GATES_OF,
    WITH_CHECKLIST,
    Holds,
    Kind,
    Owner,
    kinds_for,
    needed_until,
)

NOTE_MAX = 2000
# Who the audit trail names for a record made through the expert's signed link (no account).
EXPERT_LABEL = "the expert, through their readiness link"


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
    return checklists([candidate])[candidate.id]


def checklists(candidates: Sequence[Candidate]) -> dict[int, list[Entry]]:
    """Each candidate's checklist (by candidate id), their items read in one statement."""
    rows: dict[int, dict[str, ReadinessItem]] = defaultdict(dict)
    ids = [candidate.id for candidate in candidates]
    for row in db.session.scalars(
        sa.select(ReadinessItem).where(ReadinessItem.candidate_id.in_(ids))
    ):
        rows[row.candidate_id][row.code] = row
    return {
        c.id: [
            Entry(kind, rows[c.id].get(kind.code), _problem(kind, rows[c.id].get(kind.code), c))
            for kind in kinds_for(c.request)
        ]
        for c in candidates
    }


def checklist_seen_by(candidate: Candidate, viewer: User) -> list[Entry] | None:
    """The candidate's checklist as ``viewer`` may see it: None before the recommendation; the
    items HR provides (its own screening results, the medical clearance) to HR only."""
    if candidate.state not in WITH_CHECKLIST:
        return None
    entries = checklist(candidate)
    if viewer.role is Role.HR_REVIEWER:
        return entries
    return [e for e in entries if e.kind.owner_for(candidate.request) is not Owner.HR]


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


def may_record(who: User | Expert, candidate: Candidate, kind: Kind) -> bool:
    """Whether ``who`` provides (records, sees, downloads the document of) this item of the
    candidate's: HR any item; a focal point the member state's items of their own experts;
    the expert (through their signed link) their own items. Nobody else, and the screening
    results (HR's) nobody but HR."""
    owner = kind.owner_for(candidate.request)
    if isinstance(who, Expert):
        return who.id == candidate.expert_id and owner is Owner.EXPERT
    if who.role is Role.HR_REVIEWER:
        return True
    if who.role is Role.FOCAL_POINT:
        return (
            owner is Owner.MEMBER_STATE and who.organisation_id == candidate.expert.organisation_id
        )
    return False


def member_state_candidates(organisation_id: int) -> list[Candidate]:
    """The candidates, from the recommendation on, whose expert the member state nominates."""
    return list(
        db.session.scalars(
            sa.select(Candidate)
            .join(Expert, Expert.id == Candidate.expert_id)
            .where(
                Expert.organisation_id == organisation_id,
                Candidate.state.in_(WITH_CHECKLIST),
            )
            .order_by(Candidate.id)
        )
    )


def entries_for(who: User | Expert, candidate: Candidate) -> list[Entry]:
    """The items of the candidate's checklist ``who`` provides, as ``checklist`` judges them."""
    return [e for e in checklist(candidate) if may_record(who, candidate, e.kind)]


def item_for(who: User | Expert, candidate: Candidate, code: str) -> ReadinessItem | None:
    """The candidate's recorded item ``code``, if ``who`` provides it (``may_record``); else
    None (no such item, not theirs, not recorded yet)."""
    kind = BY_CODE.get(code)
    if kind is None or kind not in kinds_for(candidate.request):
        return None
    if not may_record(who, candidate, kind):
        return None
    return db.session.scalar(
        sa.select(ReadinessItem).where(
            ReadinessItem.candidate_id == candidate.id, ReadinessItem.code == code
        )
    )


def _not_theirs(kind: Kind, candidate: Candidate) -> str:
    owner = kind.owner_for(candidate.request)
    if owner is Owner.MEMBER_STATE:
        return _(
            "Only HR and the focal points of the expert's member state record %(item)s.",
            item=kind.label,
        )
    if owner is Owner.EXPERT:
        return _("Only HR and the expert record %(item)s.", item=kind.label)
    return _("Only HR records %(item)s.", item=kind.label)


def record(
    candidate: Candidate,
    code: str,
    actor: User | Expert,
    status: ReadinessStatus,
    done_on: date | None = None,
    valid_until: date | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    document: documents.Upload | None = None,
) -> ReadinessItem:
    """Record one item of the candidate's checklist, with its document if one is given (the
    old one is deleted once the new one is kept); refused with NotAllowed, ValidationFailed
    (an unreadable or unaccepted document too: field ``document``) or Conflict
    (``expected_version``: the item's version the person saw, 0 for none yet). Nothing is
    kept of a refused record, the document neither."""
    kind = BY_CODE.get(code)
    if kind is None or kind not in kinds_for(candidate.request):
        raise NotAllowed(_("This candidate's checklist has no such item."))
    if not may_record(actor, candidate, kind):
        raise NotAllowed(_not_theirs(kind, candidate))
    if status is not ReadinessStatus.DONE and not _is_hr(actor):
        raise NotAllowed(_("Only HR sets an item back to do or accepts it as an exception."))
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
    try:
        evidence = documents.read(document) if document is not None else None
    except UploadRefused as exc:
        raise ValidationFailed([FieldError("document", str(exc))]) from exc
    path = documents.store(evidence) if evidence is not None else None
    previous = None
    try:
        with transaction("readiness"):
            item = _write(candidate, kind, actor, status, done_on, valid_until, note,
                          expected_version, evidence is not None)  # fmt: skip
            if evidence is not None and path is not None:
                previous = documents.stored_path(item)
                documents.attach(item, evidence, path)
            flush_or_conflict("readiness item")
    except BaseException:
        if path is not None:  # nothing of this upload stays
            path.unlink(missing_ok=True)
        raise
    if previous is not None and previous != path:
        previous.unlink(missing_ok=True)
    return item


def _is_hr(actor: User | Expert) -> bool:
    return isinstance(actor, User) and actor.role is Role.HR_REVIEWER


def _write(
    candidate: Candidate,
    kind: Kind,
    actor: User | Expert,
    status: ReadinessStatus,
    done_on: date | None,
    valid_until: date | None,
    note: str | None,
    expected_version: int | None,
    with_document: bool,
) -> ReadinessItem:
    code = kind.code
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
    user = actor if isinstance(actor, User) else None
    item.updated_by_id = user.id if user is not None else None
    after: dict[str, Any] = {"item": code, "status": status.value}
    if with_document:
        after["document"] = True
    # The audit trail says what changed and why an exception was made; the dates, the note
    # and the document's name stay on the item (personal data, erased with the expert).
    audit.record(
        f"readiness.{status.value}", "candidate", candidate.id, actor=user,
        actor_label="" if user is not None else EXPERT_LABEL, before=before, after=after,
        note=note if status is ReadinessStatus.EXCEPTION else None,
    )  # fmt: skip
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
