"""The languages of civcap's pages and emails (Flask-Babel): English, French, Spanish, Arabic.

Every string a person reads goes through the message catalogues: ``gettext``/``_`` in code,
``lazy_gettext`` for what is defined before a request (form labels), ``{{ _("…") }}`` and
``{% trans %}`` in templates. The catalogues are ``app/translations/<language>/LC_MESSAGES/
messages.po``; the app compiles them into its instance folder when they are newer than the
compiled ones (Babel's own compiler), so an install needs no build step.

A page is in the person's saved language, else the one they picked on the switcher (a cookie,
before login), else the best of the browser's ``Accept-Language``, else English. An API call's
problems are in its ``Accept-Language`` when it sends one, else in its token owner's language.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import flask_babel
from babel.dates import format_date, format_time, get_datetime_format
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, request
from flask.globals import _cv_app
from flask_babel import Babel, force_locale, get_locale
from flask_login import current_user

from app.common.api_calls import is_api_call
from matching import CEFR_LEVELS

# The languages civcap has, each named in itself (how the switcher offers them).
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})
DEFAULT = "en"
COOKIE = "civcap_language"
CATALOGUES = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()


def chosen_language() -> str:
    """The language of this request's page (English for commands and jobs outside one)."""
    if not has_request_context():
        return DEFAULT
    if is_api_call() and request.accept_languages:
        # A program says which language its errors are for, whoever owns its token.
        return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT
    user = current_user
    if getattr(user, "is_authenticated", False) and getattr(user, "language", None) in LANGUAGES:
        return str(user.language)
    picked = request.cookies.get(COOKIE)
    if picked in LANGUAGES:
        return str(picked)
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def language() -> str:
    """The language of the page being made (``en`` outside a request)."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


def direction() -> str:
    return "rtl" if language() in RIGHT_TO_LEFT else "ltr"


# Dates in English follow the UN's (British) usage: 15 Feb 2027, 09:05.
_DATE_LOCALE = {"en": "en_GB"}


def _date_locale() -> str:
    code = language()
    return _DATE_LOCALE.get(code, code)


def moment(value: datetime | None) -> str:
    """A date and time for people, in the page's language, in UTC (said so)."""
    if value is None:
        return ""
    locale = _date_locale()
    when = value.astimezone(UTC)
    pattern = str(get_datetime_format("medium", locale=locale))
    text = pattern.replace("{1}", format_date(when, "medium", locale=locale)).replace(
        "{0}", format_time(when, "short", tzinfo=UTC, locale=locale)
    )
    return f"{text} UTC"


def listed(items: Iterable[Any]) -> str:
    """Items as a list in the page's language ("a, b and c"; Arabic "a وb وc"), CLDR's way."""
    texts = [str(item) for item in items if item not in (None, "")]
    return format_list(texts, locale=_date_locale()) if texts else ""


def day(value: date | None) -> str:
    """A date for people, in the page's language."""
    return "" if value is None else _day(value, _date_locale())


@lru_cache(maxsize=4096)
def _day(value: date, locale: str) -> str:
    # A list of fifty requests writes fifty start dates, most of them seen before.
    return format_date(value, "medium", locale=locale)


@contextmanager
def in_language_of(user: Any) -> Iterator[None]:
    """Write what ``user`` reads (an email) in their language: their saved one, else the
    language of the page being made (an invitation's admin, say), else English."""
    with force_locale(language_of(user)):
        yield


def language_of(user: Any) -> str:
    """The language ``user`` reads civcap in (see ``in_language_of``)."""
    saved = getattr(user, "language", None)
    return str(saved) if saved in LANGUAGES else language()


def best_held_language(levels: Mapping[str, str], sender: str | None = None) -> str:
    """The language to write to someone without an account (an expert) in: of civcap's
    languages, the one they hold at the highest CEFR level; on a tie, the sender's if it is
    one of them, else the first in ``LANGUAGES``; English when they hold none of them."""
    held = {code: CEFR_LEVELS.index(level) for code, level in levels.items() if code in LANGUAGES}
    if not held:
        return DEFAULT
    best = max(held.values())
    tied = [code for code in LANGUAGES if held.get(code) == best]
    return sender if sender in tied else tied[0]


def compile_catalogues(source: Path, target: Path) -> None:
    """Compile each ``<language>/LC_MESSAGES/messages.po`` under ``source`` into ``target`` when
    the compiled file is missing or older; fuzzy translations are left out."""
    for po in source.glob("*/LC_MESSAGES/messages.po"):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as file:
            catalogue = read_po(file, locale=po.parts[-3])
        # Written aside, then moved into place: workers starting together never read half a file.
        handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalogue, use_fuzzy=False)
        os.replace(temporary, mo)


_flask_babel_context = flask_babel._get_current_context  # what _babel_context stands in for


def _babel_context() -> SimpleNamespace | None:
    """Flask-Babel's namespace of the current app context (``g._flask_babel``), as
    ``flask_babel._get_current_context`` finds it, without its three look-ups through the ``g``
    proxy. Flask-Babel 4 reads it three times for every string translated (a page of a few
    hundred strings spent a fifth of its time there)."""
    context = _cv_app.get(None)
    if context is None:
        return None
    try:
        return context.g._flask_babel  # type: ignore[no-any-return]
    except AttributeError:
        namespace = context.g._flask_babel = SimpleNamespace()
        return namespace


def init_app(app: Flask) -> None:
    # Same answer, fewer steps (tests/common/test_i18n.py holds it to Flask-Babel's own).
    flask_babel._get_current_context = _babel_context
    compiled = Path(app.instance_path) / "translations"
    compile_catalogues(CATALOGUES, compiled)
    babel.init_app(
        app,
        default_locale=DEFAULT,
        default_translation_directories=str(compiled),
        locale_selector=chosen_language,
    )
    app.jinja_env.globals.update(
        page_language=language, text_direction=direction, ui_languages=LANGUAGES
    )
    app.jinja_env.filters.update(moment=moment, day=day, listed=listed)
