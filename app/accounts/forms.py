"""Forms of accounts: logging in and out, and the admin's organisations and users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from app.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from app.common import i18n, security_log
from app.common.forms import SelectField, choices
from app.common.reference import country_choices
from app.models import OrganisationKind, Role


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this computer"))
    submit = SubmitField(_l("Log in"))


class LanguageForm(FlaskForm):
    """The switcher on every page: the languages named in themselves."""

    language = SelectField(
        _l("Language"), choices=choices(i18n.LANGUAGES.items()), default=i18n.DEFAULT
    )
    next = HiddenField()
    submit = SubmitField(_l("Change"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[])
    country = SelectField(_l("Country"), choices=[], default="")
    submit = SubmitField(_l("Add organisation"))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((k.value, k.label) for k in OrganisationKind)
        self.country.choices = choices(country_choices(), blank="—")


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[])
    organisation = SelectField(_l("Organisation"), coerce=int, choices=[])
    submit = SubmitField(_l("Add user and email the invitation"))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.role.choices = choices((r.value, r.label) for r in Role)


class ToggleActiveForm(FlaskForm):
    submit = SubmitField(_l("Change"))


class LiftLockForm(FlaskForm):
    submit = SubmitField(_l("Allow logins again"))


class EndSessionForm(FlaskForm):
    submit = SubmitField(_l("End"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("Type the same new password twice.")),
        ],
    )
    submit = SubmitField(_l("Change password"))


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(_l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]),
        PasswordField(
            _l("New password again"),
            validators=[
                DataRequired(),
                EqualTo("password", message=_l("Type the same password twice.")),
            ],
        ),
    )


class SetPasswordForm(FlaskForm):
    """Through an invitation or a reset link."""

    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Set my password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Email me a link"))


CODE_HELP = _l("The 6 digits your authenticator app shows now, or one of your recovery codes.")


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Log in"))


class EnrolForm(FlaskForm):
    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=10)])
    submit = SubmitField(_l("Turn on the second factor"))


class ConfirmIdentityForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    code = StringField(_l("Code"), validators=[Length(max=40)])
    submit = SubmitField(_l("Confirm"))


class RenewCodesForm(FlaskForm):
    submit = SubmitField(_l("Make new recovery codes"))


class SecondFactorOffForm(FlaskForm):
    submit = SubmitField(_l("Turn off the second factor"))


class ResetSecondFactorForm(FlaskForm):
    reason = TextAreaField(_l("Why (for the record)"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Reset the second factor"))


class ResendInvitationForm(FlaskForm):
    submit = SubmitField(_l("Email a new invitation"))


class SecurityLogFilterForm(FlaskForm):
    """GET filter of the security log (no CSRF: filtering changes nothing)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("What"), choices=[], default="")
    who = StringField(_l("Account or email"), validators=[Length(max=254)])
    address = StringField(_l("Address"), validators=[Length(max=64)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(security_log.KINDS.items(), blank=_l("Anything"))


class TokenForm(FlaskForm):
    """A new personal access token: what it is for, what it may do, how long it lasts."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("is required: say what the token is for"))],
        description=_l("What the token is for, e.g. “Ghana national roster sync”."),
    )
    scope = RadioField(
        _l("It may"),
        choices=choices(
            [
                ("read", _l("read only")),
                ("write", _l("read and write (create, update, withdraw, move)")),
            ]
        ),
        default="read",
    )
    days = IntegerField(
        _l("Days until it expires"),
        default=90,
        validators=[InputRequired(_l("is required"))],
        description=_l("From 1 to 365 days."),
    )
    submit = SubmitField(_l("Make the token"))


class RevokeTokenForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))
