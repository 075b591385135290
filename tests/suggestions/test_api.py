"""Suggested candidates through the API: HR reads the roster ranked for a request, each
suggestion with its score, band, relevance and the explanation the suggestions page shows;
each reading is saved as a suggestion run, as each view of the page is."""

from __future__ import annotations

import pytest

from app.models import RequestStatus, SuggestionRun
from app.roster import experts as expert_service
from app.suggestions import ranking, worker_index
from matching import SIGNALS
from tests.api.client import caller
from tests.conftest import count
from tests.factories import expert_data, make_request
from tests.suggestions.police_roster import POLICE


def url(request_row, query: str = "") -> str:
    rid = request_row if isinstance(request_row, int) else request_row.id
    return f"/api/v1/requests/{rid}/suggestions" + (f"?{query}" if query else "")


def ids(rows) -> list[int]:
    return [row["expert_id"] for row in rows]


def test_hr_gets_ranked_candidates_with_score_band_relevance_and_explanation(
    client, hr, police_request, roster
):
    response = caller(client, hr).get(url(police_request))

    assert response.status_code == 200
    body = response.get_json()
    assert body["request_id"] == police_request.id
    best, second, irrelevant = (roster[k].id for k in ("best", "second", "irrelevant"))
    assert ids(body["deployable"]) == [best, second, irrelevant]
    assert ids(body["near_misses"]) == [roster["no_french"].id]
    assert roster["withdrawn"].id not in ids(body["deployable"] + body["near_misses"])

    top = body["deployable"][0]
    assert (top["rank"], top["deployable"], top["full_name"]) == (1, True, "Aminata Diallo")
    assert top["nominated_by"] == "Ghana" and top["nationality"] == "SN"
    assert top["band"] in ("strong", "possible") and top["band_label"]
    assert 0 < top["relevance"] <= 1
    assert top["score"] == pytest.approx(sum(s["contribution"] for s in top["signals"]), abs=1e-4)
    assert {s["signal"] for s in top["signals"]} == set(SIGNALS)
    assert sum(s["share"] for s in top["signals"]) == pytest.approx(1, abs=1e-6)
    said = top["explanation"]
    assert said["matched_skills"] == ["handle case evidence", "supervise police officers"]
    assert said["languages"] == [{"sentence": "French: needs B2, holds C1", "met": True}]
    assert "Works in Security" in said["fit"]
    assert said["relevance"].startswith(("Strong match", "Possible match"))
    assert body["deployable"][1]["explanation"]["missing_skills"] == ["supervise police officers"]
    assert body["deployable"][0]["score"] > body["deployable"][1]["score"]

    miss = body["near_misses"][0]
    assert miss["deployable"] is False
    assert miss["explanation"]["shortfalls"] == ["French: needs B2, holds A2"]

    # The reading is the run saved, as each view of the suggestions page is.
    run = ranking.latest_run(police_request.id)
    assert body["run"]["id"] == run.id and run.created_by_id == hr.id
    assert body["run"]["matcher_version"] == worker_index.MATCHER_VERSION
    assert (body["run"]["roster_size"], body["run"]["deployable_count"]) == (4, 3)
    assert {e.expert_id for e in run.entries} == set(ids(body["deployable"] + body["near_misses"]))


def test_the_explanation_is_in_the_caller_s_language(client, hr, police_request, roster):
    response = caller(client, hr).get(url(police_request), headers={"Accept-Language": "fr"})
    top = response.get_json()["deployable"][0]
    assert top["explanation"]["languages"][0]["sentence"] != "French: needs B2, holds C1"
    assert "Français" in top["explanation"]["languages"][0]["sentence"]


def test_limit_and_filters_narrow_the_ranking_and_are_saved_with_the_run(
    client, hr, police_request, roster
):
    api = caller(client, hr)
    first = api.get(url(police_request, "limit=1&near_misses=0")).get_json()
    assert ids(first["deployable"]) == [roster["best"].id] and first["near_misses"] == []
    assert first["run"]["deployable_count"] == 3  # the best one of three shown

    south = api.get(url(police_request, "global_south=true")).get_json()
    assert ids(south["deployable"]) == [roster["best"].id, roster["second"].id]
    assert ids(south["near_misses"]) == [roster["no_french"].id]
    assert ranking.latest_run(police_request.id).filters == {"global_south": True}

    french = api.get(url(police_request, "language=fr&min_level=C1")).get_json()
    assert ids(french["deployable"]) == [roster["best"].id, roster["irrelevant"].id]
    assert count(SuggestionRun) == 3

    wrong = api.get(url(police_request, "limit=0&gender=robot"))
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.get_json()["errors"]} == {"limit", "gender"}
    assert count(SuggestionRun) == 3


def test_the_index_follows_a_newly_registered_expert(
    client, hr, focal, ghana, police_request, roster
):
    api = caller(client, hr)
    before = api.get(url(police_request)).get_json()
    newcomer = expert_service.register(
        expert_data(**(POLICE | {"full_name": "Nana Asante", "languages": [("fr", "C2")]})),
        ghana,
        focal,
        expert_service.consent_version(),
    )
    after = api.get(url(police_request)).get_json()
    assert newcomer.id not in ids(before["deployable"])
    assert newcomer.id in ids(after["deployable"])


@pytest.mark.parametrize("who", ["requester", "focal"])
def test_requesters_and_focal_points_get_403(client, request, police_request, roster, who):
    user = request.getfixturevalue(who)
    response = caller(client, user).get(url(police_request))
    assert response.status_code == 403
    assert count(SuggestionRun) == 0


def test_unknown_and_draft_requests_are_404(client, hr, mission, roster):
    draft = make_request(mission, RequestStatus.DRAFT)
    api = caller(client, hr)
    assert api.get(url(999_999)).status_code == 404
    assert api.get(url(draft)).status_code == 404
    assert count(SuggestionRun) == 0


def test_a_closed_request_is_not_matched(client, hr, mission, roster):
    closed = make_request(mission, RequestStatus.CANCELLED)
    response = caller(client, hr).get(url(closed))
    assert response.status_code == 409
    assert (
        "only submitted, open and selection requests are matched" in (response.get_json()["detail"])
    )
    assert count(SuggestionRun) == 0


def test_the_document_names_the_operation(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/requests/{request_id}/suggestions"]["get"]
    assert operation["operationId"] == "read_suggestions"
    assert {p["name"] for p in operation["parameters"]} >= {"limit", "near_misses", "language"}
