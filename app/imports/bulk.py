"""A focal point's bulk import from the web: preview a file of experts, then import it.

The file is read by ``import_files`` into the records ``importing.check_experts`` checks, with
the rules of ``civcap import-experts``. The preview checks every row, whatever the file's size,
and counts what importing would do without writing anything (``importing.plan_experts``): new
rows exactly, and rows of experts already on the roster as updated or unchanged when there are
at most ``PREVIEW_COMPARES`` of them (comparing costs about half a millisecond a row; beyond that
the page says how many are on the roster, and the import's summary says which changed).
Importing runs as a job (``imports.import_jobs``), in chunks, audited under the focal point's
name.

A focal point imports only their own member state's experts: ``nominated_by`` must be blank
(their organisation) or their organisation's name, and an ``external_id`` that another member
state's expert holds is refused for that row, never updated.

Between preview and import, the file waits under UPLOAD_DIR/imports/ under a random name, the
token (``<token>.pending``). Only the person who uploaded it may import or discard it, within
``PENDING_FOR``. Importing renames it ``<token>.job``: the job reads it from there (the web
and the workers share UPLOAD_DIR), checks it whole again, since the roster may have changed in
between, and removes it when done; a stopped job's file is kept ``JOB_FILE_KEPT`` for a retry.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import imports as importing
from app.common.validation import holds_nul, nul_character
from app.extensions import db
from app.imports import ExpertLine, ImportSummary, LineError
from app.imports import files as import_files
from app.imports.files import FileRefused
from app.imports.lines import chunks
from app.models import Expert, ExpertStatus, Organisation, User
from app.roster import experts

__all__ = ["FileRefused", "PENDING_FOR", "Preview", "Problem", "UploadGone", "UploadNotYours"]

PENDING_FOR = timedelta(hours=2)
JOB_FILE_KEPT = timedelta(days=7)
PREVIEW_COMPARES = 5_000
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
_CONSENT = {"version": "consent_version", "given_at": "consent_given_at"}


@dataclass(frozen=True)
class Problem:
    """One problem of the file as the person sees it: where (line, column) and what."""

    line: int
    column: str
    reason: str


@dataclass
class Preview:
    """What importing the file would do; ``token`` is set when it can be imported."""

    filename: str
    format: str
    rows: int
    problems: list[Problem]
    summary: ImportSummary = field(default_factory=ImportSummary)
    token: str | None = None
    # Rows of experts already on the roster, when too many to compare in the preview (then
    # ``summary`` counts only the new ones).
    on_roster: int = 0

    @property
    def rows_with_problems(self) -> int:
        return len({p.line for p in self.problems})


class UploadGone(Exception):
    """The upload is no longer kept: imported already, discarded, or waited too long."""


class UploadNotYours(Exception):
    """The token is not one of this person's uploads."""


def preview(content: bytes, filename: str, user: User) -> Preview:
    """Check the file and say what importing it would do; save nothing but the file itself,
    kept for the import when it has no problem. Raises FileRefused for an unreadable file."""
    format = import_files.file_format(filename)
    filename = filename[-100:]
    result, lines = check(content, filename, format, user)
    if lines:
        known = _on_roster([x.data.external_id for x in lines if x.data.external_id])
        if known > PREVIEW_COMPARES:
            result.summary = ImportSummary(created=len(lines) - known)
            result.on_roster = known
        else:
            result.summary = importing.plan_experts(lines, user.organisation)
    if not result.problems:
        result.token = _keep(content, filename, format, user, result.rows)
    return result


def _on_roster(external_ids: list[str]) -> int:
    found = 0
    for chunk in chunks(external_ids, size=500):
        query = sa.select(sa.func.count()).where(Expert.external_id.in_(chunk))
        found += db.session.scalar(query) or 0
    return found


def claim(token: str, user: User) -> dict[str, Any]:
    """Take a previewed upload for its import job (``<token>.job``); its meta: filename,
    format, rows. Raises UploadNotYours or UploadGone."""
    path, meta = _claim(token, user)
    path.rename(job_file(token))
    return meta


def unclaim(token: str) -> None:
    """Put an upload back to wait, when its job could not be saved (the person may try again)."""
    with contextlib.suppress(FileNotFoundError):
        job_file(token).rename(_folder() / f"{token}.pending")


def job_file(token: str) -> Path:
    return _folder() / f"{token}.job"


def job_content(token: str) -> tuple[bytes, dict[str, Any]]:
    """The file of an import job and its meta. Raises UploadGone when it is no longer kept."""
    try:
        meta_line, content = job_file(token).read_bytes().split(b"\n", 1)
    except FileNotFoundError:
        raise UploadGone from None
    return content, json.loads(meta_line)


def discard(token: str, user: User) -> None:
    """Forget an upload the person decided not to import."""
    path, _meta = _claim(token, user)
    path.unlink(missing_ok=True)


def label(filename: str) -> str:
    """The audit trail's actor label of a web import (the actor is the focal point)."""
    return f"web import {filename}"[:200]


# ---- checking ---------------------------------------------------------------------------------


def check(
    content: bytes, filename: str, format: str, user: User
) -> tuple[Preview, list[ExpertLine]]:
    """Every row's problems (with line and column), and the rows without any, checked for
    ``user``'s member state. Raises FileRefused for a file that cannot be read."""
    rows = import_files.read_rows(content, format)
    organisation = user.organisation
    errors = list(rows.errors)
    for number, record in rows.records:
        errors += _own_member_state(number, record, organisation)
        errors += _nul_characters(number, record)
    errors += _held_elsewhere(rows.records, organisation)
    lines = importing.check_experts(rows.records, errors)
    errors = _one_nul_problem_per_field(errors)
    count = len({number for number, _record in rows.records} | {e.line for e in rows.errors})
    problems = _problems(errors, format, rows.letters)
    return Preview(filename, format, count, problems), lines


def _one_nul_problem_per_field(errors: list[LineError]) -> list[LineError]:
    """The shared text checks also refuse NUL characters: say it once per line and field (a
    list's entry, ``skills[0]``, is its column's: ``skills``)."""
    about_nul = {_nul_reason(), nul_character()}
    seen: set[tuple[int, str]] = set()
    kept = []
    for error in errors:
        if error.message in about_nul or "NUL character" in error.message:
            column = error.field.split("[", 1)[0]
            if (error.line, column) in seen:
                continue
            seen.add((error.line, column))
        kept.append(error)
    return kept


def _own_member_state(
    number: int, record: dict[str, Any], organisation: Organisation
) -> list[LineError]:
    errors = []
    named = record.get("nominated_by")
    blank = named is None or (isinstance(named, str) and not named.strip())
    if not blank and (not isinstance(named, str) or named.strip() != organisation.name):
        reason = _(
            "must be blank or %(name)s: you import your own experts only",
            name=repr(organisation.name),
        )
        errors.append(LineError(number, "nominated_by", reason))
    record["nominated_by"] = organisation.name  # blank means ours; one problem is enough
    if record.get("status") == ExpertStatus.MERGED.value:
        reason = _("'merged' is set by merging two records on the roster, not by an import")
        errors.append(LineError(number, "status", reason))
    return errors


def _nul_characters(number: int, record: dict[str, Any]) -> list[LineError]:
    """PostgreSQL cannot store a NUL character in text; it comes from damaged files."""
    reason = _nul_reason()
    return [LineError(number, name, reason) for name, value in record.items() if holds_nul(value)]


def _nul_reason() -> str:
    return _("contains a NUL character (invisible; it comes from a damaged file): remove it")


def _held_elsewhere(
    records: list[tuple[int, dict[str, Any]]], organisation: Organisation
) -> list[LineError]:
    """Rows whose external_id belongs to an expert this member state may not update."""
    lines_of: dict[str, list[int]] = {}
    for number, record in records:
        if isinstance(record.get("external_id"), str):
            lines_of.setdefault(record["external_id"], []).append(number)
    errors = []
    ids = list(lines_of)
    for start in range(0, len(ids), 500):
        query = sa.select(
            Expert.external_id, Expert.organisation_id, Expert.erased_at, Expert.status
        ).where(Expert.external_id.in_(ids[start : start + 500]))
        for external_id, organisation_id, erased_at, status in db.session.execute(query):
            reason = experts.external_id_refusal(
                organisation_id, erased_at is not None, status, organisation.id
            )
            if reason is None:
                continue
            errors += [LineError(n, "external_id", reason) for n in lines_of[external_id]]
    return errors


def _problems(errors: list[LineError], format: str, letters: dict[str, str]) -> list[Problem]:
    """Each error as the person sees it, in the order of lines and then of columns."""
    order = {c.name: i for i, c in enumerate(import_files.COLUMNS)}

    def position(error: LineError) -> tuple[int, int, str]:
        return error.line, order.get(_column_of(error.field)[0], -1), error.field

    problems = [_problem(e, format, letters) for e in sorted(errors, key=position)]
    return list(dict.fromkeys(problems))


def _problem(error: LineError, format: str, letters: dict[str, str]) -> Problem:
    if format == "jsonl":  # the file's own field names: languages[1].level
        return Problem(error.line, error.field or "—", error.message)
    column, entry, part = _column_of(error.field)
    if entry is not None and part:
        reason = _(
            "entry %(entry)d, %(part)s: %(problem)s", entry=entry, part=part, problem=error.message
        )
    elif entry is not None:
        reason = _("entry %(entry)d: %(problem)s", entry=entry, problem=error.message)
    elif part:
        reason = _("%(part)s: %(problem)s", part=part, problem=error.message)
    else:
        reason = error.message
    if column == "languages" and (entry is not None or part):
        reason = _("%(problem)s (write languages as en:C1; fr:B2)", problem=reason)
    letter = letters.get(column)
    return Problem(error.line, f"{column} ({letter})" if letter else column or "—", reason)


def _column_of(field: str) -> tuple[str, int | None, str]:
    """The spreadsheet column of a field error, and which part of the cell: the entry (counted
    from 1) and the key within it. ``languages[1].level`` -> ("languages", 2, "level");
    ``consent.version`` -> ("consent_version", None, "")."""
    name, _bracket, rest = field.partition("[")
    if name == "consent" or name.startswith("consent."):
        return _CONSENT.get(name.partition(".")[2], "consent_version"), None, ""
    if not rest:
        return name, None, ""
    index, _bracket, part = rest.partition("]")
    entry = int(index) + 1 if index.isdigit() else None
    return name, entry, part.lstrip(".")


# ---- uploads waiting for the import --------------------------------------------------------


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _keep(content: bytes, filename: str, format: str, user: User, rows: int) -> str:
    """Keep the file for the import; the person's earlier uploads and stale ones go."""
    folder = _folder()
    _sweep(folder, user)
    token = secrets.token_urlsafe(32)
    meta = json.dumps({"user_id": user.id, "filename": filename, "format": format, "rows": rows})
    descriptor = os.open(folder / f"{token}.pending", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(meta.encode() + b"\n" + content)
    return token


def _claim(token: str, user: User) -> tuple[Path, dict[str, Any]]:
    """Take the upload out of waiting (a rename: one import at a time gets it)."""
    if not _TOKEN.fullmatch(token or ""):
        raise UploadNotYours
    folder = _folder()
    _sweep(folder)
    path = folder / f"{token}.pending"
    try:
        with path.open("rb") as handle:
            meta = json.loads(handle.readline())
    except FileNotFoundError:
        raise UploadGone from None
    if meta.get("user_id") != user.id:
        raise UploadNotYours
    claimed = path.with_suffix(".claimed")
    try:
        if _stale(path):
            path.unlink()
            raise UploadGone
        path.rename(claimed)
    except FileNotFoundError:
        raise UploadGone from None
    return claimed, meta


def _sweep(folder: Path, user: User | None = None) -> None:
    """Remove the uploads that waited too long (and ``user``'s, who uploads a new one), and the
    files of import jobs stopped longer ago than JOB_FILE_KEPT."""
    for path in folder.iterdir():
        kept = JOB_FILE_KEPT if path.suffix == ".job" else PENDING_FOR
        if _stale(path, kept) or (user and path.suffix == ".pending" and _owner(path) == user.id):
            path.unlink(missing_ok=True)


def _owner(path: Path) -> int | None:
    try:
        with path.open("rb") as handle:
            return json.loads(handle.readline()).get("user_id")
    except (OSError, ValueError):
        return None


def _stale(path: Path, kept: timedelta = PENDING_FOR) -> bool:
    try:
        return time.time() - path.stat().st_mtime > kept.total_seconds()
    except FileNotFoundError:
        return False
