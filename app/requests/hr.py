"""HR's request pages: every organisation's submitted requests, and a request's own page with its
life on it: accept, publish to member states, revise, close unfilled or cancel.

HR never sees a mission's drafts: ``common.permissions.request_for`` reports them as not found
and the list leaves them out. Each action goes through ``requests.lifecycle`` or
``outreach.publication`` with the version the reviewer saw; a refused action says why, and the
page shows the request as it now is.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask import request as http_request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import defer, joinedload, lazyload
from werkzeug.wrappers import Response

from app.candidates import queries as candidate_queries
from app.common import audit
from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.common.forms import attach_errors, filter_text, filter_values
from app.common.permissions import request_for, role_required
from app.extensions import db
from app.models import ExpertiseRequest, RequestStatus, Role
from app.outreach import publication
from app.outreach.forms import PublishForm
from app.requests import lifecycle, search
from app.requests import lifecycle_pages as pages
from app.requests.forms import AcceptForm, CloseForm, RequestFilterForm

bp = Blueprint("hr", __name__, url_prefix="/review")


@bp.route("/requests")
@role_required(Role.HR_REVIEWER)
def index() -> str:
    form = RequestFilterForm(formdata=http_request.args)
    values = filter_values(form)
    filters = search.RequestFilters(
        text=filter_text(values, "text"),
        area=filter_text(values, "area"),
        language=filter_text(values, "language"),
        status=filter_text(values, "status"),
        exclude_drafts=True,
    )
    # The list shows each request's organisation and languages, not its skills nor its terms
    # of reference (pages of text each, in real requests).
    query = search.requests(filters).options(
        joinedload(ExpertiseRequest.organisation),
        lazyload(ExpertiseRequest.preferred_languages),
        lazyload(ExpertiseRequest.skills),
        defer(ExpertiseRequest.terms_of_reference, raiseload=True),
    )
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"])
    return render_template("requests/hr_index.html", filters=form, page=page)


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
    if r.status in publication.PUBLISHABLE and publish_form is None:
        publish_form = PublishForm(formdata=None)
    return render_template(
        "requests/hr_request.html",
        expertise_request=r,
        events=audit.history("request", r.id),
        transitions=candidate_queries.transitions(r),
        revisions=pages.revisions(r),
        accept_form=accept_form,
        publish_form=publish_form,
        publications=publication.publications(r),
        close_forms=pages.close_forms(r, close_form),
        close_labels={o.value: label for o, label in pages.CLOSE_LABELS.items()},
        can_revise=lifecycle.revise_refusal(r, current_user) is None,
    )


@bp.route("/requests/<int:request_id>")
@role_required(Role.HR_REVIEWER)
def show(request_id: int) -> str:
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
        flash(_("Accepted: the request is open for matching and for publishing."), "success")
    return redirect(url_for("requests.hr.show", request_id=request_id))


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
        reached = publication.publish(expertise_request, form.audience(), current_user)
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _page(expertise_request, publish_form=form), 422
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash(
            ngettext(
                "Published to %(num)d member state: %(names)s. Its focal points are told by email.",
                "Published to %(num)d member states: %(names)s. "
                "Their focal points are told by email.",
                len(reached),
                names=", ".join(o.name for o in reached),
            ),
            "success",
        )
    return redirect(url_for("requests.hr.show", request_id=request_id))


@bp.route("/requests/<int:request_id>/revise", methods=["GET", "POST"])
@role_required(Role.HR_REVIEWER)
def revise(request_id: int) -> pages.Page:
    expertise_request = request_for(current_user, request_id)
    return pages.revise(
        expertise_request, url_for("requests.hr.revise", request_id=request_id), "requests.hr.show"
    )


@bp.route("/requests/<int:request_id>/close", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def close(request_id: int) -> pages.Page:
    expertise_request = request_for(current_user, request_id)
    return pages.close(expertise_request, _page, url_for("requests.hr.show", request_id=request_id))
