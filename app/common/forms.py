"""Form pieces shared by the roster and request pages."""

from __future__ import annotations

import re
from collections.abc import Iterable

import wtforms
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, Form, SelectChoice
from wtforms.fields.choices import Choice
from wtforms.widgets import CheckboxInput, ListWidget

from app.common.errors import FieldError
from app.common.reference import CEFR_LEVELS, language_choices
from app.common.vocabulary import core_areas

_INDEXED = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+))?$")


def choices(pairs: Iterable[tuple[object, str]], blank: str | None = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs; WTForms 3.3 deprecates bare tuples.

    ``blank`` adds a first empty option with that label (e.g. "—" or "Any area").
    """
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


class Select(wtforms.widgets.Select):
    """WTForms' select, with each plain option written in one step: the same HTML, three times
    faster (a list of a hundred member states or languages took milliseconds of each page)."""

    @classmethod
    def render_option(cls, choice: Choice, **kwargs: object) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704 (escaped)

    @classmethod
    def _dispatch_render_option(cls):  # type: ignore[no-untyped-def]
        # WTForms reads render_option's signature on every select it writes (inspect.signature,
        # a tenth of a page's form); this one's is WTForms' own: (choice, **kwargs).
        return cls.render_option


class SelectField(wtforms.SelectField):
    """A select of civcap's forms (``Select``); use it instead of WTForms' own."""

    widget = Select()


class SelectMultipleField(wtforms.SelectMultipleField):
    """A multiple select of civcap's forms (``Select``); use it instead of WTForms' own."""

    widget = Select(multiple=True)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False, html_tag="ul")
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("render_kw", {"class": "choices"})
        super().__init__(*args, **kwargs)


class LanguageLevelForm(Form):
    """One row of a language picker: a language and a CEFR level. An empty row is ignored."""

    # Choices given as functions are built for each form, in the reader's language.
    code = SelectField(
        _l("Language"), choices=lambda: choices(language_choices(), blank="—"), default=""
    )
    level = SelectField(
        _l("Level"),
        choices=lambda: choices(((lv, lv) for lv in CEFR_LEVELS), blank="—"),
        default="",
    )

    def validate(self, extra_validators=None):  # type: ignore[no-untyped-def]
        ok = super().validate(extra_validators)
        if self.code.data and not self.level.data:
            self.level.errors = [*self.level.errors, _("Choose the CEFR level for this language.")]
            return False
        if self.level.data and not self.code.data:
            self.code.errors = [*self.code.errors, _("Choose the language for this level.")]
            return False
        return ok


def language_pairs(entries: Iterable[LanguageLevelForm]) -> list[tuple[str, str]]:
    """The (code, level) pairs of the filled rows, in order."""
    return [(e.code.data, e.level.data) for e in entries if e.code.data]


def fill_found(proposal: object, fields: dict[str, Field]) -> None:
    """Put each value a reading found (a proposal's ``Proposed`` attribute, named by the key)
    into its form field; a field whose value was not found keeps what it holds."""
    for name, target in fields.items():
        found = getattr(proposal, name)
        if found is not None:
            target.data = found.value


def fill_language_rows(field_list: Field, pairs: Iterable[tuple[str, str]]) -> None:
    """Put languages into a FieldList's rows, adding rows so that one empty row stays spare."""
    pairs = list(pairs)
    while len(field_list.entries) < len(pairs) + 1:
        field_list.append_entry()
    for entry, (code, level) in zip(field_list.entries, pairs, strict=False):
        entry.form.code.data = code
        entry.form.level.data = level


def lines(text: str | None) -> list[str]:
    """One item per non-empty line (skills are entered one per line: they may contain commas)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def attach_errors(form: FlaskForm, errors: Iterable[FieldError]) -> None:
    """Show service errors on the form fields they name; unknown fields go to the form top.

    ``languages[1].level`` lands on the second language row's level; ``skills[3]`` on skills.
    """
    for error in errors:
        target: Field | None = None
        match = _INDEXED.match(error.field)
        if match:
            name, index, sub = match.group(1), int(match.group(2)), match.group(3)
            field = getattr(form, name, None)
            if field is not None and sub and hasattr(field, "entries"):
                filled = [e for e in field.entries if e.form.code.data]
                if index < len(filled):
                    sub_field = getattr(filled[index].form, sub, None)
                    if isinstance(sub_field, Field):
                        sub_field.errors = [*sub_field.errors, error.message]
                        # A FieldList keeps the errors it found at validation: refresh them.
                        field.errors = [entry.errors for entry in field.entries]
                        continue
            elif field is not None:
                target = field
        else:
            target = getattr(form, error.field, None)
        if isinstance(target, Field):
            target.errors = [*target.errors, error.message]
        else:
            form.form_errors.append(str(error))


def area_choices(blank: str | None = None) -> list:  # type: ignore[type-arg]
    return choices(((a.code, a.label) for a in core_areas()), blank=blank)


def filter_values(form: FlaskForm) -> dict[str, object]:
    """The GET filters that parsed; a filter with a wrong value is ignored, not an error page."""
    form.validate()
    return {field.short_name: field.data for field in form if not field.errors}


def filter_text(values: dict[str, object], name: str) -> str:
    """One parsed GET filter as text ("" when absent or ignored)."""
    return str(values.get(name) or "").strip()


def language_filter(label: str | None = None) -> SelectField:
    return SelectField(
        label or _l("Language"),
        choices=lambda: choices(language_choices(), blank=_("Any language")),
        default="",
    )
