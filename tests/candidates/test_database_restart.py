"""PostgreSQL restarted in the middle of a candidate move: the reviewer gets a clear page
(nothing was changed, try again), nothing of the move is saved, and the next request works
without restarting the app (the pool checks its connections before use)."""

from __future__ import annotations

import sqlalchemy as sa

from app.candidates import workflow
from app.extensions import db
from app.models import AuditEvent, Candidate, CandidateState, RequestStatus
from tests.conftest import csrf_token
from tests.factories import make_expert, make_request
from tests.pages import page_text


class RestartOnce:
    """Restart the real server just before the first statement that starts with ``prefix``
    runs: that statement then meets a connection the server cut."""

    def __init__(self, server, prefix: str):
        self.server, self.prefix, self.done = server, prefix, False

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not self.done and statement.lstrip().upper().startswith(self.prefix):
            self.done = True
            self.server.restart()


def test_a_restart_during_a_move_shows_a_clear_error_and_saves_nothing(
    restartable_postgres, client, auth, ghana, mission, hr1
):
    request = make_request(mission, RequestStatus.OPEN, title="court adviser", area="justice")
    candidate = workflow.add(request, make_expert(ghana, full_name="Ama Owusu"), hr1)
    auth.login(hr1.email)
    shortlist = f"/review/requests/{request.id}/shortlist"
    data = {"csrf_token": csrf_token(client, shortlist), "to": "shortlisted",
            "version": str(candidate.version)}  # fmt: skip
    moves_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))

    restart = RestartOnce(restartable_postgres, "UPDATE CANDIDATES")
    sa.event.listen(db.engine, "before_cursor_execute", restart)
    try:
        response = client.post(f"/review/candidates/{candidate.id}/move", data=data)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", restart)
    assert restart.done
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = page_text(response)
    assert "Database not reachable" in page
    assert (
        "The database could not be reached, so nothing was changed. Try again in a moment." in page
    )
    assert "Traceback" not in page

    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).state is CandidateState.SUGGESTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == moves_before

    # The next request works, without restarting the app; the same move goes through now.
    assert client.get(shortlist).status_code == 200
    again = client.post(f"/review/candidates/{candidate.id}/move", data=data, follow_redirects=True)
    assert "Ama Owusu is now shortlisted." in page_text(again)
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).state is CandidateState.SHORTLISTED
