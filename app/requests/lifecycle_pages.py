"""A request's life after submission, as both its requester and HR see it: the revision chain,
revising (a new revision, the old one kept) and closing with a reason.

The requester's and the HR reviewer's pages call the same helpers here, each with its own page
to show; the rules (who may do what, when) are ``requests.lifecycle``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.common.forms import attach_errors
from app.models import ExpertiseRequest, RequestStatus
from app.requests import drafting as request_service
from app.requests import lifecycle
from app.requests.forms import CloseForm, RequestForm

Page = str | Response | tuple[str, int]
# Shows a request's page again, with a form that was posted (and its errors) in place.
PageFunction = Callable[..., str]

CLOSE_LABELS = {
    RequestStatus.CLOSED_UNFILLED: _l("Close unfilled"),
    RequestStatus.CANCELLED: _l("Cancel request"),
}


@dataclass
class Revisions:
    """A request's revision chain, oldest first, and where the request shown stands in it."""

    chain: list[ExpertiseRequest]
    shown: ExpertiseRequest

    @property
    def number(self) -> int:
        return self.chain.index(self.shown) + 1

    @property
    def current(self) -> ExpertiseRequest:
        return self.chain[-1]

    @property
    def replaced_by(self) -> ExpertiseRequest | None:
        """The revision that replaced the request shown (revision ``number + 1``)."""
        return self.chain[self.number] if self.number < len(self.chain) else None


def revisions(expertise_request: ExpertiseRequest) -> Revisions:
    return Revisions(lifecycle.revisions(expertise_request), expertise_request)


def close_forms(
    expertise_request: ExpertiseRequest, posted: CloseForm | None = None
) -> dict[str, CloseForm]:
    """One close form per outcome the user may choose now; a posted one keeps its errors."""
    forms = {}
    for outcome in lifecycle.allowed_closings(expertise_request, current_user):
        if posted is not None and posted.outcome.data == outcome.value:
            forms[outcome.value] = posted
        else:
            forms[outcome.value] = CloseForm(
                formdata=None, outcome=outcome.value, version=str(expertise_request.version)
            )
    return forms


def close(expertise_request: ExpertiseRequest, page: PageFunction, back: str) -> Page:
    """Close ``expertise_request`` as the posted form says; a missing reason shows ``page``
    again with the message on the reason field."""
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        outcome = RequestStatus(form.outcome.data)
    except ValueError:
        abort(400)
    version = form.expected_version()
    if version is None:
        abort(400)
    try:
        lifecycle.close(
            expertise_request,
            outcome,
            current_user,
            form.reason.data or "",
            expected_version=version,
        )
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        flash(_("The request was not %(outcome)s: say why.", outcome=outcome.label), "error")
        return page(expertise_request, close_form=form), 422
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash(
            _("The request is now %(outcome)s. The reason is kept with it.", outcome=outcome.label),
            "success",
        )
    return redirect(back)


def revise(expertise_request: ExpertiseRequest, action: str, page_endpoint: str) -> Page:
    """The revise page: the request form, prefilled; saving makes a new revision and shows it
    on ``page_endpoint``. Nothing is saved while a field is wrong."""
    back = url_for(page_endpoint, request_id=expertise_request.id)
    refusal = lifecycle.revise_refusal(expertise_request, current_user)
    if refusal:
        flash(refusal, "error")
        return redirect(back)
    form = RequestForm()
    if not form.is_submitted():
        form.fill(expertise_request)
        return _revise_page(form, expertise_request, action, back)
    version = form.expected_version()
    if version is None:
        abort(400)
    data = form.to_data()
    if not form.validate():
        form.show_errors(request_service.validate(data))
        return _revise_page(form, expertise_request, action, back), 422
    try:
        revision = lifecycle.revise(expertise_request, data, current_user, expected_version=version)
    except ValidationFailed as exc:
        form.show_errors(exc.errors)
        return _revise_page(form, expertise_request, action, back), 422
    except Conflict as exc:
        flash(str(exc), "error")
        if lifecycle.revise_refusal(expertise_request, current_user):
            return redirect(back)  # e.g. someone else revised it: its page says by which one
        form = RequestForm(formdata=None)
        form.fill(expertise_request)
        return _revise_page(form, expertise_request, action, back), 409
    except NotAllowed as exc:
        flash(str(exc), "error")
        return redirect(back)
    flash(
        _(
            "Saved as revision %(number)s. The earlier revision is kept, with its shortlist, "
            "marked as replaced; the suggestions were run again for this one.",
            number=revisions(revision).number,
        ),
        "success",
    )
    return redirect(url_for(page_endpoint, request_id=revision.id))


def _revise_page(
    form: RequestForm, expertise_request: ExpertiseRequest, action: str, back: str
) -> str:
    return render_template(
        "requests/revise.html",
        form=form,
        expertise_request=expertise_request,
        action=action,
        back=back,
    )
