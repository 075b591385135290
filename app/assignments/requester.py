"""The mission requester's evaluation of an assignment: a page of theirs, for a deployed or
completed candidate of their organisation's request (from the request's page); it is shown
to its author only, and a colleague's cannot be replaced. Another
organisation's candidate, or one not yet deployed, is "not found" whatever id is put in the URL.
The rule and the record are ``evaluation.by_requester``'s.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SubmitField, TextAreaField

from app.assignments import evaluation
from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.common.forms import SelectField, attach_errors, choices
from app.common.permissions import refuse, role_required
from app.extensions import db
from app.models import Candidate, Evaluation, EvaluatorRole, Role

bp = Blueprint("requester", __name__, url_prefix="/assignments")


class EvaluationForm(FlaskForm):
    """A rating per competency (fields named by the competencies' codes) and a comment."""

    comment = TextAreaField(_l("Comment"))
    save = SubmitField(_l("Save the evaluation"))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        scale = choices(((str(n), label) for n, label in evaluation.scale_labels().items()), "—")
        for competency in evaluation.COMPETENCIES:
            self[competency.code].choices = scale

    def rating_fields(self) -> list[SelectField]:
        return [self[c.code] for c in evaluation.COMPETENCIES]

    def said(self) -> evaluation.Said:
        ratings = {
            c.code: int(self[c.code].data) if str(self[c.code].data).isdigit() else None
            for c in evaluation.COMPETENCIES
        }
        return evaluation.Said(ratings, self.comment.data)


for _competency in evaluation.COMPETENCIES:
    setattr(
        EvaluationForm,
        _competency.code,
        SelectField(_competency.label, choices=[], default=""),
    )


def _evaluable(candidate_id: int) -> Candidate:
    """The candidate, if the requester may evaluate them now; otherwise 404."""
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        abort(404)
    if not evaluation.may_evaluate(current_user, candidate) or (
        candidate.state not in evaluation.EVALUABLE
    ):
        refuse(current_user, "candidate", candidate_id)
    return candidate


@bp.route("/<int:candidate_id>/evaluation", methods=["GET", "POST"])
@role_required(Role.REQUESTER)
def evaluate(candidate_id: int) -> str | Response | tuple[str, int]:
    candidate = _evaluable(candidate_id)
    found = evaluation.of(candidate).get(EvaluatorRole.REQUESTER)
    # Evaluations are read by HR and their author only: a colleague's is not shown.
    mine = found if found is not None and found.author_id == current_user.id else None
    form = EvaluationForm(
        data={"comment": mine.comment, **{k: str(v) for k, v in mine.ratings.items()}}
        if mine is not None
        else None
    )
    if not form.is_submitted():
        return _page(candidate, form, found)
    if not form.validate():
        return _page(candidate, form, found), 422
    try:
        evaluation.by_requester(candidate, current_user, form.said())
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _page(candidate, form, found), 422
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
        return _page(candidate, form, found), 409
    flash(_("Your evaluation of %(name)s is saved.", name=candidate.expert.full_name), "success")
    return redirect(url_for("requests.requester.show", request_id=candidate.request_id))


def _page(candidate: Candidate, form: EvaluationForm, found: Evaluation | None) -> str:
    by_colleague = found is not None and found.author_id != current_user.id
    return render_template(
        "assignments/evaluate.html",
        candidate=candidate,
        form=form,
        colleague=found.author if by_colleague and found is not None else None,
        by_colleague=by_colleague,
    )
