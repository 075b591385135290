"""Reading the fields of one JSON Lines record into Python values, for ``app.imports``.

Types are checked here (text, whole numbers, ISO dates); the business rules stay in the expert
and request services. Each problem is kept as a FieldError named like the JSON path
(``languages[1].level``), so the importer can put the line number in front of it.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from flask_babel import gettext as _

from app.common.errors import FieldError

E = TypeVar("E", bound=enum.Enum)


class FieldReader:
    """Reads typed fields out of one JSON object, collecting what is wrong with them."""

    def __init__(self, record: dict[str, Any], known_fields: set[str]):
        self.record = record
        self.errors: list[FieldError] = []
        for name in record:
            if name not in known_fields:
                self.fail("", _("unknown field %(name)s", name=repr(name)))

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def _get(self, name: str, required: bool) -> Any:
        value = self.record.get(name)
        if value is None and required:
            self.fail(name, _("is required"))
        return value

    def text(self, name: str, required: bool = False, max_length: int | None = None) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(name, _("must be text in quotes (got %(kind)s)", kind=_kind(value)))
            return None
        if required and not value.strip():
            self.fail(name, _("is required"))
        elif max_length is not None and len(value) > max_length:
            message = _(
                "is too long (%(length)d characters, at most %(most)d)",
                length=len(value),
                most=max_length,
            )
            self.fail(name, message)
        return value

    def number(self, name: str, required: bool = False) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, _("must be a whole number (got %(value)s)", value=repr(value)))
            return None
        return value

    def flag(self, name: str) -> bool:
        """A true or false field; a missing one is false."""
        value = self._get(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(name, _("must be true or false (got %(value)s)", value=repr(value)))
            return False
        return value

    def _list(self, name: str, required: bool) -> list[Any]:
        """The field's list; a missing field is empty, anything else than a list is an error."""
        value = self._get(name, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, _("must be a list [...] (got %(kind)s)", kind=_kind(value)))
            return []
        return value

    def texts(self, name: str, required: bool = False) -> list[str]:
        value = self._list(name, required)
        items = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                items.append(item)
            else:
                self.fail(
                    f"{name}[{i}]", _("must be text in quotes (got %(kind)s)", kind=_kind(item))
                )
        return items

    def day(self, name: str, required: bool = False) -> date | None:
        value = self.text(name, required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(name, _("%(value)s is not an ISO 8601 date (YYYY-MM-DD)", value=repr(value)))
            return None

    def moment(self, name: str) -> datetime | None:
        """An ISO 8601 date and time; one without a UTC offset is taken as UTC."""
        value = self.text(name)
        return self._moment(name, value) if value else None

    def _moment(self, name: str, value: Any) -> datetime | None:
        if not isinstance(value, str):
            self.fail(name, _("must be text in quotes (got %(kind)s)", kind=_kind(value)))
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(name, _("%(value)s is not an ISO 8601 date and time", value=repr(value)))
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
            self.fail(
                name, _("%(value)s is not one of %(allowed)s", value=repr(value), allowed=allowed)
            )
            return None

    def languages(self, name: str, level_key: str, required: bool = False) -> list[tuple[str, str]]:
        """``[{"code": "en", "<level_key>": "C1"}, ...]`` as (code, level) pairs, in order."""
        value = self._list(name, required)
        pairs = []
        for i, item in enumerate(value):
            where = f"{name}[{i}]"
            if not isinstance(item, dict):
                self.fail(
                    where, _('must be an object {"code": ..., "%(key)s": ...}', key=level_key)
                )
                continue
            for key in item:
                if key not in ("code", level_key):
                    self.fail(where, _("unknown field %(name)s", name=repr(key)))
            parts = []
            for key in ("code", level_key):
                part = item.get(key)
                if not isinstance(part, str) or not part:
                    self.fail(
                        f"{where}.{key}", _("is required") if part is None else _("must be text")
                    )
                parts.append(part if isinstance(part, str) else "")
            pairs.append((parts[0], parts[1]))
        return pairs

    def consent(self, name: str) -> tuple[str | None, datetime | None]:
        """``{"version": "2026-11", "given_at": "2026-10-01T09:00:00+00:00"}`` → both values."""
        value = self._get(name, False)
        if value is None:
            return None, None
        if not isinstance(value, dict) or set(value) != {"version", "given_at"}:
            self.fail(name, _('must be {"version": "...", "given_at": "ISO 8601 date and time"}'))
            return None, None
        version = value["version"]
        if not isinstance(version, str) or not version.strip() or len(version) > 20:
            self.fail(f"{name}.version", _("must be text of 1 to 20 characters"))
            version = None
        given_at = self._moment(f"{name}.given_at", value["given_at"])
        if given_at is not None and given_at > datetime.now(UTC):
            self.fail(f"{name}.given_at", _("is in the future"))
        return version, given_at


def _kind(value: Any) -> str:
    """What a JSON value is, in words: ``true/false``, ``a number``, ``text`` ..."""
    kinds = {
        bool: _("true/false"),
        int: _("a number"),
        float: _("a number"),
        str: _("text"),
        list: _("a list"),
        dict: _("an object"),
    }
    return kinds.get(type(value), type(value).__name__)
