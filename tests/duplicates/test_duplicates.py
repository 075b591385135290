"""Experts registered twice: flagged to the focal point and HR, merged without losing history."""

from __future__ import annotations

import itertools
import random
import re
from difflib import SequenceMatcher
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.common.errors import Conflict, NotAllowed
from app.duplicates import finding as duplicates
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    Expert,
    ExpertStatus,
    NotDuplicate,
    RequestStatus,
)
from app.roster import experts as expert_service
from app.suggestions.worker_index import load_profiles
from tests.cast import member_state
from tests.conftest import age_logins, count, submit_form
from tests.factories import expert_data, make_expert, make_organisation, make_request


@pytest.fixture
def ghana(app):
    """Named in full, not the shared cast's "Government of GH": HR's page is read for it."""
    return make_organisation(name="Government of Ghana", country="GH")


@pytest.fixture
def senegal(app):
    """Named in full: HR's page shows it; Ghana's focal point's pages must not show "Senegal"."""
    return make_organisation(name="Government of Senegal", country="SN")


def pairs(organisation_id=None) -> set[tuple[int, int]]:
    return {(m.first_id, m.second_id) for m in duplicates.find(organisation_id)}


def pair(a: Expert, b: Expert) -> tuple[int, int]:
    return (min(a.id, b.id), max(a.id, b.id))


def events(expert: Expert, action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(
        AuditEvent.entity_type == "expert", AuditEvent.entity_id == expert.id,
        AuditEvent.action == action,
    )  # fmt: skip
    return list(db.session.scalars(query))


def reload(expert: Expert) -> Expert:
    db.session.expire_all()
    fresh = db.session.get(Expert, expert.id)
    assert fresh is not None
    return fresh


# ---- finding ---------------------------------------------------------------------------------


def test_names_compare_without_case_accents_or_word_order():
    assert duplicates.name_key("  José  ÁLVAREZ-Núñez ") == "alvarez jose nunez"
    assert duplicates.similar_names("Nunez, Jose Alvarez", "José Álvarez Núñez")
    assert duplicates.similar_names("Grace Mensah", "Grace Mensa")  # a typo
    assert duplicates.similar_names("Mensah Grace Grace", "Grace Mensah")  # the same words
    assert not duplicates.similar_names("Kofi Boateng", "Grace Mensah")
    assert not duplicates.similar_names("Kwame Mensah", "Kofi Mensah")


def test_same_email_is_flagged_whatever_its_case_and_spaces(ghana):
    a = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    b = make_expert(ghana, full_name="Abena Owusu-Ansah", email="other@example.org")
    c = make_expert(ghana, full_name="Someone Else", email="third@example.org")
    # Stored as an older import might have left it: not lowered, with spaces.
    db.session.execute(sa.update(Expert).where(Expert.id == b.id).values(email=" AMA@Example.ORG "))
    db.session.commit()
    assert pairs() == {pair(a, b)}
    assert duplicates.find()[0].same_email and not duplicates.find()[0].similar_name
    assert pair(a, c) not in pairs()


def test_similar_names_need_the_same_nationality_and_birth_year(ghana, senegal):
    a = make_expert(ghana, full_name="José Álvarez Núñez", birth_year=1975, nationality="GH")
    b = make_expert(senegal, full_name="alvarez nunez jose", birth_year=1975, nationality="GH")
    typo = make_expert(ghana, full_name="Jose Alvares Nunez", birth_year=1975, nationality="GH")
    make_expert(ghana, full_name="José Álvarez Núñez", birth_year=1976, nationality="GH")
    make_expert(ghana, full_name="José Álvarez Núñez", birth_year=1975, nationality="SN")
    make_expert(ghana, full_name="José Álvarez Núñez", birth_year=None, nationality="GH")
    make_expert(ghana, full_name="Kofi Boateng", birth_year=1975, nationality="GH")
    assert pairs() == {pair(a, b), pair(a, typo), pair(b, typo)}
    assert all(m.similar_name and not m.same_email for m in duplicates.find())


def test_a_focal_point_sees_only_pairs_touching_their_member_state(ghana, senegal):
    other = member_state("KE")
    ours = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    theirs = make_expert(senegal, full_name="Ama Owusu", email="ama@example.org")
    make_expert(other, full_name="Kip Kemboi", email="kip@example.org")
    make_expert(senegal, full_name="Kip Kemboi", email="kip@example.org")
    assert pairs(ghana.id) == {pair(ours, theirs)}
    assert len(pairs()) == 2
    assert duplicates.count(ghana.id) == 1


def test_not_duplicate_stops_the_flag_and_is_audited(ghana, focal):
    a = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    b = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    duplicates.not_duplicate(b, a, focal)
    duplicates.not_duplicate(a, b, focal)  # a second click changes nothing
    decision = db.session.scalars(sa.select(NotDuplicate)).one()
    assert (decision.expert_id, decision.other_id, decision.decided_by_id) == (a.id, b.id, focal.id)
    assert pairs() == set() and duplicates.matches_of(a) == []
    assert len(events(a, "expert.not_duplicate")) == len(events(b, "expert.not_duplicate")) == 1
    assert f"#{b.id}" in events(a, "expert.not_duplicate")[0].note


def test_merged_and_erased_records_are_not_flagged(ghana):
    a = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    b = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    c = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    b.status = ExpertStatus.MERGED
    c.erased_at = sa.func.now()
    db.session.commit()
    assert pairs() == set()
    assert duplicates.matches_of(a) == []


def test_the_block_bound_finds_exactly_what_comparing_every_pair_finds():
    """The numpy bound only skips pairs that cannot reach the threshold."""
    rng = random.Random(7)
    syllables = ["ka", "mo", "ne", "si", "ta", "lu", "ba", "ri", "é", "ő", "ng"]
    names = []
    for _ in range(300):
        words = ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(2)]
        names.append(" ".join(words))
        if rng.random() < 0.3:  # a near copy: one letter changed
            text = list(names[-1])
            text[rng.randrange(len(text))] = rng.choice("aeiouz")
            names.append("".join(text))
    members = [SimpleNamespace(id=i, organisation_id=1, full_name=n) for i, n in enumerate(names)]
    found = set(duplicates._similar_in_block(members, None))  # noqa: SLF001
    keys = [duplicates.name_key(n) for n in names]
    expected = {
        (i, j)
        for i, j in itertools.combinations(range(len(keys)), 2)
        if keys[i] == keys[j] or SequenceMatcher(None, keys[i], keys[j]).ratio() >= 0.85
    }
    assert found == expected and len(expected) > 20


# ---- merging ---------------------------------------------------------------------------------


@pytest.fixture
def twins(ghana):
    keep = make_expert(
        ghana,
        full_name="Ama Owusu",
        email="ama@example.org",
        birth_year=1980,
        skills=["legislative drafting"],
        languages=[("en", "C2")],
        areas=["justice"],
        modalities=["consultant"],
        countries_of_experience=["LR"],
    )
    drop = make_expert(
        ghana,
        full_name="Ama Owusu",
        email="ama@example.org",
        birth_year=1980,
        skills=["legislative drafting", "court administration"],
        languages=[("en", "B2"), ("fr", "B1")],
        areas=["justice", "security"],
        modalities=["consultant", "staff"],
        countries_of_experience=["LR", "SS"],
    )
    return keep, drop  # fmt: skip


def test_merging_moves_candidates_and_adds_what_the_kept_record_lacks(
    app, ghana, hr, twins, mission
):
    keep, drop = twins
    one, two = (make_request(mission, RequestStatus.OPEN) for _ in range(2))
    moving = Candidate(request=one, expert=drop, state=CandidateState.SHORTLISTED)
    both = [Candidate(request=two, expert=keep), Candidate(request=two, expert=drop)]
    db.session.add_all([moving, *both])
    db.session.commit()
    duplicates.merge(keep, drop, hr, keep.version, drop.version)

    keep, drop = reload(keep), reload(drop)
    assert drop.status is ExpertStatus.MERGED and drop.merged_into_id == keep.id
    assert db.session.get(Candidate, moving.id).expert_id == keep.id
    assert db.session.get(Candidate, moving.id).state is CandidateState.SHORTLISTED
    # keep was already a candidate for request two: drop's row stays where it was, readable
    assert db.session.get(Candidate, both[1].id).expert_id == drop.id
    assert {s.name for s in keep.skills} == {"legislative drafting", "court administration"}
    assert {(lang.code, lang.level) for lang in keep.languages} == {("en", "C2"), ("fr", "B1")}
    assert {a.code for a in keep.areas} == {"justice", "security"}
    assert {m.modality for m in keep.modalities} == {"consultant", "staff"}
    assert {c.country for c in keep.countries} == {"LR", "SS"}
    assert {s.name for s in drop.skills} == {"legislative drafting", "court administration"}

    kept_event, = events(keep, "expert.merged")  # fmt: skip
    dropped_event, = events(drop, "expert.merged")  # fmt: skip
    assert (
        kept_event.after["merged_from"] == drop.id and dropped_event.after["merged_into"] == keep.id
    )
    assert "court administration" in kept_event.note and "fr B1" in kept_event.note
    assert f"#{moving.id}" in kept_event.note and f"#{both[1].id}" in kept_event.note
    assert dropped_event.before["status"] == "active" and dropped_event.after["status"] == "merged"
    assert kept_event.actor_id == hr.id

    # The dropped record is no longer suggested nor flagged; the kept one is suggested.
    profiles, _ = load_profiles()
    assert {p.expert_id for p in profiles} == {keep.id}
    assert pairs() == set()


def test_a_merge_refreshes_the_matching_index(app, ghana, hr, twins):
    keep, drop = twins
    before = reload(keep).updated_at
    duplicates.merge(keep, drop, hr, keep.version, drop.version)
    assert reload(keep).updated_at > before
    profiles, gone = load_profiles(changed_since=before)
    assert drop.id in gone and [p.expert_id for p in profiles] == [keep.id]
    assert "court administration" in profiles[0].skills


def test_a_stale_version_is_a_conflict_and_changes_nothing(app, focal, twins):
    keep, drop = twins
    with pytest.raises(Conflict):
        duplicates.merge(keep, drop, focal, keep.version, drop.version - 1)
    assert reload(drop).status is ExpertStatus.ACTIVE
    assert count(AuditEvent) == 0


def test_refused_merges(app, ghana, senegal, focal, hr, twins, requester):
    keep, drop = twins
    theirs = make_expert(senegal, full_name="Ama Owusu", email="ama@example.org")
    with pytest.raises(NotAllowed, match="itself"):
        duplicates.merge(keep, keep, hr, keep.version, keep.version)
    with pytest.raises(NotAllowed, match="only UN HR"):
        duplicates.merge(keep, theirs, focal, keep.version, theirs.version)
    with pytest.raises(NotAllowed, match="only UN HR"):
        duplicates.not_duplicate(keep, theirs, focal)
    with pytest.raises(NotAllowed):
        duplicates.merge(keep, drop, requester, keep.version, drop.version)
    duplicates.merge(keep, drop, focal, keep.version, drop.version)
    drop = reload(drop)
    with pytest.raises(NotAllowed, match="already merged"):
        duplicates.merge(theirs, drop, hr, theirs.version, drop.version)
    assert reload(theirs).status is ExpertStatus.ACTIVE


# ---- pages -----------------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def post_pair(client, page: str, action: str, a: Expert, b: Expert, **extra):
    data = {"first_id": a.id, "second_id": b.id, "first_version": a.version,
            "second_version": b.version, **extra}  # fmt: skip
    return submit_form(client, page, data, action=action)


def test_focal_point_merges_a_pair_of_their_own_on_the_page(client, auth, focal, twins):
    keep, drop = twins
    auth.login(focal.email)
    html = client.get("/roster/").get_data(as_text=True)
    assert "1 possible duplicate" in html and "/roster/duplicates" in html
    html = client.get(f"/roster/{drop.id}").get_data(as_text=True)
    assert "Possible duplicates" in html and f"/roster/{keep.id}" in html
    html = client.get("/roster/duplicates").get_data(as_text=True)
    assert (
        "same email" in html and "Merge the two records" in html and "Not the same person" in html
    )

    response = post_pair(client, "/roster/duplicates", "/roster/duplicates/merge", keep, drop,
                         keep=keep.id)  # fmt: skip
    assert response.status_code == 302
    assert reload(drop).status is ExpertStatus.MERGED
    html = client.get(f"/roster/{drop.id}").get_data(as_text=True)
    assert "This record was merged into" in html and f"/roster/{keep.id}" in html
    assert "possible duplicate" not in client.get("/roster/").get_data(as_text=True)


def test_a_stale_page_gets_a_conflict_message(client, auth, focal, twins):
    keep, drop = twins
    auth.login(focal.email)
    token = TOKEN.search(client.get("/roster/duplicates").get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "first_id": keep.id, "second_id": drop.id, "keep": drop.id,
            "first_version": keep.version, "second_version": drop.version}  # fmt: skip
    keep.title = "changed meanwhile"
    db.session.commit()
    response = client.post("/roster/duplicates/merge", data=data, follow_redirects=True)
    assert "changed by someone else" in response.get_data(as_text=True)
    assert reload(drop).status is ExpertStatus.ACTIVE


def test_focal_point_records_not_the_same_person(client, auth, focal, twins):
    keep, drop = twins
    auth.login(focal.email)
    response = post_pair(
        client, "/roster/duplicates", "/roster/duplicates/not-the-same", keep, drop
    )
    assert response.status_code == 302
    assert count(NotDuplicate) == 1
    assert "No possible duplicates" in client.get("/roster/duplicates").get_data(as_text=True)


def test_focal_point_sees_nothing_personal_of_another_states_record(
    client, auth, ghana, senegal, focal
):
    ours = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org", phone="+233 1")
    theirs = make_expert(senegal, full_name="Ama Owusou", email="ama@example.org",
                         phone="+221 77 000", title="Senegalese judge")  # fmt: skip
    auth.login(focal.email)
    for page in ("/roster/duplicates", f"/roster/{ours.id}", "/roster/"):
        html = client.get(page).get_data(as_text=True)
        assert "Ama Owusou" not in html and "+221" not in html and "Senegalese judge" not in html
        assert f"/roster/{theirs.id}" not in html and "Senegal" not in html
    html = client.get("/roster/duplicates").get_data(as_text=True)
    assert "registered by another member state" in html and "UN HR can merge" in html
    assert "Merge the two records" not in html
    # Forged forms naming the other state's record: not found, and nothing changes.
    for action in ("/roster/duplicates/merge", "/roster/duplicates/not-the-same"):
        response = post_pair(client, "/roster/duplicates", action, ours, theirs, keep=ours.id)
        assert response.status_code == 404
    assert reload(theirs).status is ExpertStatus.ACTIVE and count(NotDuplicate) == 0


def test_forged_and_broken_posts(client, auth, focal, focal_sn, twins):
    keep, drop = twins
    auth.login(focal.email)
    page, merge = "/roster/duplicates", "/roster/duplicates/merge"
    ghost = SimpleNamespace(id=999_999, version=1)
    assert post_pair(client, page, merge, keep, ghost, keep=keep.id).status_code == 404
    assert post_pair(client, page, merge, keep, drop, keep=12345).status_code == 400
    assert post_pair(client, page, merge, keep, drop, keep="x").status_code == 400
    assert post_pair(client, page, merge, keep, drop).status_code == 400  # no choice
    data = {"first_id": keep.id, "second_id": drop.id, "keep": keep.id,
            "first_version": keep.version, "second_version": drop.version}  # fmt: skip
    assert client.post(merge, data=data).status_code == 400  # no CSRF token
    auth.logout()
    auth.login(focal_sn.email)  # another member state's focal point
    response = post_pair(client, page, merge, keep, drop, keep=keep.id)
    assert response.status_code == 404
    assert reload(drop).status is ExpertStatus.ACTIVE


def test_hr_sees_and_merges_across_member_states(client, auth, ghana, senegal, hr):
    ours = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    theirs = make_expert(senegal, full_name="Ama Owusou", email="ama@example.org")
    auth.login(hr.email)
    html = client.get("/review/duplicates").get_data(as_text=True)
    assert (
        "Ama Owusou" in html and "Government of Senegal" in html and "Government of Ghana" in html
    )
    response = post_pair(client, "/review/duplicates", "/review/duplicates/merge", ours, theirs,
                         keep=theirs.id)  # fmt: skip
    assert response.status_code == 302
    assert reload(ours).merged_into_id == theirs.id
    ghost = SimpleNamespace(id=999_999, version=1)
    response = post_pair(client, "/review/duplicates", "/review/duplicates/not-the-same",
                         theirs, ghost)  # fmt: skip
    assert response.status_code == 404


def test_hr_records_not_the_same_person_across_states(client, auth, ghana, senegal, hr, focal):
    ours = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    theirs = make_expert(senegal, full_name="Ama Owusou", email="ama@example.org")
    auth.login(hr.email)
    response = post_pair(client, "/review/duplicates", "/review/duplicates/not-the-same",
                         ours, theirs)  # fmt: skip
    assert response.status_code == 302 and count(NotDuplicate) == 1
    auth.logout()
    auth.login(focal.email)
    assert "possible duplicate" not in client.get(f"/roster/{ours.id}").get_data(as_text=True)


def test_a_record_merged_by_hr_into_another_state_shows_no_link(client, auth, ghana, senegal, hr,
                                                                focal):  # fmt: skip
    ours = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    theirs = make_expert(senegal, full_name="Ama Owusou", email="ama@example.org")
    duplicates.merge(theirs, ours, hr, theirs.version, ours.version)
    auth.login(focal.email)
    html = client.get(f"/roster/{ours.id}").get_data(as_text=True)
    assert "a record of another member state, by UN HR" in html and "Ama Owusou" not in html


@pytest.mark.parametrize("page", ["/roster/duplicates", "/review/duplicates"])
def test_who_may_see_the_duplicates_pages(client, auth, focal, hr, requester, page):
    assert client.get(page).status_code == 302  # to the login page
    auth.login(requester.email)
    assert client.get(page).status_code == 403
    auth.logout()
    auth.login(hr.email if page.startswith("/roster") else focal.email)
    assert client.get(page).status_code == 403


def test_the_list_of_pairs_is_paged(app, client, auth, ghana, focal):
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        for _ in range(2):
            make_expert(ghana, full_name=f"Person {n}", email=f"p{n}@example.org")
    auth.login(focal.email)
    html = client.get("/roster/duplicates?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in html and html.count('class="card duplicate-pair"') == 1
    assert "Page 3 of 3" in client.get("/roster/duplicates?page=99").get_data(as_text=True)


def test_a_merged_record_is_neither_edited_nor_put_forward(app, ghana, hr, focal, mission):
    keep = make_expert(ghana, full_name="Ama Owusu")
    drop = make_expert(ghana, full_name="Ama  Owusu")
    duplicates.merge(keep, drop, focal, keep.version, drop.version)
    with pytest.raises(Conflict, match=f"merged into expert #{keep.id}"):
        expert_service.update(drop, expert_data(full_name="Ama O."), focal, "2026-11")
    request = make_request(mission, RequestStatus.OPEN)
    with pytest.raises(NotAllowed, match="merged or erased"):
        candidates.add(request, drop, hr)


def test_an_old_login_confirms_it_is_you_before_merging(client, auth, focal, twins):
    keep, drop = twins
    auth.login(focal.email)
    age_logins(focal)
    data = {"first_id": keep.id, "second_id": drop.id, "first_version": keep.version,
            "second_version": drop.version, "keep": keep.id}  # fmt: skip
    response = submit_form(client, "/roster/duplicates", data, action="/roster/duplicates/merge",
                           headers={"Referer": "http://localhost/roster/duplicates"})  # fmt: skip
    assert response.headers["Location"] == "/account/confirm?next=/roster/duplicates"
    assert reload(drop).status is not ExpertStatus.MERGED
