"""Forms of accounts: logging in and out, and the admin's organisations and users."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from app.common import security_log
from app.common.forms import choices
from app.common.reference import country_choices
from app.models import OrganisationKind, Role


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in on this computer")
    submit = SubmitField("Log in")


class LogoutForm(FlaskForm):
    submit = SubmitField("Log out")


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
    submit = SubmitField("Add user and email the invitation")


class ToggleActiveForm(FlaskForm):
    submit = SubmitField("Change")


class LiftLockForm(FlaskForm):
    submit = SubmitField("Allow logins again")


class EndSessionForm(FlaskForm):
    submit = SubmitField("End")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired(),
            EqualTo("new_password", message="Type the same new password twice."),
        ],
    )
    submit = SubmitField("Change password")


def _new_password_fields(label: str) -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(label, validators=[DataRequired(), Length(max=PASSWORD_MAX)]),
        PasswordField(
            f"{label} again",
            validators=[
                DataRequired(),
                EqualTo("password", message="Type the same password twice."),
            ],
        ),
    )


class SetPasswordForm(FlaskForm):
    """Through an invitation or a reset link."""

    password, confirm = _new_password_fields("New password")
    submit = SubmitField("Set my password")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Email me a link")


CODE_HELP = "The 6 digits your authenticator app shows now, or one of your recovery codes."


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=40)])
    submit = SubmitField("Log in")


class EnrolForm(FlaskForm):
    code = StringField("Code from the app", validators=[DataRequired(), Length(max=10)])
    submit = SubmitField("Turn on the second factor")


class ConfirmIdentityForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    code = StringField("Code", validators=[Length(max=40)])
    submit = SubmitField("Confirm")


class RenewCodesForm(FlaskForm):
    submit = SubmitField("Make new recovery codes")


class SecondFactorOffForm(FlaskForm):
    submit = SubmitField("Turn off the second factor")


class ResetSecondFactorForm(FlaskForm):
    reason = TextAreaField("Why (for the record)", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Reset the second factor")


class ResendInvitationForm(FlaskForm):
    submit = SubmitField("Email a new invitation")


class SecurityLogFilterForm(FlaskForm):
    """GET filter of the security log (no CSRF: filtering changes nothing)."""

    class Meta:
        csrf = False

    kind = SelectField("What", choices=[], default="")
    who = StringField("Account or email", validators=[Length(max=254)])
    address = StringField("Address", validators=[Length(max=64)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
    submit = SubmitField("Filter")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(security_log.KINDS.items(), blank="Anything")
