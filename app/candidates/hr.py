"""HR's shortlist of a request: add, move, show, export.

Every move goes through ``candidates.workflow`` (the workflow rules, four eyes, positions, audit)
with the version the reviewer saw, so two reviewers acting at once never lose an update: the
second one is told what happened and sees the current state. Nothing here acts by itself.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, TextAreaField
from wtforms.validators import Optional

from app.assignments import evaluation as evaluations
from app.candidates import queries as candidate_queries
from app.candidates import workflow as candidate_service
from app.common import audit
from app.common.csv_export import csv_response
from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.common.forms import SelectField, choices
from app.common.permissions import candidate_for, expert_for, request_for, role_required
from app.models import CandidateState, DismissReason, EvaluatorRole, Role
from app.readiness import items as readiness
from app.readiness.checklist import WITH_CHECKLIST

bp = Blueprint("hr", __name__, url_prefix="/review")
# The candidates whose evaluations HR reads on the shortlist.
EVALUATED = evaluations.EVALUABLE


def csv_columns() -> list[str]:
    """The shortlist export's header, in the reader's language (English outside a request)."""
    return [
        _("candidate id"), _("expert name"), _("nominating member state"), _("nationality"),
        _("state"), _("score"), _("dismiss reason"), _("recommended by"), _("selected by"),
    ]  # fmt: skip


class AddCandidateForm(FlaskForm):
    """ "Add to candidates" on the suggestions page."""

    expert_id = HiddenField()
    score = HiddenField()


class MoveForm(FlaskForm):
    """One move of one candidate; ``version`` is the state the reviewer saw. Deploying may
    give the assignment's dates; completing rates each competency (``COMPETENCIES``, fields
    named by their codes) and may add a comment."""

    to = HiddenField()
    version = HiddenField()
    reason = SelectField(_l("Reason"), choices=[], default="")
    note = TextAreaField(_l("Note"))
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    comment = TextAreaField(_l("Comment"))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.reason.choices = choices(((r.value, r.label) for r in DismissReason), blank="—")
        for competency in evaluations.COMPETENCIES:
            self[competency.code].choices = rating_choices()

    def evaluation(self) -> evaluations.Said:
        return evaluations.Said(
            {c.code: _rating(self[c.code].data) for c in evaluations.COMPETENCIES},
            self.comment.data,
        )

    def rating_fields(self) -> list[Any]:
        return [self[c.code] for c in evaluations.COMPETENCIES]

    def field_label(self, name: str) -> str:
        field = self._fields.get(name)
        return str(field.label.text) if field is not None else name


for _competency in evaluations.COMPETENCIES:
    setattr(MoveForm, _competency.code, SelectField(_competency.label, choices=[], default=""))


def rating_choices() -> list[Any]:
    return choices(((str(n), label) for n, label in evaluations.scale_labels().items()), blank="—")


def _rating(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _number(text: str | None, kind: type[int] | type[float]) -> Any:
    try:
        return kind(text) if text not in (None, "") else None
    except ValueError:
        abort(400)


@bp.route("/requests/<int:request_id>/candidates", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def add_candidate(request_id: int) -> Response:
    expertise_request = request_for(current_user, request_id)
    form = AddCandidateForm()
    if not form.validate_on_submit():
        abort(400)
    expert_id = _number(form.expert_id.data, int)
    if expert_id is None:
        abort(400)
    expert = expert_for(current_user, expert_id)
    entry = candidate_queries.suggestion_for(request_id, expert.id)
    score = entry.score if entry is not None else _number(form.score.data, float)
    explanation = candidate_queries.explanation_kept(entry)
    try:
        candidate_service.add(expertise_request, expert, current_user, score, explanation)
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash(
            _(
                "%(name)s is now a candidate (%(state)s).",
                name=expert.full_name,
                state=CandidateState.SUGGESTED.label,
            ),
            "success",
        )
    return redirect(url_for("candidates.hr.shortlist", request_id=request_id))


@bp.route("/requests/<int:request_id>/shortlist")
@role_required(Role.HR_REVIEWER)
def shortlist(request_id: int) -> str:
    expertise_request = request_for(current_user, request_id)
    candidates = candidate_queries.for_request(expertise_request)
    return render_template(
        "candidates/shortlist.html",
        expertise_request=expertise_request,
        candidates=candidates,
        histories={c.id: audit.history("candidate", c.id) for c in candidates},
        moves={c.id: candidate_service.allowed_moves(c, current_user) for c in candidates},
        form=MoveForm(),
        selections=candidate_service.selections(expertise_request),
        readiness={c.id: readiness.checklist(c) for c in candidates if c.state in WITH_CHECKLIST},
        evaluations={c.id: evaluations.of(c) for c in candidates if c.state in EVALUATED},
        evaluator_roles=list(EvaluatorRole),
        competencies=evaluations.COMPETENCIES,
    )


@bp.route("/candidates/<int:candidate_id>/move", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def move_candidate(candidate_id: int) -> Response:
    candidate = candidate_for(current_user, candidate_id)
    back = url_for("candidates.hr.shortlist", request_id=candidate.request_id)
    form = MoveForm()
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    try:
        to = CandidateState(form.to.data)
    except ValueError:
        abort(400)
    version = _number(form.version.data, int)
    if version is None:
        abort(400)
    name = candidate.expert.full_name
    if not valid:
        if set(form.errors) - {"starts_on", "ends_on"}:
            abort(400)  # a choice the selects do not offer: a forged form
        # A date typed that is not one (where the browser has no date picker): said.
        for field, messages in form.errors.items():
            for message in messages:
                flash(_not_moved(name, to, form.field_label(field), str(message)), "error")
        return redirect(back)
    try:
        candidate_service.move(
            candidate, to, current_user, expected_version=version,
            reason=form.reason.data, note=form.note.data,
            starts_on=form.starts_on.data if to is CandidateState.DEPLOYED else None,
            ends_on=form.ends_on.data if to is CandidateState.DEPLOYED else None,
            evaluation=form.evaluation() if to is CandidateState.COMPLETED else None,
        )  # fmt: skip
    except ValidationFailed as exc:
        for error in exc.errors:
            if error.field in ("reason", "note"):  # said as before: the move's own words
                flash(
                    _(
                        "%(name)s was not moved to %(state)s: %(error)s.",
                        name=name,
                        state=to.label,
                        error=error.message,
                    ),
                    "error",
                )
            else:
                flash(_not_moved(name, to, form.field_label(error.field), error.message), "error")
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash(_("%(name)s is now %(state)s.", name=name, state=to.label), "success")
    return redirect(back)


def _not_moved(name: str, to: CandidateState, field: str, error: str) -> str:
    return _(
        "%(name)s was not moved to %(state)s: %(field)s: %(error)s.",
        name=name,
        state=to.label,
        field=field,
        error=error,
    )


@bp.route("/requests/<int:request_id>/shortlist.csv")
@role_required(Role.HR_REVIEWER)
def shortlist_csv(request_id: int) -> Response:
    expertise_request = request_for(current_user, request_id)
    rows = (
        (
            c.id, c.expert.full_name, c.expert.organisation.name, c.expert.nationality,
            c.state.value, round(c.score, 4) if c.score is not None else None,
            c.dismiss_reason, c.recommended_by.email if c.recommended_by else None,
            c.selected_by.email if c.selected_by else None,
        )
        for c in candidate_queries.for_request(expertise_request)
    )  # fmt: skip
    return csv_response(f"shortlist-request-{expertise_request.id}", csv_columns(), rows)
