"""Reading the fields of one JSON Lines record into Python values, for ``app.imports``.

Types are checked here (text, whole numbers, ISO dates); the business rules stay in the expert
and request services. Each problem is kept as a FieldError named like the JSON path
(``languages[1].level``), so the importer can put the line number in front of it.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from app.common.errors import FieldError

E = TypeVar("E", bound=enum.Enum)


class FieldReader:
    """Reads typed fields out of one JSON object, collecting what is wrong with them."""

    def __init__(self, record: dict[str, Any], known_fields: set[str]):
        self.record = record
        self.errors: list[FieldError] = []
        for name in record:
            if name not in known_fields:
                self.fail("", f"unknown field {name!r}")

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def _get(self, name: str, required: bool) -> Any:
        value = self.record.get(name)
        if value is None and required:
            self.fail(name, "is required")
        return value

    def text(self, name: str, required: bool = False, max_length: int | None = None) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(name, f"must be text in quotes (got {_kind(value)})")
            return None
        if required and not value.strip():
            self.fail(name, "is required")
        elif max_length is not None and len(value) > max_length:
            self.fail(name, f"is too long ({len(value)} characters, at most {max_length})")
        return value

    def number(self, name: str, required: bool = False) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"must be a whole number (got {value!r})")
            return None
        return value

    def _list(self, name: str, required: bool) -> list[Any]:
        """The field's list; a missing field is empty, anything else than a list is an error."""
        value = self._get(name, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, f"must be a list [...] (got {_kind(value)})")
            return []
        return value

    def texts(self, name: str, required: bool = False) -> list[str]:
        value = self._list(name, required)
        items = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                items.append(item)
            else:
                self.fail(f"{name}[{i}]", f"must be text in quotes (got {_kind(item)})")
        return items

    def day(self, name: str, required: bool = False) -> date | None:
        value = self.text(name, required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(name, f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)")
            return None

    def moment(self, name: str) -> datetime | None:
        """An ISO 8601 date and time; one without a UTC offset is taken as UTC."""
        value = self.text(name)
        return self._moment(name, value) if value else None

    def _moment(self, name: str, value: Any) -> datetime | None:
        if not isinstance(value, str):
            self.fail(name, f"must be text in quotes (got {_kind(value)})")
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(name, f"{value!r} is not an ISO 8601 date and time")
            return None
        # Kept in UTC: SQLite stores no offset, so 09:30+02:00 must arrive as 07:30.
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)

    def choice(self, name: str, choices: type[E]) -> E | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return choices(value)
        except ValueError:
            allowed = ", ".join(str(c.value) for c in choices)
            self.fail(name, f"{value!r} is not one of {allowed}")
            return None

    def languages(self, name: str, level_key: str, required: bool = False) -> list[tuple[str, str]]:
        """``[{"code": "en", "<level_key>": "C1"}, ...]`` as (code, level) pairs, in order."""
        value = self._list(name, required)
        pairs = []
        for i, item in enumerate(value):
            where = f"{name}[{i}]"
            if not isinstance(item, dict):
                self.fail(where, f'must be an object {{"code": ..., "{level_key}": ...}}')
                continue
            for key in item:
                if key not in ("code", level_key):
                    self.fail(where, f"unknown field {key!r}")
            parts = []
            for key in ("code", level_key):
                part = item.get(key)
                if not isinstance(part, str) or not part:
                    self.fail(f"{where}.{key}", "is required" if part is None else "must be text")
                parts.append(part if isinstance(part, str) else "")
            pairs.append((parts[0], parts[1]))
        return pairs

    def consent(self, name: str) -> tuple[str | None, datetime | None]:
        """``{"version": "2026-11", "given_at": "2026-10-01T09:00:00+00:00"}`` → both values."""
        value = self._get(name, False)
        if value is None:
            return None, None
        if not isinstance(value, dict) or set(value) != {"version", "given_at"}:
            self.fail(name, 'must be {"version": "...", "given_at": "ISO 8601 date and time"}')
            return None, None
        version = value["version"]
        if not isinstance(version, str) or not version.strip() or len(version) > 20:
            self.fail(f"{name}.version", "must be text of 1 to 20 characters")
            version = None
        given_at = self._moment(f"{name}.given_at", value["given_at"])
        if given_at is not None and given_at > datetime.now(UTC):
            self.fail(f"{name}.given_at", "is in the future")
        return version, given_at


def _kind(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
