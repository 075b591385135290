from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from app.forms_common import choices
from app.models import OrganisationKind, Role
from app.reference import country_choices
from app.services import mail


class OrganisationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=choices((k.value, k.label) for k in OrganisationKind))
    country = SelectField("Country", choices=choices(country_choices(), blank="—"), default="")
    submit = SubmitField("Add organisation")


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=choices((r.value, r.label) for r in Role))
    organisation = SelectField("Organisation", coerce=int, choices=[])
    password = PasswordField("Initial password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Add user")


class ToggleActiveForm(FlaskForm):
    submit = SubmitField("Change")


class OutboxFilterForm(FlaskForm):
    """GET filter of the outbox (no CSRF: filtering changes nothing)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=choices(((s, s) for s in mail.STATUSES), blank="Any status"),
        default="",
    )


class RetryForm(FlaskForm):
    submit = SubmitField("Retry sending now")
