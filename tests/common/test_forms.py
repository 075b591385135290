"""civcap's select fields write the same HTML as WTForms' own, and every form uses them."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import wtforms
from wtforms import Form

import app as app_package
from app.common import forms
from app.common.forms import SelectChoice


def both(field_class, wtforms_class, choices, data):
    class Ours(Form):
        pick = field_class(choices=choices)

    class Theirs(Form):
        pick = wtforms_class(choices=choices)

    return str(Ours(data={"pick": data}).pick()), str(Theirs(data={"pick": data}).pick())


TRICKY = [
    SelectChoice("", "—"),
    SelectChoice("a&b", 'Côte d’Ivoire <"quoted">'),
    SelectChoice("x", ""),  # no label: the value is shown
    SelectChoice("y", "Why", render_kw={"disabled": True}),
    SelectChoice(True, "Yes"),
    SelectChoice("g1", "In a group", optgroup="Group <1>"),
]


@pytest.mark.parametrize("data", [None, "a&b", "y", "g1"])
def test_a_select_is_written_as_wtforms_writes_it(data):
    ours, theirs = both(forms.SelectField, wtforms.SelectField, TRICKY, data)
    assert ours == theirs
    assert 'value="a&amp;b"' in ours and "&lt;&#34;quoted&#34;&gt;" in ours


@pytest.mark.parametrize("data", [[], ["a&b", "x"], ["True"]])
def test_a_multiple_select_is_written_as_wtforms_writes_it(data):
    plain = [c for c in TRICKY if c.optgroup is None]
    ours, theirs = both(forms.SelectMultipleField, wtforms.SelectMultipleField, plain, data)
    assert ours == theirs and " multiple " in ours


def _forms_of_the_app():
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name != "app.devtools.bench_web_load":  # Locust's, patches the process
            importlib.import_module(module.name)
    found, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return [f for f in found if f.__module__.startswith("app.")]


def test_every_select_of_the_app_is_civcaps():
    slow = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _forms_of_the_app()
        for name, unbound in getattr(form, "_unbound_fields", None) or form.__dict__.items()
        if isinstance(unbound, wtforms.fields.core.UnboundField)
        and type(getattr(unbound.field_class, "widget", None)) is wtforms.widgets.Select
    ]
    assert _forms_of_the_app() and not slow, slow
