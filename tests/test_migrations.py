"""Migrations: one head; upgrade from empty and downgrade to base on SQLite and PostgreSQL;
the models and the migrations describe the same schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app import MIGRATIONS_DIR, create_app
from app.extensions import db


def test_single_head():
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    assert len(script.get_heads()) == 1


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "empty.sqlite3")
    server = request.getfixturevalue("postgres_server")
    return server.create_database("civcap_migrations")


@pytest.fixture
def fresh_app(empty_database_url, monkeypatch):
    monkeypatch.setenv("CIVCAP_ENV", "testing")
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_from_empty_then_downgrade_to_base(fresh_app):
    assert _tables() == set()
    upgrade()
    assert {t.name for t in db.metadata.sorted_tables} <= _tables()
    areas = db.session.execute(sa.text("SELECT code FROM core_areas ORDER BY position")).all()
    assert [a.code for a in areas] == [
        "security",
        "justice",
        "core_government",
        "political_processes",
        "economic_revitalization",
    ]
    db.session.commit()
    downgrade(revision="base")
    assert _tables() <= {"alembic_version"}


def test_models_and_migrations_agree(fresh_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"autogenerate found differences: {diff}"
