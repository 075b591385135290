"""Outreach pages of a member-state focal point: the requests published to them, nominations
(``outreach.nominations``) and release consultations (``outreach.consultations``).

A focal point sees a request only once HR has published it to their member state
(``common.permissions.request_for``), nominates only their own experts
(``common.permissions.expert_for``: another member state's expert is "not found"), and answers
release consultations only for their own experts, with the candidate version they saw, so a
stale answer is refused as a conflict instead of overwriting a newer one.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.candidates import workflow as candidate_service
from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.common.forms import attach_errors, choices
from app.common.permissions import (
    can_view_request,
    candidate_for,
    expert_for,
    request_for,
    role_required,
)
from app.extensions import db
from app.models import CandidateState, ExpertiseRequest, Role
from app.outreach import consultations as release_consultations
from app.outreach import nominations, publication
from app.outreach.forms import AnswerForm, NominationForm

bp = Blueprint("focal_point", __name__, url_prefix="/outreach")


@bp.route("/requests")
@role_required(Role.FOCAL_POINT)
def requests() -> str:
    page = db.paginate(
        publication.requests_published_to(current_user.organisation_id),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("outreach/requests.html", page=page)


@bp.route("/requests/<int:request_id>")
@role_required(Role.FOCAL_POINT)
def request(request_id: int) -> str:
    return _request_page(request_for(current_user, request_id), NominationForm())


@bp.route("/requests/<int:request_id>/nominations", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def nominate(request_id: int) -> Response | tuple[str, int]:
    expertise_request = request_for(current_user, request_id)
    form = NominationForm()
    if not form.validate_on_submit():
        return _request_page(expertise_request, form), 422
    chosen = dict.fromkeys(form.experts.data or [])  # once each, in the order sent
    experts = [expert_for(current_user, expert_id) for expert_id in chosen]
    try:
        added = nominations.nominate(expertise_request, experts, current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        attach_errors(form, exc.errors)
        return _request_page(expertise_request, form), 422
    except (NotAllowed, Conflict) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(
            ngettext("%(num)d expert nominated.", "%(num)d experts nominated.", len(added)),
            "success",
        )
    return redirect(url_for("outreach.focal_point.request", request_id=expertise_request.id))


def _request_page(expertise_request: ExpertiseRequest, form: NominationForm) -> str:
    organisation_id = current_user.organisation_id
    # A request can be seen without being published here (HR consulted on an expert it found);
    # only a publication opens it for nominations.
    published = publication.is_published_to(expertise_request, organisation_id)
    open_for_nominations = published and expertise_request.status in publication.PUBLISHABLE
    experts = (
        nominations.nominable_experts(expertise_request, organisation_id)
        if open_for_nominations
        else []
    )
    form.experts.choices = choices((e.id, e.full_name) for e in experts)
    previous = expertise_request.replaces
    replaces_url = (
        url_for("outreach.focal_point.request", request_id=previous.id)
        if previous is not None and can_view_request(current_user, previous)
        else None
    )
    return render_template(
        "outreach/request.html",
        expertise_request=expertise_request,
        replaces_url=replaces_url,
        nominations=nominations.nominations(expertise_request, organisation_id),
        open_for_nominations=open_for_nominations,
        published=published,
        experts={e.id: e for e in experts},
        form=form,
    )


@bp.route("/consultations")
@role_required(Role.FOCAL_POINT)
def consultations() -> str:
    organisation_id = current_user.organisation_id
    waiting = release_consultations.consultations(organisation_id, waiting=True)
    answered = release_consultations.consultations(organisation_id, waiting=False)
    requests = {c.request for c in waiting + answered}
    return render_template(
        "outreach/consultations.html",
        waiting=waiting,
        answered=answered,
        answerable={
            c.id for c in waiting
            if CandidateState.RELEASED in candidate_service.allowed_moves(c, current_user)
        },
        # every request here has one of this member state's experts on it, so it can be seen
        published={r.id for r in requests if can_view_request(current_user, r)},
        form=AnswerForm(),
    )  # fmt: skip


@bp.route("/candidates/<int:candidate_id>/answer", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def answer(candidate_id: int) -> Response:
    candidate = candidate_for(current_user, candidate_id)
    name = candidate.expert.full_name
    back = redirect(url_for("outreach.focal_point.consultations"))
    form = AnswerForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(not_recorded(name, error), "error")
        return back
    try:
        version = int(form.version.data or "")
    except ValueError:
        abort(400)
    try:
        release_consultations.answer(
            candidate, form.answer.data == "released", current_user,
            reason=form.reason.data,
            note=form.note.data,
            expected_version=version,
        )  # fmt: skip
    except ValidationFailed as exc:
        for error in exc.errors:
            flash(not_recorded(name, error.message), "error")
    except (Conflict, NotAllowed) as exc:
        flash(str(exc), "error")
    else:
        flash(
            _("Answer recorded: %(name)s %(state)s.", name=name, state=candidate.state.label),
            "success",
        )
    return back


def not_recorded(name: str, error: str) -> str:
    """Why an answer was refused, in words (the message says which part of the answer)."""
    return _("Your answer for %(name)s was not recorded: %(error)s.", name=name, error=error)
