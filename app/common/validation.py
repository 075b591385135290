"""Field checks shared by the expert and request services (and so by forms and imports)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.common.errors import FieldError
from app.common.reference import CEFR_LEVELS, MODALITIES, countries, languages


def nul_character() -> str:
    """What is wrong with a text holding a NUL character: PostgreSQL cannot keep one, and no
    person means one."""
    return _("contains a NUL character (\\x00); remove it")


def holds_nul(value: Any) -> bool:
    """Whether a text, or any text inside a list or a mapping's values, holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(holds_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(holds_nul(v) for v in value)
    return False


class Checker:
    """Collects FieldErrors; each check names the field it is about."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def required_text(self, field: str, value: str, max_length: int) -> None:
        if not value.strip():
            self.fail(field, _("is required"))
        else:
            self.optional_text(field, value, max_length)

    def optional_text(self, field: str, value: str | None, max_length: int) -> None:
        if not value:
            return
        if len(value) > max_length:
            self.fail(
                field,
                _(
                    "is too long (%(length)s characters, at most %(most)s)",
                    length=len(value),
                    most=max_length,
                ),
            )
        elif "\x00" in value:  # PostgreSQL text cannot hold it; it is never meant
            self.fail(field, nul_character())

    def whole_number(self, field: str, value: int, low: int, high: int) -> None:
        if not low <= value <= high:
            self.fail(
                field,
                _(
                    "must be between %(low)s and %(high)s (got %(value)s)",
                    low=low,
                    high=high,
                    value=value,
                ),
            )

    def country(self, field: str, code: str | None, required: bool = True) -> None:
        if not code:
            if required:
                self.fail(field, _("is required"))
        elif code not in countries():
            self.fail(
                field, _("%(code)s is not an ISO 3166-1 alpha-2 country code", code=repr(code))
            )

    def email(self, field: str, value: str | None) -> None:
        if not value:
            return
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:
            self.fail(
                field,
                _("%(value)s is not a valid email address (%(why)s)", value=repr(value), why=exc),
            )

    def languages(self, field: str, pairs: Iterable[tuple[str, str]], level_name: str) -> None:
        seen: set[str] = set()
        for i, (code, level) in enumerate(pairs):
            where = f"{field}[{i}]"
            if code not in languages():
                self.fail(
                    f"{where}.code",
                    _("%(code)s is not an ISO 639-1 language code", code=repr(code)),
                )
            elif code in seen:
                self.fail(f"{where}.code", _("%(code)s is listed twice", code=repr(code)))
            seen.add(code)
            if level not in CEFR_LEVELS:
                self.fail(
                    f"{where}.{level_name}",
                    _(
                        "%(level)s is not a CEFR level (%(levels)s)",
                        level=repr(level),
                        levels=", ".join(CEFR_LEVELS),
                    ),
                )

    def modality(self, field: str, value: str) -> None:
        if value not in MODALITIES:
            self.fail(
                field,
                _(
                    "%(value)s is not one of %(codes)s",
                    value=repr(value),
                    codes=", ".join(MODALITIES),
                ),
            )
