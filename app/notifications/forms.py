"""Forms of the admin's outbox page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from app.common.forms import choices
from app.notifications import outbox


class OutboxFilterForm(FlaskForm):
    """GET filter of the outbox (no CSRF: filtering changes nothing)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=choices(((s, s) for s in outbox.STATUSES), blank="Any status"),
        default="",
    )


class RetryForm(FlaskForm):
    submit = SubmitField("Retry sending now")
