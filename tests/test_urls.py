"""Every URL civcap answers, with its methods: links in emails, bookmarks and scripts rely on them.

Reorganising the code may rename endpoints; it must not move a URL. A new page adds its line here.
"""

from __future__ import annotations

import pytest
from flask import Flask

from app import create_app

URLS = [
    ("/", "GET"),
    ("/api/", "GET"),
    ("/api/v1/openapi.json", "GET"),
    ("/healthz", "GET"),
    ("/readyz", "GET"),
    ("/api/v1/experts", "GET"),
    ("/api/v1/experts", "POST"),
    ("/api/v1/experts/<int:expert_id>", "GET"),
    ("/api/v1/experts/<int:expert_id>", "PUT"),
    ("/api/v1/experts/<int:expert_id>/withdraw", "POST"),
    ("/api/v1/experts/by-external-id/<string(maxlength=64):external_id>", "GET"),
    ("/api/v1/experts/by-external-id/<string(maxlength=64):external_id>", "PUT"),
    ("/api/v1/requests", "GET"),
    ("/api/v1/requests", "POST"),
    ("/api/v1/requests/<int:request_id>", "GET"),
    ("/api/v1/requests/<int:request_id>", "PUT"),
    ("/api/v1/requests/<int:request_id>/submit", "POST"),
    ("/api/v1/requests/<int:request_id>/revise", "POST"),
    ("/api/v1/requests/<int:request_id>/close", "POST"),
    ("/api/v1/requests/<int:request_id>/suggestions", "GET"),
    ("/api/v1/requests/<int:request_id>/candidates", "GET"),
    ("/api/v1/requests/<int:request_id>/candidates", "POST"),
    ("/api/v1/requests/<int:request_id>/nominations", "POST"),
    ("/api/v1/candidates/<int:candidate_id>", "GET"),
    ("/api/v1/candidates/<int:candidate_id>/move", "POST"),
    ("/api/v1/candidates/<int:candidate_id>/answer", "POST"),
    ("/api/v1/consultations", "GET"),
    ("/api/v1/experts/<int:expert_id>/cv", "PUT"),
    ("/account/password", "GET,POST"),
    ("/account/sessions", "GET"),
    ("/account/tokens", "GET,POST"),
    ("/account/tokens/<int:token_id>/revoke", "POST"),
    ("/account/sessions/<int:session_id>/end", "POST"),
    ("/account/sessions/end-others", "POST"),
    ("/admin/", "GET"),
    ("/admin/experts", "GET"),
    ("/admin/experts/<int:expert_id>", "GET"),
    ("/admin/experts/<int:expert_id>/erase", "POST"),
    ("/admin/experts/<int:expert_id>/export.json", "GET"),
    ("/admin/locks/<int:throttle_id>/lift", "POST"),
    ("/admin/organisations", "POST"),
    ("/admin/outbox", "GET"),
    ("/admin/outbox/<int:message_id>", "GET"),
    ("/admin/outbox/retry", "POST"),
    ("/admin/users", "POST"),
    ("/admin/users/<int:user_id>/active", "POST"),
    ("/assignments/<int:candidate_id>/evaluation", "GET,POST"),
    ("/confirm/<token>", "GET,POST"),
    ("/confirm/thanks", "GET"),
    ("/dashboard", "GET"),
    ("/dashboard/<chart>.csv", "GET"),
    ("/dashboard/gaps/<int:request_id>", "GET"),
    ("/dashboard/gaps/<int:request_id>/outreach.csv", "GET"),
    ("/dashboard/member-state", "GET"),
    ("/dashboard/member-state/<chart>.csv", "GET"),
    ("/dashboard/requests", "GET"),
    ("/dashboard/requests.csv", "GET"),
    ("/login", "GET,POST"),
    ("/logout", "POST"),
    ("/outreach/candidates/<int:candidate_id>/answer", "POST"),
    ("/outreach/consultations", "GET"),
    ("/outreach/requests", "GET"),
    ("/outreach/requests/<int:request_id>", "GET"),
    ("/outreach/requests/<int:request_id>/nominations", "POST"),
    ("/requests/", "GET"),
    ("/requests/<int:request_id>", "GET"),
    ("/requests/<int:request_id>/close", "POST"),
    ("/requests/<int:request_id>/edit", "GET,POST"),
    ("/requests/<int:request_id>/revise", "GET,POST"),
    ("/requests/<int:request_id>/submit", "POST"),
    ("/requests/new", "GET,POST"),
    ("/requests/new/read", "POST"),
    ("/review/candidates/<int:candidate_id>/move", "POST"),
    ("/review/candidates/<int:candidate_id>/readiness/<code>", "POST"),
    ("/review/candidates/<int:candidate_id>/readiness/<code>/document", "GET"),
    ("/review/candidates/<int:candidate_id>/readiness-link", "POST"),
    ("/readiness/", "GET"),
    ("/readiness/candidates/<int:candidate_id>/<code>", "POST"),
    ("/readiness/candidates/<int:candidate_id>/<code>/document", "GET"),
    ("/ready/<token>", "GET"),
    ("/ready/<token>/<code>", "POST"),
    ("/ready/<token>/<code>/document", "GET"),
    ("/review/duplicates", "GET"),
    ("/review/duplicates/merge", "POST"),
    ("/review/duplicates/not-the-same", "POST"),
    ("/review/experts", "GET"),
    ("/review/experts/<int:expert_id>", "GET"),
    ("/review/experts/<int:expert_id>/cv", "GET"),
    ("/review/requests", "GET"),
    ("/review/requests/<int:request_id>", "GET"),
    ("/review/requests/<int:request_id>/accept", "POST"),
    ("/review/requests/<int:request_id>/candidates", "POST"),
    ("/review/requests/<int:request_id>/close", "POST"),
    ("/review/requests/<int:request_id>/publish", "POST"),
    ("/review/requests/<int:request_id>/revise", "GET,POST"),
    ("/review/requests/<int:request_id>/shortlist", "GET"),
    ("/review/requests/<int:request_id>/shortlist.csv", "GET"),
    ("/review/requests/<int:request_id>/suggestions", "GET"),
    ("/review/requests/<int:request_id>/suggestions/<int:run_id>/<int:expert_id>", "GET"),
    ("/roster/", "GET"),
    ("/roster/<int:expert_id>", "GET"),
    ("/roster/<int:expert_id>/cv", "GET"),
    ("/roster/<int:expert_id>/cv/profile", "GET"),
    ("/roster/<int:expert_id>/cv/text", "GET,POST"),
    ("/roster/<int:expert_id>/cv/upload", "GET,POST"),
    ("/roster/<int:expert_id>/edit", "GET,POST"),
    ("/roster/<int:expert_id>/erase", "GET,POST"),
    ("/roster/<int:expert_id>/export.json", "GET"),
    ("/roster/<int:expert_id>/reconfirm", "POST"),
    ("/roster/duplicates", "GET"),
    ("/roster/duplicates/merge", "POST"),
    ("/roster/duplicates/not-the-same", "POST"),
    ("/roster/import", "GET,POST"),
    ("/roster/import/confirm", "POST"),
    ("/roster/import/discard", "POST"),
    ("/roster/import/jobs/<int:import_job_id>", "GET"),
    ("/roster/import/jobs/<int:import_job_id>/progress", "GET"),
    ("/roster/import/jobs/<int:import_job_id>/retry", "POST"),
    ("/roster/import/template.<any(csv, xlsx, jsonl):format>", "GET"),
    ("/roster/new", "GET,POST"),
    ("/roster/new/cv", "POST"),
    ("/roster/new/with-cv", "POST"),
    ("/roster/reconfirm-stale", "POST"),
    ("/skills/suggest", "GET"),
    ("/static/<path:filename>", "GET"),
    ("/language", "POST"),
    ("/account/confirm", "GET,POST"),
    ("/account/second-factor", "GET,POST"),
    ("/account/second-factor/off", "POST"),
    ("/account/second-factor/recovery-codes", "POST"),
    ("/account/set-password/<token>", "GET,POST"),
    ("/admin/security-log", "GET"),
    ("/admin/security-log.csv", "GET"),
    ("/admin/users/<int:user_id>/invitation", "POST"),
    ("/admin/users/<int:user_id>/second-factor", "GET,POST"),
    ("/login/code", "GET,POST"),
    ("/login/forgot", "GET,POST"),
    ("/login/second-factor", "GET,POST"),
]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The application without a database: the URL map needs none."""
    monkeypatch.setenv("CIVCAP_ENV", "testing")
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_url_map_is_the_one_people_rely_on(app):
    served = sorted(
        (rule.rule, ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"})))
        for rule in app.url_map.iter_rules()
    )
    assert served == sorted(URLS)


def test_every_endpoint_reads_feature_role_view(app):
    """``candidates.hr.shortlist`` is ``shortlist()`` in ``app/candidates/hr.py``."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        feature, role, view = rule.endpoint.split(".")
        module = app.view_functions[rule.endpoint].__module__
        assert module == f"app.{feature}.{role}", rule.endpoint
        assert app.view_functions[rule.endpoint].__name__ == view
