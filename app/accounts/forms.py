"""Forms of accounts: logging in and out, and the admin's organisations and users."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
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
    password = PasswordField("Initial password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Add user")


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
