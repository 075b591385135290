"""``InSubquery`` is cached by SQLAlchemy like any query, and each use keeps its own values."""

from __future__ import annotations

import sqlalchemy as sa

from app.common.queries import InSubquery

people = sa.table("people", sa.column("id"), sa.column("name"))
skills = sa.table("skills", sa.column("person_id"), sa.column("skill"))


def search(name: str, skill: str) -> sa.Select:
    has_skill = sa.select(skills.c.person_id).where(skills.c.skill == skill)
    return sa.select(people.c.id).where(
        sa.or_(people.c.name == name, InSubquery(people.c.id, has_skill))
    )


def test_the_statement_has_one_cache_key_and_its_own_values():
    first, second = search("Ama", "policing")._generate_cache_key(), search("Kofi", "law")
    second = second._generate_cache_key()
    assert first is not None and first == second  # compiled once, then served from the cache
    assert [b.value for b in first.bindparams] == ["Ama", "policing"]
    assert [b.value for b in second.bindparams] == ["Kofi", "law"]


def test_a_cached_statement_runs_with_the_values_of_each_search():
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        connection.execute(sa.text("CREATE TABLE people (id INTEGER, name TEXT)"))
        connection.execute(sa.text("CREATE TABLE skills (person_id INTEGER, skill TEXT)"))
        connection.execute(sa.text("INSERT INTO people VALUES (1, 'Ama'), (2, 'Kofi')"))
        connection.execute(sa.text("INSERT INTO skills VALUES (1, 'policing'), (2, 'law')"))
        assert connection.execute(search("nobody", "policing")).scalars().all() == [1]
        assert connection.execute(search("nobody", "law")).scalars().all() == [2]
        assert connection.execute(search("Kofi", "policing")).scalars().all() == [1, 2]
