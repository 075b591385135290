"""Forms of the admin's outbox page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField

from app.common.forms import SelectField, choices
from app.notifications import outbox


class OutboxFilterForm(FlaskForm):
    """GET filter of the outbox (no CSRF: filtering changes nothing)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=choices(outbox.STATUS_LABELS.items(), blank=_l("Any status")),
        default="",
    )


class RetryForm(FlaskForm):
    submit = SubmitField(_l("Retry sending now"))
