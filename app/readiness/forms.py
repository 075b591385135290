"""The form that records one readiness item, on every page that records one (HR's shortlist,
the focal point's page, the expert's link): its dates, a note, an optional document, the
version seen; and ``save``, which sends it to ``readiness.items.record`` and says the outcome."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, TextAreaField
from wtforms.validators import Optional

from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.models import Candidate, Expert, ReadinessStatus, User
from app.readiness import documents, items
from app.readiness.checklist import Kind


class ItemForm(FlaskForm):
    done_on = DateField(_l("Done on"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    note = TextAreaField(_l("Note"))
    document = FileField(_l("Document (PDF, Word .docx, PNG or JPEG)"))
    version = HiddenField()


class HrItemForm(ItemForm):
    status = HiddenField()


def _field_label(form: ItemForm, name: str) -> str:
    field = getattr(form, name, None)
    return str(field.label.text) if field is not None else name


def _not_recorded(item: str, field: str, error: str) -> str:
    return _(
        "%(item)s was not recorded: %(field)s: %(error)s.",
        item=item, field=field, error=error.rstrip("."),
    )  # fmt: skip


def save(
    form: ItemForm,
    candidate: Candidate,
    kind: Kind,
    actor: User | Expert,
    status: ReadinessStatus | None = None,
) -> bool:
    """Record the item as the form says (done, unless HR's form says otherwise) and flash the
    outcome; whether it was recorded. A form without its CSRF token or version is a 400."""
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    try:
        version = int(form.version.data or "")
    except ValueError:
        abort(400)
    label = str(kind.label)
    if not valid:
        for name, errors in form.errors.items():
            for error in errors:
                flash(_not_recorded(label, _field_label(form, name), str(error)), "error")
        return False
    status = status or ReadinessStatus.DONE
    upload = form.document.data
    document = documents.Upload(upload.stream, upload.filename) if upload else None
    try:
        items.record(
            candidate, kind.code, actor, status, done_on=form.done_on.data,
            valid_until=form.valid_until.data, note=form.note.data, expected_version=version,
            document=document,
        )  # fmt: skip
    except ValidationFailed as exc:
        for error in exc.errors:
            flash(_not_recorded(label, _field_label(form, error.field), error.message), "error")
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash(_("%(item)s recorded: %(status)s.", item=label, status=status.label), "success")
        return True
    return False
