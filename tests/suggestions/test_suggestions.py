"""HR's "Suggested candidates": ranked deployable experts, near misses apart, every run saved."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.common import i18n
from app.extensions import db
from app.models import (
    ExpertStatus,
    OrganisationKind,
    RequestStatus,
    Role,
    SuggestionEntry,
    SuggestionRun,
)
from app.roster import experts as expert_service
from app.suggestions import ranking, worker_index
from matching import SIGNALS
from tests.conftest import count
from tests.factories import expert_data, make_expert, make_organisation, make_request, make_user
from tests.pages import page_text
from tests.suggestions.police_roster import POLICE

DEPLOYABLE = "<h2>Deployable, ranked by fit</h2>"
NEAR_MISSES = "<h2>Not deployable (near misses)</h2>"


def sections(client, url: str) -> tuple[str, str]:
    """(deployable part, near-miss part) of the suggestions page."""
    response = client.get(url)
    assert response.status_code == 200
    page = page_text(response)
    assert NEAR_MISSES in page
    head, near = page.split(NEAR_MISSES)
    # The filter form lists every country: leave it out of the deployable part.
    deployable = head.split(DEPLOYABLE)[1] if DEPLOYABLE in head else head
    return deployable, near


def names_in(part: str, roster) -> list[str]:
    """Which roster experts appear in ``part``, in page order."""
    found = [(part.find(e.full_name), key) for key, e in roster.items() if e.full_name in part]
    return [key for _, key in sorted(found)]


def url(request_row, **args: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/review/requests/{request_row.id}/suggestions" + (f"?{query}" if query else "")


def test_hr_sees_ranked_deployable_experts_and_near_misses_apart(
    client, auth, hr, police_request, roster
):
    auth.login(hr.email)
    deployable, near = sections(client, url(police_request))

    assert names_in(deployable, roster) == ["best", "second", "irrelevant"]
    assert names_in(near, roster) == ["no_french"]
    assert "<li>French: needs B2, holds A2</li>" in near  # why not deployable
    assert re.search(r"French: needs B2, holds C1 <span[^>]*>✓", deployable)
    assert re.search(r"French: needs B2, holds A2 <span[^>]*>✗", near)
    assert "<td>Ghana</td>" in deployable  # the nominating member state
    assert f'href="/review/experts/{roster["best"].id}"' in deployable
    run = ranking.latest_run(police_request.id)
    reasons = f"/review/requests/{police_request.id}/suggestions/{run.id}/{roster['second'].id}"
    assert f'href="{reasons}"' in deployable  # the details, on a page of their own

    page = page_text(client.get(url(police_request)))
    assert "Each ranking shown here is saved as a suggestion run" in page
    run = ranking.latest_run(police_request.id)
    at = run.created_at  # an aware datetime in UTC on every database (UtcDateTime)
    assert at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=5)
    assert f"#{run.id}, {i18n.moment(at)}" in page
    assert worker_index.MATCHER_VERSION in page


def test_each_view_is_saved_as_a_run_with_matcher_version_parameters_and_reasons(
    client, auth, hr, police_request, roster
):
    auth.login(hr.email)
    client.get(url(police_request))

    run = ranking.latest_run(police_request.id)
    assert run is not None and count(SuggestionRun) == 1
    assert run.created_by_id == hr.id
    assert run.matcher_version == worker_index.MATCHER_VERSION
    assert set(run.parameters["weights"]) == set(SIGNALS)
    assert run.filters == {}
    assert (run.roster_size, run.deployable_count) == (4, 3)
    entries = {e.expert_id: e for e in run.entries}
    assert set(entries) == {roster[k].id for k in ("best", "second", "irrelevant", "no_french")}
    best, miss = entries[roster["best"].id], entries[roster["no_french"].id]
    assert (best.rank, best.deployable, best.near_miss) == (1, True, False)
    assert set(best.components) == set(SIGNALS)
    assert best.score == pytest.approx(sum(best.components.values()), abs=1e-4)
    assert best.explanation["matched_skills"] == [
        "handle case evidence",
        "supervise police officers",
    ]
    assert best.explanation["languages"] == [
        {"code": "fr", "required": "B2", "held": "C1", "met": True}
    ]
    assert (miss.rank, miss.deployable, miss.near_miss) == (1, False, True)
    assert miss.explanation["reasons"] == ["language fr: needs B2, holds A2"]

    client.get(url(police_request, nationality="SN"))
    assert count(SuggestionRun) == 2
    assert ranking.latest_run(police_request.id).filters == {"nationalities": ["SN"]}


def reasons_url(request_row, run_id: int, expert_id: int) -> str:
    return f"/review/requests/{request_row.id}/suggestions/{run_id}/{expert_id}"


def test_a_suggestions_reasons_are_on_a_page_of_their_own(client, auth, hr, police_request, roster):
    auth.login(hr.email)
    client.get(url(police_request))
    run = ranking.latest_run(police_request.id)

    second = page_text(client.get(reasons_url(police_request, run.id, roster["second"].id)))
    assert "Why Jean Mugabo is suggested" in second
    assert "Works in Security" in second
    assert "Missing: supervise police officers" in second
    assert "<meter" in second and f"suggestion run #{run.id}" in second
    near = page_text(client.get(reasons_url(police_request, run.id, roster["no_french"].id)))
    assert "Why not deployable" in near and "French: needs B2, holds A2" in near


def test_reasons_are_only_those_of_the_run_and_request_named(
    client, auth, hr, police_request, roster, mission
):
    auth.login(hr.email)
    client.get(url(police_request))
    run = ranking.latest_run(police_request.id)
    other = make_request(mission, RequestStatus.SUBMITTED, title="another request")
    outsider = make_expert(roster["best"].organisation, full_name="Not Ranked", areas=[])
    assert client.get(reasons_url(other, run.id, roster["best"].id)).status_code == 404
    assert (
        client.get(reasons_url(police_request, run.id + 99, roster["best"].id)).status_code == 404
    )
    assert client.get(reasons_url(police_request, run.id, outsider.id)).status_code == 404


def test_the_first_screen_stays_light_with_a_full_page_of_suggestions(
    client, auth, hr, police_request, ghana
):
    for i in range(70):  # 50 deployable shown and 20 near misses: the most the page shows
        make_expert(ghana, full_name=f"Officer {i:02d}", skills=["handle case evidence"],
                    areas=["security"], languages=[("fr", "C1" if i < 50 else "A1")])  # fmt: skip
    auth.login(hr.email)
    for language in ("en", "fr", "es", "ar"):  # Arabic takes two bytes a letter
        hr.language = language
        db.session.commit()
        response = client.get(url(police_request))
        assert response.status_code == 200
        assert len(response.data) <= 80_000, (language, len(response.data))
    hr.language = "en"
    db.session.commit()
    first = page_text(client.get(url(police_request)))
    assert first.count("All reasons<span") == 30  # the 20 best deployable and 10 near misses
    assert "Show the 40 more suggestions of this run" in first
    everything = page_text(client.get(url(police_request, nationality="GH", show="all")))
    assert everything.count("All reasons<span") == 70
    assert count(SuggestionRun) == 2  # the whole roster, and Ghana's: shown, not ranked again


def test_an_unchanged_ranking_is_saved_once_and_a_change_saves_a_new_one(
    client, auth, hr, hr2, police_request, roster
):
    auth.login(hr.email)
    client.get(url(police_request))
    client.get(url(police_request))
    first = ranking.latest_run(police_request.id)
    auth.login(hr2.email)  # another reviewer sees the same ranking: the same run
    client.get(url(police_request))
    assert count(SuggestionRun) == 1 and first.fingerprint and first.created_by_id == hr.id

    client.get(url(police_request, nationality="SN"))
    client.get(url(police_request))  # back to the whole roster, unchanged: the first run
    assert count(SuggestionRun) == 2

    roster["second"].title = "Chief inspector of police"  # the roster changed
    db.session.commit()
    client.get(url(police_request))
    assert count(SuggestionRun) == 3

    worker_index.request_reindex("test")  # a new index generation
    client.get(url(police_request))
    assert count(SuggestionRun) == 4

    police_request.duty_station = "Bamako"  # the request changed (its version)
    db.session.commit()
    client.get(url(police_request))
    assert count(SuggestionRun) == 5
    assert len({r.fingerprint for r in db.session.query(SuggestionRun)}) == 5


@pytest.mark.parametrize(
    ("args", "deployable", "near"),
    [
        ({"nationality": "SN"}, ["best"], []),
        ({"gender": "female"}, ["best", "irrelevant"], []),
        ({"global_south": "yes"}, ["best", "second"], ["no_french"]),
        ({"global_south": "no"}, ["irrelevant"], []),
        ({"language": "fr", "min_level": "C1"}, ["best", "irrelevant"], []),
        ({"language": "en"}, ["best", "irrelevant"], ["no_french"]),
        ({"nationality": "GH", "gender": "male"}, [], ["no_french"]),
    ],
)
def test_filters_narrow_the_list(client, auth, hr, police_request, roster, args, deployable, near):
    auth.login(hr.email)
    deployable_part, near_part = sections(client, url(police_request, **args))
    assert names_in(deployable_part, roster) == deployable
    assert names_in(near_part, roster) == near
    run = ranking.latest_run(police_request.id)
    assert run.roster_size == len(deployable) + len(near)


def test_a_wrong_filter_value_is_ignored_not_an_error(client, auth, hr, police_request, roster):
    auth.login(hr.email)
    deployable, near = sections(client, url(police_request, nationality="XX", global_south="maybe"))
    assert names_in(deployable, roster) == ["best", "second", "irrelevant"]
    assert ranking.latest_run(police_request.id).filters == {}


def test_the_index_follows_edits_and_registrations_without_a_restart(
    client, auth, hr, focal, ghana, police_request, roster
):
    auth.login(hr.email)
    deployable, near = sections(client, url(police_request))
    assert "no_french" not in names_in(deployable, roster)

    kwame = roster["no_french"]
    edited = expert_data(
        **(POLICE | {"full_name": kwame.full_name, "nationality": "GH", "gender": "male"}),
        languages=[("en", "C2"), ("fr", "C1")],
    )
    expert_service.update(kwame, edited, focal, "2026-11")
    newcomer = expert_service.register(
        expert_data(
            **(POLICE | {"full_name": "Nana Asante", "nationality": "GH"}),
            languages=[("fr", "C2")],
        ),
        ghana,
        focal,
        "2026-11",
    )
    roster = roster | {"newcomer": newcomer}

    deployable, near = sections(client, url(police_request))
    assert "no_french" in names_in(deployable, roster)
    assert "newcomer" in names_in(deployable, roster)
    assert names_in(near, roster) == []

    # Withdrawing (or losing consent) takes an expert off the suggestions at once.
    roster["best"].status = ExpertStatus.WITHDRAWN
    newcomer.consent_given_at = None
    db.session.commit()
    deployable, near = sections(client, url(police_request))
    names = names_in(deployable, roster) + names_in(near, roster)
    assert "best" not in names and "newcomer" not in names


def test_withdrawn_and_unconsented_experts_are_never_suggested(
    client, auth, hr, police_request, roster
):
    auth.login(hr.email)
    deployable, near = sections(client, url(police_request))
    page = deployable + near
    assert "Withdrawn Wiredu" not in page and "Unconsented Owusu" not in page
    saved = db.session.scalars(sa.select(SuggestionEntry.expert_id)).all()
    assert roster["withdrawn"].id not in saved and roster["no_consent"].id not in saved


def test_the_request_page_links_to_suggestions(client, auth, hr, police_request):
    auth.login(hr.email)
    page = client.get(f"/review/requests/{police_request.id}").get_data(as_text=True)
    assert f'href="{url(police_request)}"' in page


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.FOCAL_POINT])
def test_requesters_and_focal_points_are_refused(
    client, auth, mission, ghana, police_request, roster, role
):
    user = make_user(role, mission if role is Role.REQUESTER else ghana)
    auth.login(user.email)
    assert client.get(url(police_request)).status_code == 403
    assert count(SuggestionRun) == 0


def test_anonymous_users_are_sent_to_log_in(client, police_request):
    response = client.get(url(police_request))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_hr_gets_404_for_a_draft_or_unknown_request(client, auth, hr, mission, roster):
    draft = make_request(mission, title="secret draft adviser")
    auth.login(hr.email)
    assert client.get(url(draft)).status_code == 404
    assert client.get("/review/requests/999999/suggestions").status_code == 404
    assert count(SuggestionRun) == 0


@pytest.mark.parametrize("status", [RequestStatus.FILLED, RequestStatus.CANCELLED])
def test_closed_requests_are_not_matched(client, auth, hr, mission, roster, status):
    closed = make_request(mission, status, title="finished adviser post")
    auth.login(hr.email)
    response = client.get(url(closed))
    assert response.status_code == 200
    assert "only submitted, open and selection requests are matched" in response.get_data(
        as_text=True
    )
    assert count(SuggestionRun) == 0
    request_page = client.get(f"/review/requests/{closed.id}").get_data(as_text=True)
    assert "/suggestions" not in request_page


def test_a_run_is_read_back_with_its_experts_in_one_query(app, hr, police_request, roster):
    run = ranking.run_suggestions(police_request, hr, None)
    statements: list[str] = []

    def remember(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    db.session.expire_all()
    run = db.session.get(SuggestionRun, run.id)
    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        view = ranking.run_view(run)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)
    assert len(statements) == 1
    assert [c.full_name for c in view.deployable][0] == "Aminata Diallo"
    assert [c.nominated_by for c in view.near_misses] == ["Ghana"]
    best = view.deployable[0]
    assert best.global_south and best.nationality == "SN"
    assert sum(s.share for s in best.shares) == pytest.approx(1.0)


def test_experts_of_other_member_states_are_ranked_too(client, auth, hr, police_request, roster):
    senegal = make_organisation(OrganisationKind.MEMBER_STATE, "Senegal", "SN")
    make_expert(senegal, **(POLICE | {"full_name": "Moussa Ndiaye", "nationality": "SN"}))
    auth.login(hr.email)
    deployable, _ = sections(client, url(police_request))
    assert "Moussa Ndiaye" in deployable and "<td>Senegal</td>" in deployable


# Relevance bands ------------------------------------------------------------------------------


def band_of(part: str, expert) -> str | None:
    """The band badge in the row of ``expert`` (the row holds their name)."""
    for row in re.findall(r"<tr>.*?</tr>", part, re.S):
        if expert.full_name in row:
            found = re.search(r'class="badge band-(\w+)"', row)
            return found.group(1) if found else None
    return None


OTHER_WORK = [
    ("court administrator", "Manages court registries and case files.", "justice"),
    ("electoral officer", "Organises voter registration and polling.", "political_processes"),
    ("budget analyst", "Prepares public budgets and expenditure reviews.", "core_government"),
    ("land surveyor", "Surveys land parcels for cadastral records.", "economic_revitalization"),
    ("gender adviser", "Advises on gender mainstreaming in public policy.", "core_government"),
    ("customs officer", "Inspects cargo and collects import duties.", "economic_revitalization"),
    ("film producer", "Produces documentary films and television series.", None),
    ("journalist", "Reports and edits news for radio and print.", None),
    ("hydrologist", "Models groundwater for irrigation schemes.", "economic_revitalization"),
    ("prison governor", "Runs a prison and the rehabilitation of detainees.", "justice"),
    ("parliamentary clerk", "Drafts the order paper of a parliament.", "political_processes"),
    ("tax inspector", "Audits company tax returns.", "core_government"),
    ("agronomist", "Advises farmers on crops and soil.", "economic_revitalization"),
    ("public prosecutor", "Prosecutes criminal cases before the courts.", "justice"),
    ("statistician", "Runs national household surveys.", "core_government"),
    ("civil engineer", "Designs roads and bridges.", None),
    ("nurse", "Cares for patients in a district hospital.", None),
    ("translator", "Translates legal documents between French and English.", None),
    ("mediator", "Mediates local conflicts over land and water.", "political_processes"),
    ("auditor", "Audits public accounts for the supreme audit institution.", "core_government"),
]


@pytest.fixture
def diverse(ghana, roster):
    """The roster with people of other trades, as a real roster has: a relevant profile stands
    out of them (bands read closeness against the roster's crowd)."""
    for index, (title, summary, area) in enumerate(OTHER_WORK):
        make_expert(
            ghana,
            full_name=f"Other Trade {index}",
            title=title,
            summary=summary,
            skills=[title],
            areas=[area] if area else [],
            languages=[("fr", "C1")],
            years_experience=20,
            available_from=date(2027, 1, 1),
            modalities=["government_provided"],
        )
    db.session.commit()
    worker_index.roster_index().rebuild()
    return roster


def test_each_suggestion_has_its_band_and_weak_ones_are_folded_away(
    client, auth, hr, police_request, diverse
):
    roster = diverse
    auth.login(hr.email)
    deployable, _near = sections(client, url(police_request, show="all"))  # the whole run
    shown, _, folded = deployable.partition('<details class="weak" id="weak-deployable">')
    assert band_of(shown, roster["best"]) == "strong"
    assert "Strong match (relevance" in shown
    # The hydrologist is deployable, experienced and available enough, but irrelevant.
    assert roster["irrelevant"].full_name not in shown
    assert band_of(folded, roster["irrelevant"]) == "weak"
    assert "weak matches among the deployable, folded away" in folded
    assert "No deployable suggestion is a strong match" not in deployable
    run = ranking.latest_run(police_request.id)
    bands = {e.expert_id: (e.band, e.relevance) for e in run.entries}
    assert bands[roster["irrelevant"].id][0] == "weak"
    assert bands[roster["best"].id][0] == "strong" and bands[roster["best"].id][1] > 0.5
    assert run.strong_deployable >= 1


def test_a_request_nobody_fits_says_there_is_no_strong_match(client, auth, hr, mission, diverse):
    pilots = make_request(
        mission,
        RequestStatus.SUBMITTED,
        title="air traffic controller",
        area="core_government",
        terms_of_reference="Control aircraft movements at the mission's airfield; issue flight "
        "clearances and coordinate with civil aviation authorities.",
        skills=["control air traffic", "issue flight clearances"],
        languages=[("fr", "B2")],
        start_date=date(2027, 3, 4),
        modality="government_provided",
    )
    auth.login(hr.email)
    page = page_text(client.get(url(pilots)))
    assert "No deployable suggestion is a strong match for this request" in page
    assert ranking.latest_run(pilots.id).strong_deployable == 0
    # A filtered view says the same, but does not count for the dashboard's gaps.
    page = page_text(client.get(url(pilots, gender="female")))
    assert "No deployable suggestion is a strong match for this request" in page
    assert ranking.latest_run(pilots.id).strong_deployable is None
