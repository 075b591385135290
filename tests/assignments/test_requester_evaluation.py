"""The mission's requester evaluates the assignment of a deployed or completed candidate of
their own request, on a page of theirs; another mission's requester, or a candidate not yet
deployed, is "not found"; recording again replaces it; a colleague's is neither shown nor
replaced; HR reads both evaluations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.assignments import evaluation
from app.candidates import workflow as candidates
from app.common.errors import NotAllowed
from app.extensions import db
from app.models import AuditEvent, CandidateState, Evaluation, EvaluatorRole, Role
from tests.conftest import count, login
from tests.factories import make_user, rated
from tests.pages import page_text

S = CandidateState
CODES = ("technical_expertise", "teamwork", "communication", "adaptability", "integrity")


def url(candidate) -> str:
    return f"/assignments/{candidate.id}/evaluation"


def post(client, candidate, **fields):
    page = client.get(url(candidate)).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return client.post(url(candidate), data={"csrf_token": token, **fields})


@pytest.fixture
def deployed(selected, hr1):
    candidates.move(selected, S.DEPLOYED, hr1)
    return selected


def test_the_requester_evaluates_their_own_requests_assignment(client, deployed, requester, hr1):
    login(client, requester.email)
    shown = page_text(client.get(f"/requests/{deployed.request_id}"))
    assert "Evaluate the assignment of Ama Owusu" in shown
    page = client.get(url(deployed))
    assert page.status_code == 200 and "Your evaluation of Ama Owusu" in page_text(page)

    saved = post(client, deployed, **{c: "5" for c in CODES}, comment="A great colleague.")
    assert saved.status_code == 302
    [row] = db.session.scalars(sa.select(Evaluation)).all()
    assert (row.evaluator_role, row.author_id, row.comment) == (
        EvaluatorRole.REQUESTER, requester.id, "A great colleague.",
    )  # fmt: skip
    again = post(client, deployed, **{c: "3" for c in CODES}, comment="")
    assert again.status_code == 302
    db.session.expire_all()
    [row] = db.session.scalars(sa.select(Evaluation)).all()  # replaced, not a second one
    assert set(row.ratings.values()) == {3} and row.comment is None
    assert db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("evaluation.%"))
    ).all() == ["evaluation.recorded", "evaluation.replaced"]

    hr_browser = login(client.application, hr1.email)
    shortlist = page_text(hr_browser.get(f"/review/requests/{deployed.request_id}/shortlist"))
    assert "By the requesting mission" in shortlist


def test_a_missing_rating_is_said_on_its_field_and_nothing_saved(client, deployed, requester):
    login(client, requester.email)
    answer = post(client, deployed, **{c: "4" for c in CODES[:-1]})
    assert answer.status_code == 422
    assert "rate integrity from 1 (poor) to 5 (excellent)" in page_text(answer)
    assert count(Evaluation) == 0


def test_another_missions_requester_finds_nothing(client, deployed, other_requester):
    login(client, other_requester.email)
    assert client.get(url(deployed)).status_code == 404
    assert client.post(url(deployed), data={c: "5" for c in CODES}).status_code in (400, 404)
    assert count(Evaluation) == 0
    with pytest.raises(NotAllowed):
        evaluation.by_requester(deployed, other_requester, rated())


def test_a_candidate_not_deployed_has_nothing_to_evaluate(client, selected, requester):
    login(client, requester.email)
    assert client.get(url(selected)).status_code == 404
    with pytest.raises(NotAllowed, match="no assignment to evaluate"):
        evaluation.by_requester(selected, requester, rated())


def test_other_roles_use_other_pages(client, deployed, hr1, focal):
    for user in (hr1, focal):
        assert login(client.application, user.email).get(url(deployed)).status_code == 403


def test_a_colleagues_evaluation_is_not_shown_nor_replaced(client, deployed, requester, mission):
    evaluation.by_requester(deployed, requester, rated(2, "Late on reports."))
    colleague = make_user(Role.REQUESTER, mission, email="req2@unmiss.example")
    login(client, colleague.email)
    page = page_text(client.get(url(deployed)))
    assert "already evaluated this assignment" in page and "Late on reports." not in page
    with pytest.raises(NotAllowed, match="only they change it"):
        evaluation.by_requester(deployed, colleague, rated(5))
    assert db.session.scalars(sa.select(Evaluation.comment)).one() == "Late on reports."


def test_a_completed_assignment_is_still_evaluated(client, deployed, requester, hr1):
    candidates.move(deployed, S.COMPLETED, hr1, evaluation=rated(4, "HR's view."))
    evaluation.by_requester(deployed, requester, rated(5, "The mission's view."))
    found = evaluation.of(deployed)
    assert found[EvaluatorRole.HR].comment == "HR's view."
    assert found[EvaluatorRole.REQUESTER].comment == "The mission's view."
