"""The roster search: a word found in a name, a title, an external id or a held skill, on
SQLite and PostgreSQL (where it reads trigram indexes: app.models._types.contains_index)."""

from __future__ import annotations

from app.extensions import db
from app.models import OrganisationKind
from app.roster import search
from tests.factories import make_expert, make_organisation


def found(text: str) -> list[str]:
    query = search.experts(search.ExpertFilters(text=text))
    return sorted(e.full_name for e in db.session.scalars(query))


def counted(text: str) -> int:
    query = search.experts(search.ExpertFilters(text=text))
    return db.paginate(query, page=1, per_page=2).total


def test_a_word_is_found_in_every_field_people_search(app):
    ghana = make_organisation(OrganisationKind.MEMBER_STATE, "Government of GH", "GH")
    make_expert(ghana, full_name="Ama Owusu", title="judge", skills=["prison management"])
    make_expert(ghana, full_name="Kofi Mensah", title="prison governor", skills=["audit"])
    make_expert(ghana, full_name="Efua Prisonova", title="auditor", external_id="GH-77")
    make_expert(ghana, full_name="Yaw Boateng", title="pilot", external_id="GH-PRISON-1")
    make_expert(ghana, full_name="Abena Darko", title="chef", skills=["cooking"])
    assert found("prison") == ["Ama Owusu", "Efua Prisonova", "Kofi Mensah", "Yaw Boateng"]
    assert counted("prison") == 4  # each once, whichever fields hold the word
    assert found("AUDIT") == ["Efua Prisonova", "Kofi Mensah"]  # skill or title, any case
    assert found("GH-77") == ["Efua Prisonova"]
    assert found("100%") == [] and counted("_") == 0  # the user's wildcards match themselves
