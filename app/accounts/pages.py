"""Pages that two roles of views share: setting up the authenticator app (before a first login,
or later from one's account) and showing the recovery codes once."""

from __future__ import annotations

from flask import render_template

from app.accounts import authentication, second_factor
from app.accounts.forms import EnrolForm
from app.models import User


def enrolment(user: User, action: str) -> tuple[str | None, list[str] | None]:
    """The enrolment step for ``user``: the page with the QR code and the form, or, once a right
    code from the app turned the factor on, the recovery codes (the caller logs in if it must,
    then shows them with ``recovery_codes``)."""
    if user.totp_secret is None:
        second_factor.begin_enrolment(user)
    form = EnrolForm()
    if form.validate_on_submit():
        codes = second_factor.confirm_enrolment(user, form.code.data or "")
        if codes is not None:
            return None, codes
        form.code.errors.append(str(authentication.WRONG_CODE))
    page = render_template(
        "accounts/enrol.html",
        form=form,
        qr=second_factor.qr_svg(user),
        secret=user.totp_secret,
        required=second_factor.required_for(user),
        action=action,
    )
    return page, None


def recovery_codes(codes: list[str], next_url: str | None, first: bool) -> str:
    return render_template("accounts/recovery_codes.html", codes=codes, next=next_url, first=first)
