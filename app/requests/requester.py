"""Mission requester pages: write, save, submit and follow the organisation's requests.

Every page asks ``common.permissions.request_for`` for the request, so another organisation's
request is "not found" whatever id is put in the URL.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask import request as http_request
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import defer
from werkzeug.wrappers import Response

from app.candidates import queries as candidate_queries
from app.common import audit, documents
from app.common.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from app.common.forms import filter_values
from app.common.permissions import request_for, role_required
from app.common.uploads import UploadRefused
from app.extensions import db
from app.intake import terms_of_reference
from app.models import ExpertiseRequest, Role
from app.requests import drafting as request_service
from app.requests import history, lifecycle, search
from app.requests import lifecycle_pages as pages
from app.requests.forms import (
    TERMS_MAX,
    CloseForm,
    RequestForm,
    RequestListFilters,
    SubmitRequestForm,
    TermsOfReferenceForm,
    evidence_of,
)

bp = Blueprint("requester", __name__, url_prefix="/requests")
# The audit trail's labels, for the history tables of every feature's pages.
history.register(bp)


Page = str | Response | tuple[str, int]


@bp.route("/")
@role_required(Role.REQUESTER)
def index() -> str:
    filters = RequestListFilters(formdata=http_request.args)
    values = filter_values(filters)
    query = search.requests(
        search.RequestFilters(
            organisation_id=current_user.organisation_id,
            status=str(values.get("status") or ""),
            area=str(values.get("area") or ""),
        )
    ).options(defer(ExpertiseRequest.terms_of_reference, raiseload=True))  # not in the list
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"])
    return render_template("requests/index.html", filters=filters, page=page)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.REQUESTER)
def new() -> Page:
    form = RequestForm()
    action = url_for("requests.requester.new")
    if not form.is_submitted():
        return _form_page(form, None, action)
    data = form.to_data()
    if not form.validate():
        form.show_errors(request_service.validate(data))
        return _form_page(form, None, action), 422
    try:
        draft = request_service.save_draft(data, current_user.organisation, current_user)
    except ValidationFailed as exc:
        form.show_errors(exc.errors)
        return _form_page(form, None, action), 422
    if form.save_and_submit.data:
        return _submit_saved_draft(form, draft)
    flash(_("Draft saved. It stays with your organisation until you submit it."), "success")
    return redirect(url_for("requests.requester.show", request_id=draft.id))


@bp.route("/new/read", methods=["POST"])
@role_required(Role.REQUESTER)
def read_terms() -> Page:
    """The new-request form filled from terms of reference (pasted, or read from a PDF or .docx
    file, which is not kept), each value beside the sentence it came from; nothing is saved
    until the requester saves the form."""
    terms = TermsOfReferenceForm()
    form = RequestForm(formdata=None)
    action = url_for("requests.requester.new")
    if not terms.validate_on_submit():
        return _form_page(form, None, action, terms), 422
    document = terms.document.data or ""
    if terms.file.data:
        try:
            found = documents.read(terms.file.data.stream, TERMS_MAX)
        except UploadRefused as exc:
            terms.file.errors = [_("%(problem)s Nothing was read.", problem=exc)]
            return _form_page(form, None, action, terms), 422
        document = found.text
        if found.truncated:
            flash(
                _(
                    "The document is longer than terms of reference may be (%(max)s characters): "
                    "only its beginning was read.",
                    max=format_number(TERMS_MAX),
                ),
                "warning",
            )
    proposal = terms_of_reference.read(document)
    form.fill_proposal(proposal, document)
    flash(
        _(
            "civcap filled the fields it found in the terms of reference. Check each one "
            "against its sentence, shown under it, and correct what is wrong: nothing is saved "
            "until you save the draft."
        ),
        "info",
    )
    return _form_page(form, None, action, terms, evidence_of(proposal))


@bp.route("/<int:request_id>")
@role_required(Role.REQUESTER)
def show(request_id: int) -> str:
    return _page(request_for(current_user, request_id))


def _page(expertise_request: ExpertiseRequest, close_form: CloseForm | None = None) -> str:
    """The request page: its status, who was selected, how far the others got, its revisions."""
    r = expertise_request
    return render_template(
        "requests/show.html",
        expertise_request=r,
        events=audit.history("request", r.id),
        submit_form=SubmitRequestForm(formdata=None),
        revisions=pages.revisions(r),
        selected=candidate_queries.selected(r),
        progress=candidate_queries.progress(r),
        close_forms=pages.close_forms(r, close_form),
        close_labels={o.value: label for o, label in pages.CLOSE_LABELS.items()},
        can_revise=lifecycle.revise_refusal(r, current_user) is None,
    )


@bp.route("/<int:request_id>/revise", methods=["GET", "POST"])
@role_required(Role.REQUESTER)
def revise(request_id: int) -> Page:
    """A new revision of a submitted, open or in-selection request (a draft is edited)."""
    expertise_request = request_for(current_user, request_id, edit=True)
    return pages.revise(
        expertise_request,
        url_for("requests.requester.revise", request_id=request_id),
        "requests.requester.show",
    )


@bp.route("/<int:request_id>/close", methods=["POST"])
@role_required(Role.REQUESTER)
def close(request_id: int) -> Page:
    """Cancel the request, with a reason (closing unfilled is HR's: the service refuses it)."""
    expertise_request = request_for(current_user, request_id, edit=True)
    return pages.close(
        expertise_request, _page, url_for("requests.requester.show", request_id=request_id)
    )


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@role_required(Role.REQUESTER)
def edit(request_id: int) -> Page:
    expertise_request = request_for(current_user, request_id, edit=True)
    try:
        request_service.ensure_editable(expertise_request)
    except NotAllowed as exc:
        flash(str(exc), "error")
        return redirect(url_for("requests.requester.show", request_id=request_id))
    form = RequestForm()
    action = url_for("requests.requester.edit", request_id=request_id)
    if not form.is_submitted():
        form.fill(expertise_request)
        return _form_page(form, expertise_request, action)
    data = form.to_data()
    if not form.validate():
        form.show_errors(request_service.validate(data))
        return _form_page(form, expertise_request, action), 422
    try:
        request_service.update_draft(
            expertise_request, data, current_user, expected_version=form.expected_version()
        )
    except ValidationFailed as exc:
        form.show_errors(exc.errors)
        return _form_page(form, expertise_request, action), 422
    except Conflict as exc:
        flash(str(exc), "error")
        current = request_for(current_user, request_id, edit=True)
        form = RequestForm(formdata=None)
        form.fill(current)
        return _form_page(form, current, action), 409
    except NotAllowed as exc:
        flash(str(exc), "error")
        return redirect(url_for("requests.requester.show", request_id=request_id))
    if form.save_and_submit.data:
        return _submit_saved_draft(form, expertise_request)
    flash(_("Draft saved."), "success")
    return redirect(url_for("requests.requester.show", request_id=request_id))


@bp.route("/<int:request_id>/submit", methods=["POST"])
@role_required(Role.REQUESTER)
def submit(request_id: int) -> Response:
    expertise_request = request_for(current_user, request_id, edit=True)
    if not SubmitRequestForm().validate_on_submit():
        abort(400)
    try:
        request_service.submit(expertise_request, current_user)
    except ValidationFailed as exc:
        flash(_("Not submitted. %(problems)s", problems=_sentence(exc.errors)), "error")
        return redirect(url_for("requests.requester.edit", request_id=request_id))
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash(_("Submitted to HR. You can follow its status here."), "success")
    return redirect(url_for("requests.requester.show", request_id=request_id))


def _submit_saved_draft(form: RequestForm, draft: ExpertiseRequest) -> Page:
    """Submit a draft just saved; if refused, the draft stays and the form says why."""
    try:
        request_service.submit(draft, current_user)
    except ValidationFailed as exc:
        form.show_errors(exc.errors)
        form.version.data = str(draft.version)
        flash(
            _(
                "Your draft was saved, but it was not submitted. %(problems)s "
                "Correct it below and choose “Save and submit” again.",
                problems=_sentence(exc.errors),
            ),
            "warning",
        )
        return _form_page(form, draft, url_for("requests.requester.edit", request_id=draft.id)), 422
    except (NotAllowed, Conflict) as exc:
        flash(
            _("Your draft was saved, but it was not submitted: %(reason)s", reason=str(exc)),
            "warning",
        )
        return redirect(url_for("requests.requester.show", request_id=draft.id))
    flash(_("Saved and submitted to HR. You can follow its status here."), "success")
    return redirect(url_for("requests.requester.show", request_id=draft.id))


def _form_page(
    form: RequestForm,
    expertise_request: ExpertiseRequest | None,
    action: str,
    terms: TermsOfReferenceForm | None = None,
    evidence: dict[str, list[str]] | None = None,
) -> str:
    """The request form; a new request's also offers to read pasted terms of reference."""
    if expertise_request is None and terms is None:
        terms = TermsOfReferenceForm(formdata=None)
    return render_template(
        "requests/form.html",
        form=form,
        expertise_request=expertise_request,
        action=action,
        terms=terms,
        evidence=evidence or {},
    )


def _sentence(errors: list[FieldError]) -> str:
    """The errors as sentences: "Start date: is in the past; …." (one per field)."""
    return " ".join(
        _("%(field)s: %(problem)s.", field=history.field_label(e.field), problem=e.message)
        for e in errors
    )
