"""One operation, one transaction: ``common.transaction`` commits once, or saves nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.common.errors import Conflict, ValidationFailed
from app.common.transaction import transaction
from app.extensions import db
from app.models import Expert, Organisation, OrganisationKind
from tests.factories import make_expert, make_organisation

ROOT = Path(__file__).resolve().parents[2]


def names() -> set[str]:
    with Session(db.engine) as fresh:  # what another connection sees: only committed rows
        return set(fresh.scalars(sa.select(Organisation.name)))


def organisation(name: str) -> Organisation:
    row = Organisation(name=name, kind=OrganisationKind.MISSION, country=None)
    db.session.add(row)
    return row


def test_the_block_is_committed_at_its_end(app):
    with transaction("organisation"):
        organisation("UNMISS")
        assert "UNMISS" not in names()
    assert "UNMISS" in names()


def test_an_error_saves_nothing_of_the_block(app):
    with pytest.raises(ValidationFailed), transaction("organisation"):
        organisation("UNMISS")
        db.session.flush()  # even what was already written to the database
        raise ValidationFailed([])
    assert "UNMISS" not in names()
    assert db.session.scalar(sa.select(Organisation).where(Organisation.name == "UNMISS")) is None


def test_an_operation_inside_another_joins_it(app):
    @transaction("organisation")
    def add(name: str) -> None:
        organisation(name)

    with pytest.raises(RuntimeError), transaction("organisation"):
        add("UNMISS")
        assert "UNMISS" not in names()  # the inner operation did not commit on its own
        add("MONUSCO")
        raise RuntimeError("the outer operation fails")
    assert names().isdisjoint({"UNMISS", "MONUSCO"})

    with transaction("organisation"):
        add("UNMISS")
        add("MONUSCO")
    assert {"UNMISS", "MONUSCO"} <= names()


def test_a_dry_run_rolls_back(app):
    with transaction("organisation", keep=False):
        organisation("UNMISS")
        db.session.flush()
    assert "UNMISS" not in names()


def test_a_row_saved_by_someone_else_first_is_a_conflict_naming_the_record(app):
    expert = make_expert(make_organisation(name="Government of Ghana", country="GH"))
    stale = db.session.get(Expert, expert.id)
    with Session(db.engine) as other:  # another worker saves the same expert first
        theirs = other.get(Expert, expert.id)
        theirs.title = "Their title"
        other.commit()
    conflict = pytest.raises(Conflict, match="This expert was changed by someone else")
    with conflict, transaction("expert"):
        stale.title = "My title"
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).title == "Their title"


def test_only_the_transaction_helper_commits():
    commits = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "app/common/transaction.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
                and "session" in ast.unparse(node.func.value)
            ):
                commits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert commits == []
