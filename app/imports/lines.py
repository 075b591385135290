"""What expert and request imports share: reading lines, reporting problems, writing chunks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.accounts import organisations
from app.common import audit
from app.common.errors import FieldError, ValidationFailed
from app.common.vocabulary import canonical_skill
from app.extensions import db
from app.imports.fields import FieldReader
from app.models import Organisation, OrganisationKind, Skill, User

# A path, or the lines of a file (str or bytes; split them on "\n" only, as JSON Lines does).
Source = str | Path | Iterable[str] | Iterable[bytes]
Progress = Callable[[int], None]
T = TypeVar("T")


class Numbered(Protocol):
    line: int


L = TypeVar("L", bound=Numbered)

_CHUNK = 250  # records per flush: keeps memory flat and the progress bar honest


@dataclass(frozen=True)
class LineError:
    """One problem of an import file: where (line, field) and what, in words to act on."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return _(
                "line %(line)d: %(field)s: %(problem)s",
                line=self.line,
                field=self.field,
                problem=self.message,
            )
        return _("line %(line)d: %(problem)s", line=self.line, problem=self.message)


class ImportFailed(Exception):
    """The file has problems; nothing of it was saved."""

    def __init__(self, errors: list[LineError]):
        super().__init__(f"{len(errors)} problem(s); nothing was imported")
        self.errors = sorted(errors, key=lambda e: e.line)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    organisations_created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if not self.organisations_created:
            return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged", **counts)
        return ngettext(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged; "
            "%(num)d new organisation",
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged; "
            "%(num)d new organisations",
            len(self.organisations_created),
            **counts,
        )


def source_label(command: str, source: Source) -> str:
    """The audit trail's actor for an import: the command and the file's name."""
    return f"{command} {Path(source).name}" if isinstance(source, str | Path) else command


# ---- reading ---------------------------------------------------------------------------------


def json_objects(source: Source, errors: list[LineError]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, JSON object) for every non-blank line; problems go to ``errors``."""
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:  # bytes: only \n ends a line, as JSON Lines says
            yield from json_objects(handle, errors)
        return
    for number, raw in enumerate(source, start=1):
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        except UnicodeDecodeError as exc:
            errors.append(
                LineError(number, "", _("not valid UTF-8 (%(reason)s)", reason=exc.reason))
            )
            continue
        text = text.lstrip("\ufeff").strip()  # a byte-order mark some editors write
        if not text:
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            reason = _(
                "not valid JSON (%(reason)s at column %(column)d)", reason=exc.msg, column=exc.colno
            )
            errors.append(LineError(number, "", reason))
            continue
        except RecursionError:
            reason = _("nested too deeply to be an expert or a request")
            errors.append(LineError(number, "", reason))
            continue
        except ValueError as exc:  # e.g. a number of more than 4,300 digits
            reason = _("not a value civcap can read (%(reason)s)", reason=str(exc))
            errors.append(LineError(number, "", reason))
            continue
        if not isinstance(value, dict):
            errors.append(LineError(number, "", _("must be a JSON object {...}")))
            continue
        yield number, value


def line_errors(number: int, reader: FieldReader, rules: list[FieldError]) -> list[LineError]:
    """The reader's errors, then the business rules' errors that do not repeat one of them."""
    found = list(reader.errors)
    for error in rules:
        if not any(_within(error.field, bad.field) for bad in reader.errors):
            found.append(error)
    return [LineError(number, e.field, e.message) for e in found]


def _within(name: str, parent: str) -> bool:
    return bool(parent) and (name == parent or name.startswith((parent + "[", parent + ".")))


def repeated(number: int, external_id: str | None, seen: dict[str, int]) -> list[LineError]:
    """An error when ``external_id`` was on an earlier line of the same file."""
    if not external_id:
        return []
    if external_id in seen:
        message = _(
            "%(id)s appears twice in this file (also line %(line)d)",
            id=external_id,
            line=seen[external_id],
        )
        return [LineError(number, "external_id", message)]
    seen[external_id] = number
    return []


_A_KIND = {
    OrganisationKind.MEMBER_STATE: _l("a member state"),
    OrganisationKind.MISSION: _l("a mission"),
    OrganisationKind.HQ_DEPARTMENT: _l("an HQ department"),
    OrganisationKind.UN_HR: _l("UN HR"),
}


def wrong_kind(
    named: list[tuple[int, str]], what: str, kinds: Sequence[OrganisationKind]
) -> list[LineError]:
    """Lines naming an existing organisation of a kind that cannot play this part."""
    names = {name for _number, name in named}
    query = sa.select(Organisation).where(Organisation.name.in_(names))
    found = {o.name: o for o in db.session.scalars(query)}
    allowed = str(_A_KIND[kinds[0]])
    for kind in kinds[1:]:  # the requesting kinds: "a mission or an HQ department"
        allowed = _("%(one)s or %(other)s", one=allowed, other=_A_KIND[kind])
    return [
        LineError(
            number,
            what,
            _(
                "%(name)s is %(kind)s, not %(allowed)s",
                name=repr(name),
                kind=_A_KIND[found[name].kind],
                allowed=allowed,
            ),
        )
        for number, name in named
        if name in found and found[name].kind not in kinds
    ]


# ---- writing ---------------------------------------------------------------------------------


def chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing(model: Any, external_ids: list[str]) -> dict[str, Any]:
    """The records of ``model`` already holding one of ``external_ids``, by external id."""
    found: dict[str, Any] = {}
    for chunk in chunks(external_ids, 500):
        query = sa.select(model).where(model.external_id.in_(chunk))
        found |= {record.external_id: record for record in db.session.scalars(query)}
    return found


def add_new_skills(names: Iterable[str]) -> None:
    """Insert the skills the vocabulary lacks in one statement, before the records need them.

    Adding them one by one through the ORM costs a round trip each (thousands for a roster).
    """
    known = set(db.session.scalars(sa.select(Skill.name)))
    new = sorted({canonical_skill(name) for name in names} - known - {""})
    if new:
        db.session.execute(sa.insert(Skill), [{"name": name} for name in new])


def find_or_create_organisations(
    wanted: dict[str, tuple[int, Callable[[], Organisation]]],
    field: str,
    summary: ImportSummary,
) -> dict[str, Organisation]:
    """Find or create each named organisation; a refusal is an error on the first line naming
    it (``wanted`` maps each name to that line and to its find-or-create function)."""
    found: dict[str, Organisation] = {}
    errors: list[LineError] = []
    for name, (number, find_or_create) in wanted.items():
        existed = organisations.by_name(name) is not None
        try:
            found[name] = find_or_create()
        except ValidationFailed as exc:
            errors += [
                LineError(
                    number, field, _("cannot add %(name)s: %(problem)s", name=repr(name), problem=e)
                )
                for e in exc.errors
            ]
            continue
        if not existed:
            summary.organisations_created.append(name)
    if errors:
        raise ImportFailed(errors)
    db.session.flush()
    return found


Saved = tuple[Any, dict[str, Any] | None]


def write_in_chunks(
    lines: Sequence[L],
    save: Callable[[L], Saved | None],
    snapshot: Callable[[Any], dict[str, Any]],
    actions: tuple[str, str],
    actor_label: str,
    summary: ImportSummary,
    progress: Progress | None,
    actor: User | None = None,
) -> None:
    """Save lines chunk by chunk, one flush each, then one audit event per created or changed
    record. ``save`` returns (record, snapshot before or None if new), or None if unchanged.
    ``actor`` is the user who imports, if a person does (the web bulk import).
    """
    created, updated = actions
    entity = created.split(".")[0]
    for chunk in chunks(lines):
        saved = [(item, result) for item in chunk if (result := save(item)) is not None]
        db.session.flush()
        for item, (record, before) in saved:
            audit.record(
                created if before is None else updated,
                entity,
                record.id,
                actor=actor,
                actor_label=actor_label,
                before=before,
                after=snapshot(record),
                note=f"line {item.line} of the imported file",
            )
            if before is None:
                summary.created += 1
            else:
                summary.updated += 1
        summary.unchanged += len(chunk) - len(saved)
        if progress is not None:
            progress(len(chunk))
