"""The audit trail as people read it: what each recorded action was, which fields it changed and
who did it, in the reader's language.

The audit trail keeps codes ("candidate.consultation", "request.open") and snapshot keys
("start_date"); these are the labels the history tables show for them. An action or a field
this module does not know shows its code, made readable ("some_action" → "some action").

``register`` makes them template globals (``audit_action_label``, ``audit_changes``,
``audit_actor``, ``audit_move``, ``candidate_state_label``, ``dismiss_reason_label``): the
history macro of ``requests/_macros.html`` shows on the pages of several features.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.assignments import evaluation
from app.common import audit
from app.models import AuditEvent, CandidateState, DismissReason
from app.readiness import items as readiness

ACTION_LABELS = {
    # requests for expertise
    "request.created": _l("Request created"),
    "request.updated": _l("Request updated"),
    "request.submitted": _l("Submitted to HR"),
    "request.open": _l("Accepted by HR"),
    "request.published": _l("Published to member states"),
    "request.selection": _l("Selection started"),
    "request.filled": _l("All positions filled"),
    "request.closed_unfilled": _l("Closed unfilled"),
    "request.cancelled": _l("Request cancelled"),
    "request.superseded": _l("Replaced by a revision"),
    "request.revised": _l("Revision created"),
    # experts
    "expert.registered": _l("Expert registered"),
    "expert.updated": _l("Profile updated"),
    "expert.cv_uploaded": _l("CV uploaded"),
    "expert.merged": _l("Merged with a duplicate record"),
    "expert.not_duplicate": _l("Marked as not a duplicate"),
    "expert.reconfirmation_sent": _l("Availability check sent to the expert"),
    "expert.availability_confirmed": _l("Availability confirmed by the expert"),
    "expert.availability_changed": _l("Availability changed by the expert"),
    "expert.withdrawn": _l("Withdrawn from the roster by the expert"),
    "expert.exported": _l("Personal data exported"),
    "expert.erased": _l("Personal data erased"),
    # candidates (the moves of the selection procedure)
    "candidate.suggested": _l("Candidate suggested"),
    "candidate.nominated": _l("Candidate nominated by the member state"),
    "candidate.shortlisted": _l("Candidate shortlisted"),
    "candidate.dismissed": _l("Candidate dismissed"),
    "candidate.consultation": _l("Release consultation started"),
    "candidate.released": _l("Released by the member state"),
    "candidate.not_released": _l("Not released by the member state"),
    "candidate.interview": _l("Candidate invited to interview"),
    "candidate.recommended": _l("Candidate recommended"),
    "candidate.selected": _l("Candidate selected"),
    "candidate.deployed": _l("Candidate deployed"),
    "candidate.completed": _l("Assignment completed"),
    "readiness.done": _l("Readiness item done"),
    "readiness.pending": _l("Readiness item to do"),
    "readiness.exception": _l("Readiness exception recorded"),
    "evaluation.recorded": _l("Evaluation recorded"),
    "evaluation.replaced": _l("Evaluation replaced"),
    "candidate.ending_told": _l("End of assignment told in the daily digest"),
    "expert.returned_to_roster": _l("Back on the roster after an assignment"),
    # accounts
    "user.created": _l("Account created"),
    "user.activated": _l("Account switched on"),
    "user.deactivated": _l("Account switched off"),
    "user.password_changed": _l("Password changed"),
    "user.password_reset": _l("Password reset by link"),
    "user.invitation_accepted": _l("Invitation accepted"),
    "user.second_factor_enrolled": _l("Second factor enrolled"),
    "user.second_factor_reset": _l("Second factor reset by an admin"),
    "organisation.created": _l("Organisation added"),
    "login.unlocked": _l("Lock lifted by an admin"),
}

# The keys of the records' snapshots (requests, experts, CV files, candidates).
FIELD_LABELS = {
    "external_id": _l("External id"),
    "organisation_id": _l("Organisation"),
    "status": _l("Status"),
    # requests
    "title": _l("Title"),
    "terms_of_reference": _l("Terms of reference"),
    "area": _l("Core area"),
    "required_skills": _l("Required skills"),
    "languages": _l("Languages"),
    "min_years_experience": _l("Minimum years of experience"),
    "start_date": _l("Start date"),
    "duration_months": _l("Duration (months)"),
    "duty_station": _l("Duty station"),
    "country": _l("Country"),
    "high_risk": _l("High-risk duty station"),
    "modality": _l("Modality"),
    "positions": _l("Number of positions"),
    "replaced_by": _l("Replaced by"),
    # experts
    "full_name": _l("Full name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "gender": _l("Gender"),
    "nationality": _l("Nationality"),
    "birth_year": _l("Birth year"),
    "summary": _l("CV summary"),
    "skills": _l("Skills"),
    "areas": _l("Core areas"),
    "years_experience": _l("Years of experience"),
    "available_from": _l("Available from"),
    "available_until": _l("Available until"),
    "modalities": _l("Modalities"),
    "countries_of_experience": _l("Countries of experience"),
    "consent_version": _l("Consent version"),
    "availability_confirmed_at": _l("Availability confirmed on"),
    "withdrawn_at": _l("Withdrawn on"),
    "erased": _l("Erased"),
    "merged_from": _l("Merged from"),
    "merged_into": _l("Merged into"),
    "cv_filename": _l("CV file"),
    "cv_content_type": _l("CV file type"),
    "cv_uploaded_at": _l("CV uploaded on"),
    # candidates
    "state": _l("State"),
    "reason": _l("Reason"),
    "request_id": _l("Request"),
    "starts_on": _l("Assignment starts on"),
    "ends_on": _l("Assignment ends on"),
}

# Who acted, when it was not a user of civcap (``AuditEvent.actor_label``); an email or the name
# of an imported file shows as it is.
ACTOR_LABELS = {
    "system": _l("civcap (automatic)"),
    "expert (reconfirmation link)": _l("the expert (availability link)"),
    "civcap purge": _l("civcap purge (retention period over)"),
}


def _readable(code: str) -> str:
    return code.replace("_", " ")


def action_label(action: str) -> str:
    """What an audit event records, e.g. "candidate.consultation" → "Release consultation
    started"; an unknown action shows its last part ("expert.some_thing" → "some thing")."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else _readable(action.split(".")[-1])


def field_label(key: str) -> str:
    """A snapshot key or a FieldError's field as people read it ("start_date" → "Start date";
    "languages[1].code" → "Languages")."""
    base = key.split("[")[0].split(".")[0]
    label = FIELD_LABELS.get(base)
    return str(label) if label is not None else _readable(base)


def changes(event: AuditEvent) -> list[str]:
    """The fields an event changed, by their labels (none for an event without a before)."""
    return [field_label(key) for key in audit.changed_fields(event.before, event.after)]


def actor(event: AuditEvent) -> str:
    """Who did it: the user's name, else what the trail says (a command, the expert's link)."""
    if event.actor is not None:
        return str(event.actor.full_name)
    label = ACTOR_LABELS.get(event.actor_label or "")
    return str(label) if label is not None else (event.actor_label or "")


def move_label(event: AuditEvent) -> str:
    """A candidate's move, "from → to" (the arrow as the reader's language writes it), a
    record of their readiness ("Passport: to do → done") or an evaluation of them."""
    before, after = event.before or {}, event.after or {}
    record = readiness.recorded(before, after) or evaluation.recorded(before, after)
    if record is not None:
        return record
    return _(
        "%(before)s → %(after)s",
        before=CandidateState.label_of(before.get("state")),
        after=CandidateState.label_of(after.get("state")),
    )


def register(bp: Blueprint) -> None:
    """Make the labels template globals of the whole app (from one of its blueprints)."""
    for name, function in {
        "audit_action_label": action_label,
        "audit_changes": changes,
        "audit_actor": actor,
        "audit_move": move_label,
        "candidate_state_label": CandidateState.label_of,
        "dismiss_reason_label": DismissReason.label_of,
    }.items():
        bp.add_app_template_global(function, name)
