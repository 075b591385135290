"""Field checks shared by the expert and request services (and so by forms and imports)."""

from __future__ import annotations

from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email

from app.common.errors import FieldError
from app.common.reference import CEFR_LEVELS, MODALITIES, countries, languages


class Checker:
    """Collects FieldErrors; each check names the field it is about."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def required_text(self, field: str, value: str, max_length: int) -> None:
        if not value.strip():
            self.fail(field, "is required")
        else:
            self.optional_text(field, value, max_length)

    def optional_text(self, field: str, value: str | None, max_length: int) -> None:
        if not value:
            return
        if len(value) > max_length:
            self.fail(field, f"is too long ({len(value)} characters, at most {max_length})")
        elif "\x00" in value:  # PostgreSQL text cannot hold it; it is never meant
            self.fail(field, "contains a NUL character (\\x00); remove it")

    def whole_number(self, field: str, value: int, low: int, high: int) -> None:
        if not low <= value <= high:
            self.fail(field, f"must be between {low} and {high} (got {value})")

    def country(self, field: str, code: str | None, required: bool = True) -> None:
        if not code:
            if required:
                self.fail(field, "is required")
        elif code not in countries():
            self.fail(field, f"{code!r} is not an ISO 3166-1 alpha-2 country code")

    def email(self, field: str, value: str | None) -> None:
        if not value:
            return
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:
            self.fail(field, f"{value!r} is not a valid email address ({exc})")

    def languages(self, field: str, pairs: Iterable[tuple[str, str]], level_name: str) -> None:
        seen: set[str] = set()
        for i, (code, level) in enumerate(pairs):
            where = f"{field}[{i}]"
            if code not in languages():
                self.fail(f"{where}.code", f"{code!r} is not an ISO 639-1 language code")
            elif code in seen:
                self.fail(f"{where}.code", f"{code!r} is listed twice")
            seen.add(code)
            if level not in CEFR_LEVELS:
                self.fail(
                    f"{where}.{level_name}",
                    f"{level!r} is not a CEFR level ({', '.join(CEFR_LEVELS)})",
                )

    def modality(self, field: str, value: str) -> None:
        if value not in MODALITIES:
            self.fail(field, f"{value!r} is not one of {', '.join(MODALITIES)}")
