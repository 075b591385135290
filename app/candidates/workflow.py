"""The selection procedure's candidate workflow: who may move a candidate from which state to
which.

Every transition is one audit event (actor, time, from, to, reason, note). An illegal move is
refused with a message saying what is allowed; a move based on a stale read is refused as a
conflict (the candidate's version), so two reviewers acting at once never lose an update.
Selection needs a second HR reviewer, different from the one who recommended (four eyes), and
never exceeds the request's positions; selecting and deploying need the candidate's readiness
items of those moves (``readiness.items.refusal``). Nothing here acts by itself: every move
has an actor.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app.assignments import completion
from app.assignments import dates as assignment_dates
from app.assignments import evaluation as evaluations
from app.common import audit
from app.common.errors import (
    Conflict,
    FieldError,
    NotAllowed,
    ValidationFailed,
)
from app.common.transaction import flush_or_conflict, transaction
from app.common.validation import Checker
from app.extensions import db
from app.models import (
    SELECTED_OR_LATER,
    Candidate,
    CandidateState,
    DismissReason,
    Expert,
    ExpertiseRequest,
    RequestStatus,
    Role,
    User,
)
from app.notifications import messages as notifications
from app.readiness import items as readiness
from app.readiness import notices as readiness_notices

S = CandidateState

# to-state -> (states it may come from, role that may make the move)
TRANSITIONS: dict[CandidateState, tuple[frozenset[CandidateState], Role]] = {
    S.SHORTLISTED: (frozenset({S.SUGGESTED}), Role.HR_REVIEWER),
    S.DISMISSED: (
        frozenset({S.SUGGESTED, S.SHORTLISTED, S.RELEASED, S.INTERVIEW, S.RECOMMENDED}),
        Role.HR_REVIEWER,
    ),
    S.CONSULTATION: (frozenset({S.SHORTLISTED}), Role.HR_REVIEWER),
    S.RELEASED: (frozenset({S.CONSULTATION}), Role.FOCAL_POINT),
    S.NOT_RELEASED: (frozenset({S.CONSULTATION}), Role.FOCAL_POINT),
    S.INTERVIEW: (frozenset({S.RELEASED}), Role.HR_REVIEWER),
    S.RECOMMENDED: (frozenset({S.INTERVIEW}), Role.HR_REVIEWER),
    S.SELECTED: (frozenset({S.RECOMMENDED}), Role.HR_REVIEWER),
    S.DEPLOYED: (frozenset({S.SELECTED}), Role.HR_REVIEWER),
    S.COMPLETED: (frozenset({S.DEPLOYED}), Role.HR_REVIEWER),
}


# A request's shortlist moves while the request is being worked on; once filled, only the
# selected experts' deployment goes on; closed, cancelled and replaced requests are read-only.
ACTIVE_REQUEST = frozenset({RequestStatus.SUBMITTED, RequestStatus.OPEN, RequestStatus.SELECTION})
AFTER_FILLED = frozenset({S.DEPLOYED, S.COMPLETED})

# How long a move's reason (a dismissal's code, why not released) and note may be.
MAX_LENGTHS = {"reason": 500, "note": 4000}


def allowed_moves(candidate: Candidate, user: User) -> list[CandidateState]:
    """The states ``user`` may move ``candidate`` to now (for the buttons on a page)."""
    return [to for to in TRANSITIONS if _refusal(candidate, to, user) is None]


def _either(items: list[str]) -> str:
    """``items`` as alternatives, as the reader's language lists them ("a, b or c")."""
    return format_list(items, style="or", locale=get_locale() or "en")


def _refusal(candidate: Candidate, to: CandidateState, actor: User) -> str | None:
    sources, role = TRANSITIONS[to]
    request = candidate.request
    if request.status is RequestStatus.FILLED and to not in AFTER_FILLED:
        return ngettext(
            "This request's %(num)d position is already filled; only the selected expert's "
            "deployment goes on.",
            "All %(num)d positions of this request are already filled; only the selected "
            "experts' deployment goes on.",
            request.positions,
        )
    if request.status not in ACTIVE_REQUEST | {RequestStatus.FILLED}:
        return _(
            "This request is %(status)s; its shortlist is kept as it is.",
            status=request.status.label,
        )
    if candidate.state not in sources:
        return _(
            "A candidate who is %(state)s cannot be moved to %(to)s (only from: %(allowed)s).",
            state=candidate.state.label,
            to=to.label,
            allowed=_either(sorted(s.label for s in sources)),
        )
    if actor.role is not role:
        return _(
            "Only a %(role)s can move a candidate to %(state)s.", role=role.label, state=to.label
        )
    if role is Role.FOCAL_POINT and candidate.expert.organisation_id != actor.organisation_id:
        return _("Only the nominating member state's focal point answers a release consultation.")
    if to is S.SELECTED and candidate.recommended_by_id == actor.id:
        return _(
            "Four eyes: the recommendation must be approved by a different HR reviewer "
            "than the one who made it."
        )
    return None


@transaction("candidate")
def add(
    request: ExpertiseRequest,
    expert: Expert,
    actor: User,
    score: float | None = None,
    explanation: dict[str, Any] | None = None,
    nominated: bool = False,
) -> Candidate:
    """Put an expert forward for a request: from the suggestions (HR) or nominated by the
    expert's own member state (focal point). The same expert is never added twice."""
    candidate = put_forward(request, expert, actor, score, explanation, nominated)
    return candidate


def put_forward(
    request: ExpertiseRequest,
    expert: Expert,
    actor: User,
    score: float | None,
    explanation: dict[str, Any] | None,
    nominated: bool,
) -> Candidate:
    """Add the candidate row and its audit event to the current transaction (no commit)."""
    if nominated and (
        actor.role is not Role.FOCAL_POINT or expert.organisation_id != actor.organisation_id
    ):
        raise NotAllowed(_("A member state nominates only its own experts."))
    if not nominated and actor.role is not Role.HR_REVIEWER:
        raise NotAllowed(_("Only HR adds suggested candidates."))
    if request.status not in ACTIVE_REQUEST:
        raise NotAllowed(
            _(
                "This request is %(status)s; no candidates can be added.",
                status=request.status.label,
            )
        )
    if expert.merged_into_id is not None or expert.erased_at is not None:
        raise NotAllowed(
            _(
                "%(name)s is no longer on the roster as such (merged or erased); "
                "put forward the record that remains.",
                name=expert.full_name,
            )
        )
    existing = db.session.scalar(
        sa.select(Candidate).where(
            Candidate.request_id == request.id, Candidate.expert_id == expert.id
        )
    )
    if existing is not None:
        raise NotAllowed(
            _(
                "%(name)s is already a candidate (%(state)s).",
                name=expert.full_name,
                state=existing.state.label,
            )
        )
    candidate = Candidate(
        request=request,
        expert=expert,
        state=S.SUGGESTED,
        nominated_by_id=expert.organisation_id if nominated else None,
        score=score,
        explanation=explanation,
    )
    db.session.add(candidate)
    db.session.flush()
    audit.record(
        "candidate.nominated" if nominated else "candidate.suggested", "candidate", candidate.id,
        actor=actor, after={"state": S.SUGGESTED.value, "request_id": request.id,
                            "expert_id": expert.id},
    )  # fmt: skip
    return candidate


@transaction("candidate")
def move(
    candidate: Candidate,
    to: CandidateState,
    actor: User,
    expected_version: int | None = None,
    reason: str | None = None,
    note: str | None = None,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    evaluation: evaluations.Said | None = None,
) -> Candidate:
    """Move a candidate to ``to``; refused with NotAllowed, ValidationFailed or Conflict.

    A blank reason or note is none (the pages and the API send what was typed). Deploying sets
    the assignment's dates (``starts_on``/``ends_on``, the request's by default) before its
    readiness is judged against them; completing needs HR's ``evaluation`` and returns the
    expert to the roster (``assignments.completion``), in the same transaction."""
    reason, note = (reason or "").strip() or None, (note or "").strip() or None
    if expected_version is not None and expected_version != candidate.version:
        raise Conflict(
            _(
                "Someone else changed this candidate meanwhile: it is now %(state)s. "
                "Nothing of yours was saved.",
                state=candidate.state.label,
            )
        )
    refusal = _refusal(candidate, to, actor)
    if refusal:
        raise NotAllowed(refusal)
    dated: dict[str, Any] = {}
    if to is S.DEPLOYED:  # the dates first: readiness is judged against them
        dated = assignment_dates.give(candidate, starts_on, ends_on)
    else:
        assignment_dates.refuse_outside_deployment(starts_on, ends_on)
    refusal = readiness.refusal(candidate, to)
    if refusal:
        raise NotAllowed(refusal)
    errors = _check_reason(to, reason, note)
    if to is S.COMPLETED:
        errors += evaluations.check(evaluation)
    elif evaluation is not None:
        message = _("an evaluation is given only when completing the assignment")
        errors.append(FieldError("ratings", message))
    if errors:
        raise ValidationFailed(errors)
    if to is S.SELECTED:
        _check_positions(candidate)
    before = {"state": candidate.state.value}
    candidate.state = to
    if to is S.DISMISSED:
        candidate.dismiss_reason, candidate.dismiss_note = reason, note
    if to is S.RECOMMENDED:
        candidate.recommended_by_id = actor.id
    if to is S.SELECTED:
        candidate.selected_by_id = actor.id
    after: dict[str, Any] = {"state": to.value, **dated}
    if reason:
        after["reason"] = reason
    audit.record(f"candidate.{to.value}", "candidate", candidate.id, actor=actor,
                 before=before, after=after, note=note)  # fmt: skip
    flush_or_conflict("candidate")  # a concurrent move loses here, before anything else
    if to is S.RECOMMENDED:
        _start_selection(candidate.request, actor)
        readiness_notices.ask_owners(candidate, actor)
    if to is S.CONSULTATION:
        notifications.consultation_asked(candidate)
    if to in (S.RELEASED, S.NOT_RELEASED):
        notifications.consultation_answered(candidate)
    if to is S.SELECTED:
        notifications.selection_made(candidate)
        _fill_when_complete(candidate.request, actor)
    if to is S.COMPLETED:
        assert evaluation is not None  # checked above
        completion.complete(candidate, actor, evaluation)
    return candidate


def _start_selection(request: ExpertiseRequest, actor: User) -> None:
    """The first recommendation moves an open request into selection."""
    if request.status is RequestStatus.OPEN:
        request.status = RequestStatus.SELECTION
        audit.record("request.selection", "request", request.id, actor=actor,
                     before={"status": "open"}, after={"status": "selection"})  # fmt: skip


def _check_reason(to: CandidateState, reason: str | None, note: str | None) -> list[FieldError]:
    check = Checker()
    check.optional_text("reason", reason, MAX_LENGTHS["reason"])
    check.optional_text("note", note, MAX_LENGTHS["note"])
    if check.errors:
        return check.errors
    if to is S.DISMISSED:
        if reason not in {r.value for r in DismissReason}:
            reasons = _either([r.label for r in DismissReason])
            message = _("choose why the candidate is dismissed (%(reasons)s)", reasons=reasons)
            return [FieldError("reason", message)]
        if reason == DismissReason.OTHER and not (note or "").strip():
            return [FieldError("note", _("say why, when the reason is 'other'"))]
    if to is S.NOT_RELEASED and not (reason or "").strip():
        return [FieldError("reason", _("say why the expert cannot be released"))]
    return []


def selections(request: ExpertiseRequest) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Candidate)
            .where(
                Candidate.request_id == request.id,
                Candidate.state.in_(SELECTED_OR_LATER),
            )
        )
        or 0
    )


def _check_positions(candidate: Candidate) -> None:
    request = candidate.request
    if selections(request) >= request.positions:
        raise NotAllowed(
            ngettext(
                "This request's %(num)d position is already filled.",
                "All %(num)d positions of this request are already filled.",
                request.positions,
            )
        )


def _fill_when_complete(request: ExpertiseRequest, actor: User) -> None:
    db.session.flush()
    if selections(request) >= request.positions and request.status is not RequestStatus.FILLED:
        before = request.status.value
        request.status = RequestStatus.FILLED
        audit.record("request.filled", "request", request.id, actor=actor,
                     before={"status": before}, after={"status": "filled"})  # fmt: skip
        notifications.request_filled(request)
