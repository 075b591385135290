"""The readiness checklist: which items a candidate has, who provides each, which move each
holds, and what makes each one count.

Screening items (human-rights screening, under the UN policy on human rights screening of UN
personnel; the UN's own misconduct screening record check) hold the selection: the second
reviewer cannot select until they are done. The others hold the deployment. An item is done
with its date and, where it has one, the date until which it holds: a passport valid six months
beyond the assignment's end, a security training certificate still valid on the start date.
The sending state's release and nomination letter is asked for government-provided personnel
only, and so is its human-rights certification (other experts certify it themselves). A
high-risk duty station asks for the advanced security training too (such as SSAFE).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.assignments.dates import assignment_of, planned
from app.models import Candidate, CandidateState, ExpertiseRequest
from matching import add_months

GOVERNMENT_PROVIDED = "government_provided"
PASSPORT_MONTHS_BEYOND_END = 6

# From recommendation onward a candidate has a checklist (and it can be recorded).
WITH_CHECKLIST = frozenset(
    {CandidateState.RECOMMENDED, CandidateState.SELECTED, CandidateState.DEPLOYED}
)


class Gate(enum.StrEnum):
    """The move an item must be done before."""

    SELECTION = "selection"
    DEPLOYMENT = "deployment"

    @property
    def label(self) -> str:
        return str(_GATE_LABELS[self])


_GATE_LABELS = {Gate.SELECTION: _l("before selection"), Gate.DEPLOYMENT: _l("before deployment")}

# The gates a move must pass: deploying needs what selecting needed too.
GATES_OF = {
    CandidateState.SELECTED: (Gate.SELECTION,),
    CandidateState.DEPLOYED: (Gate.SELECTION, Gate.DEPLOYMENT),
}


class Owner(enum.StrEnum):
    """Who provides an item, and records it with HR (``items.may_record``)."""

    MEMBER_STATE = "member_state"
    HR = "hr"
    EXPERT = "expert"

    @property
    def label(self) -> str:
        return str(_OWNER_LABELS[self])


_OWNER_LABELS = {
    Owner.MEMBER_STATE: _l("the sending member state"),
    Owner.HR: _l("UN HR"),
    Owner.EXPERT: _l("the expert"),
}


class Holds(enum.Enum):
    """Until when a done item must hold."""

    ALWAYS = "always"  # no date until which it holds
    ON_START = "on_start"  # still valid on the assignment's start date
    BEYOND_END = "beyond_end"  # valid six months beyond the assignment's end


@dataclass(frozen=True)
class Kind:
    code: str
    label: LazyString
    gate: Gate
    owner: Owner
    holds: Holds = Holds.ALWAYS
    government_provided_only: bool = False
    # Asked only for a high-risk duty station (``ExpertiseRequest.high_risk``).
    high_risk_only: bool = False
    # Outside a secondment there is no sending state to certify it: the expert does.
    self_certified_otherwise: bool = False

    def owner_for(self, request: ExpertiseRequest) -> Owner:
        if self.self_certified_otherwise and request.modality != GOVERNMENT_PROVIDED:
            return Owner.EXPERT
        return self.owner


KINDS = (
    Kind(
        "human_rights_screening", _l("Human rights screening certification"), Gate.SELECTION,
        Owner.MEMBER_STATE, self_certified_otherwise=True,
    ),
    Kind("misconduct_screening", _l("Misconduct screening record check"), Gate.SELECTION,
         Owner.HR),
    Kind(
        "release_letter", _l("Release and nomination letter"), Gate.DEPLOYMENT,
        Owner.MEMBER_STATE, government_provided_only=True,
    ),
    Kind("medical_clearance", _l("Medical clearance"), Gate.DEPLOYMENT, Owner.HR),
    Kind(
        "security_training", _l("Security training certificate"), Gate.DEPLOYMENT,
        Owner.EXPERT, Holds.ON_START,
    ),
    Kind(
        "advanced_security_training", _l("Advanced security training certificate (e.g. SSAFE)"),
        Gate.DEPLOYMENT, Owner.EXPERT, Holds.ON_START, high_risk_only=True,
    ),
    Kind("passport", _l("Passport"), Gate.DEPLOYMENT, Owner.EXPERT, Holds.BEYOND_END),
    Kind("visa", _l("Visa"), Gate.DEPLOYMENT, Owner.HR),
)  # fmt: skip
BY_CODE = {kind.code: kind for kind in KINDS}


def kinds_for(request: ExpertiseRequest) -> list[Kind]:
    """The items of a candidate for ``request``, in the order of the procedure."""
    government_provided = request.modality == GOVERNMENT_PROVIDED
    return [
        k
        for k in KINDS
        if (government_provided or not k.government_provided_only)
        and (request.high_risk or not k.high_risk_only)
    ]


def assignment_end(request: ExpertiseRequest) -> date:
    """The end of the request's assignment (a candidate's own is ``assignment_of``'s)."""
    return planned(request).ends_on


def needed_until(kind: Kind, candidate: Candidate) -> date | None:
    """The date until which a done item must hold, if it has one: judged against the
    candidate's own assignment dates once given (at deployment), the request's until then."""
    assignment = assignment_of(candidate)
    if kind.holds is Holds.ON_START:
        return assignment.starts_on
    if kind.holds is Holds.BEYOND_END:
        return add_months(assignment.ends_on, PASSPORT_MONTHS_BEYOND_END)
    return None
