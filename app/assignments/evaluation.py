"""The structured evaluation of an assignment: each competency rated from 1 to 5, and a
comment. HR records theirs when completing the assignment (``completion``); the mission's
requester records theirs on a page of their own, of a deployed or completed candidate of their
organisation's request. One evaluation per evaluator's role and candidate: recording it again
replaces it (the audit trail keeps the ratings it replaced). Evaluations are read by HR and by
their author only; the comment is personal data, erased with the expert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.common import audit
from app.common.errors import FieldError, NotAllowed, ValidationFailed
from app.common.transaction import flush_or_conflict, transaction
from app.common.validation import Checker
from app.extensions import db
from app.models import Candidate, CandidateState, Evaluation, EvaluatorRole, Role, User


@dataclass(frozen=True)
class Competency:
    code: str
    label: LazyString


COMPETENCIES = (
    Competency("technical_expertise", _l("Technical expertise")),
    Competency("teamwork", _l("Teamwork")),
    Competency("communication", _l("Communication")),
    Competency("adaptability", _l("Adaptability")),
    Competency("integrity", _l("Integrity")),
)
LOWEST, HIGHEST = 1, 5
COMMENT_MAX = 4000
# A requester evaluates an assignment under way or done.
EVALUABLE = frozenset({CandidateState.DEPLOYED, CandidateState.COMPLETED})


def scale_labels() -> dict[int, str]:
    """The ratings as people choose them."""
    return {
        1: _("1 (poor)"), 2: _("2"), 3: _("3 (as expected)"), 4: _("4"), 5: _("5 (excellent)"),
    }  # fmt: skip


@dataclass(frozen=True)
class Said:
    """What an evaluator says: a rating (1 to 5) per competency code, and a comment."""

    ratings: dict[str, int | None]
    comment: str | None = None


def check(said: Said | None) -> list[FieldError]:
    """What is wrong with an evaluation, by field (each competency's code, ``comment``)."""
    ratings = said.ratings if said is not None else {}
    check = Checker()
    for competency in COMPETENCIES:
        value = ratings.get(competency.code)
        if not isinstance(value, int) or isinstance(value, bool) or not LOWEST <= value <= HIGHEST:
            check.fail(
                competency.code,
                _(
                    "rate %(competency)s from %(low)d (poor) to %(high)d (excellent)",
                    competency=str(competency.label).lower(),
                    low=LOWEST,
                    high=HIGHEST,
                ),
            )
    unknown = sorted(set(ratings) - {c.code for c in COMPETENCIES})
    if unknown:
        check.fail(
            "ratings",
            _("there is no competency %(codes)s to rate", codes=", ".join(map(repr, unknown))),
        )
    check.optional_text("comment", _comment(said), COMMENT_MAX)
    return check.errors


def _comment(said: Said | None) -> str | None:
    return ((said.comment if said is not None else None) or "").strip() or None


def of(candidate: Candidate) -> dict[EvaluatorRole, Evaluation]:
    """The candidate's evaluations, by evaluator's role."""
    rows = db.session.scalars(sa.select(Evaluation).where(Evaluation.candidate_id == candidate.id))
    return {row.evaluator_role: row for row in rows}


def put(candidate: Candidate, role: EvaluatorRole, author: User, said: Said) -> Evaluation:
    """Record (or replace) the ``role``'s evaluation in the current transaction (no commit);
    the caller checks who may. Refused with ValidationFailed."""
    errors = check(said)
    if errors:
        raise ValidationFailed(errors)
    row = of(candidate).get(role)
    before: dict[str, Any] | None = None
    if row is None:
        row = Evaluation(candidate_id=candidate.id, evaluator_role=role)
        db.session.add(row)
    else:
        before = {"evaluator": role.value, "ratings": dict(row.ratings)}
    row.ratings = {c.code: int(said.ratings[c.code] or 0) for c in COMPETENCIES}
    row.comment = _comment(said)
    row.author_id = author.id
    # The trail keeps who rated what; the comment stays on the row (erased with the expert).
    audit.record(
        "evaluation.replaced" if before else "evaluation.recorded", "candidate", candidate.id,
        actor=author, before=before, after={"evaluator": role.value, "ratings": row.ratings},
    )  # fmt: skip
    flush_or_conflict("evaluation")
    return row


def may_evaluate(user: User, candidate: Candidate) -> bool:
    """Whether ``user`` is a requester of the candidate's request's organisation."""
    return user.role is Role.REQUESTER and (
        candidate.request.organisation_id == user.organisation_id
    )


@transaction("evaluation")
def by_requester(candidate: Candidate, actor: User, said: Said) -> Evaluation:
    """The mission's requester records (or replaces) their evaluation of a deployed or
    completed candidate of their organisation's request."""
    if not may_evaluate(actor, candidate):
        raise NotAllowed(_("Only the requesting mission's requesters evaluate this assignment."))
    if candidate.state not in EVALUABLE:
        raise NotAllowed(
            _(
                "A candidate who is %(state)s has no assignment to evaluate yet.",
                state=candidate.state.label,
            )
        )
    theirs = of(candidate).get(EvaluatorRole.REQUESTER)
    if theirs is not None and theirs.author_id != actor.id:
        raise NotAllowed(
            _(
                "%(author)s already evaluated this assignment for your mission; only they "
                "change it.",
                author=theirs.author.full_name if theirs.author else _("a colleague"),
            )
        )
    return put(candidate, EvaluatorRole.REQUESTER, actor, said)


def recorded(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str | None:
    """An evaluation of the audit trail as people read it ("HR's evaluation: Teamwork 4, …");
    None for an event that is not one."""
    after = after or {}
    try:
        role = EvaluatorRole(after.get("evaluator"))
    except ValueError:
        return None
    ratings = after.get("ratings") or {}
    rated = ", ".join(
        _("%(competency)s %(rating)s", competency=c.label, rating=ratings.get(c.code, "—"))
        for c in COMPETENCIES
    )
    return _("Evaluation by %(evaluator)s: %(ratings)s", evaluator=role.label, ratings=rated)
