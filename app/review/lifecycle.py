"""HR's request page and a request's life on it, on the ``review`` blueprint: accept, publish to
member states, revise, close unfilled or cancel.

Each action goes through ``services.lifecycle`` or ``services.outreach`` with the version the
reviewer saw; a refused action says why, and the page shows the request as it now is.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.forms_common import attach_errors
from app.models import ExpertiseRequest, RequestStatus, Role
from app.permissions import request_for, role_required
from app.requests import lifecycle as pages
from app.requests.forms import CloseForm
from app.review.forms import AcceptForm, PublishForm
from app.review.views import bp
from app.services import audit, lifecycle, outreach
from app.services import candidates as candidate_service
from app.services.errors import Conflict, NotAllowed, ValidationFailed


def _page(
    expertise_request: ExpertiseRequest,
    publish_form: PublishForm | None = None,
    close_form: CloseForm | None = None,
) -> str:
    """The request page; a form posted with errors is shown with them, the others empty."""
    r = expertise_request
    accept_form = None
    if r.status is RequestStatus.SUBMITTED:
        accept_form = AcceptForm(formdata=None, version=str(r.version))
    if r.status in outreach.PUBLISHABLE and publish_form is None:
        publish_form = PublishForm(formdata=None)
    return render_template(
        "review/request.html",
        expertise_request=r,
        events=audit.history("request", r.id),
        transitions=candidate_service.transitions(r),
        revisions=pages.revisions(r),
        accept_form=accept_form,
        publish_form=publish_form,
        publications=outreach.publications(r),
        close_forms=pages.close_forms(r, close_form),
        close_labels={o.value: label for o, label in pages.CLOSE_LABELS.items()},
        can_revise=lifecycle.revise_refusal(r, current_user) is None,
    )


@bp.route("/requests/<int:request_id>")
@role_required(Role.HR_REVIEWER)
def request(request_id: int) -> str:
    return _page(request_for(current_user, request_id))


@bp.route("/requests/<int:request_id>/accept", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def accept(request_id: int) -> Response:
    expertise_request = request_for(current_user, request_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = int(form.version.data or "")
    except ValueError:
        abort(400)
    try:
        lifecycle.accept(expertise_request, current_user, expected_version=version)
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash("Accepted: the request is open for matching and for publishing.", "success")
    return redirect(url_for(".request", request_id=request_id))


@bp.route("/requests/<int:request_id>/publish", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def publish(request_id: int) -> Response | tuple[str, int]:
    expertise_request = request_for(current_user, request_id)
    form = PublishForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(expertise_request, publish_form=form), 422
    try:
        reached = outreach.publish(expertise_request, form.audience(), current_user)
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _page(expertise_request, publish_form=form), 422
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        names = ", ".join(o.name for o in reached)
        flash(
            f"Published to {len(reached)} member state(s): {names}. "
            "Their focal points are told by email.",
            "success",
        )
    return redirect(url_for(".request", request_id=request_id))


@bp.route("/requests/<int:request_id>/revise", methods=["GET", "POST"])
@role_required(Role.HR_REVIEWER)
def revise(request_id: int) -> pages.Page:
    expertise_request = request_for(current_user, request_id)
    return pages.revise(
        expertise_request, url_for(".revise", request_id=request_id), "review.request"
    )


@bp.route("/requests/<int:request_id>/close", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def close(request_id: int) -> pages.Page:
    expertise_request = request_for(current_user, request_id)
    return pages.close(expertise_request, _page, url_for(".request", request_id=request_id))
