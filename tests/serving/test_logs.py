"""Logs: a line per request with its id, route, status, time and user id, and nothing personal;
JSON objects in production; every line logged during a request carries the request's id."""

from __future__ import annotations

import io
import json
import logging
import secrets

import pytest

from app.serving import logs
from tests.conftest import login
from tests.factories import make_expert


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "civcap.request"]


@pytest.fixture
def grace(ghana):
    return make_expert(ghana, full_name="Grace Mensah", email="grace@example.org")


def test_each_request_is_one_line_with_its_route_and_never_its_path(client, focal, grace, caplog):
    login(client, focal.email)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="civcap.request"):
        response = client.get(f"/roster/{grace.id}?text=Grace")

    assert response.status_code == 200
    [line] = request_lines(caplog)
    assert (line.method, line.route, line.status) == ("GET", "/roster/<int:expert_id>", 200)
    assert line.user_id == focal.id and line.ms > 0
    assert line.request_id == response.headers["X-Request-Id"]
    said = json.dumps(line.__dict__, default=str)
    for personal in ("Grace", "grace@example.org", focal.email, str(grace.id) + "?"):
        assert personal not in said


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client, caplog):
    with caplog.at_level(logging.INFO, logger="civcap.request"):
        kept = client.get("/healthz", headers={"X-Request-Id": "nginx-7f3a9c"})
        replaced = client.get("/healthz", headers={"X-Request-Id": "two words;" + "x" * 80})
    assert kept.headers["X-Request-Id"] == "nginx-7f3a9c"
    assert len(replaced.headers["X-Request-Id"]) == 32  # a new one
    assert [r.request_id for r in request_lines(caplog)] == [
        "nginx-7f3a9c",
        replaced.headers["X-Request-Id"],
    ]
    assert [r.user_id for r in request_lines(caplog)] == [None, None]


def test_an_unknown_address_is_logged_without_its_path(client, caplog):
    with caplog.at_level(logging.INFO, logger="civcap.request"):
        assert client.get("/roster/GH-0001-Grace-Mensah").status_code == 404
    [line] = request_lines(caplog)
    assert (line.route, line.status) == (None, 404)


def test_json_lines_carry_the_request_id_of_every_line_logged_while_serving(app, client):
    out = io.StringIO()
    handler = logs.handler("json")
    handler.setStream(out)
    logging.getLogger().addHandler(handler)

    @app.route("/test-logs-a-line")
    def logs_a_line() -> str:
        logging.getLogger("app.test").warning("something to say")
        return "ok"

    try:
        response = client.get("/test-logs-a-line")
    finally:
        logging.getLogger().removeHandler(handler)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    warning = next(line for line in lines if line["logger"] == "app.test")
    request = next(line for line in lines if line["logger"] == "civcap.request")
    assert warning["request_id"] == request["request_id"] == response.headers["X-Request-Id"]
    assert (warning["level"], warning["message"]) == ("WARNING", "something to say")
    assert request["route"] == "/test-logs-a-line" and request["status"] == 200
    assert {"time", "ms", "method", "user_id"} <= request.keys()


def test_the_format_and_level_are_checked(monkeypatch, tmp_path):
    from config import ConfigurationError, load_config

    assert load_config(str(tmp_path), {"CIVCAP_ENV": "development"})["LOG_FORMAT"] == "text"
    production = {"SECRET_KEY": secrets.token_hex(32)}
    assert load_config(str(tmp_path), production)["LOG_FORMAT"] == "json"
    with pytest.raises(ConfigurationError, match="CIVCAP_LOG_FORMAT"):
        load_config(str(tmp_path), {"CIVCAP_ENV": "testing", "CIVCAP_LOG_FORMAT": "xml"})
    with pytest.raises(ConfigurationError, match="CIVCAP_LOG_LEVEL"):
        load_config(str(tmp_path), {"CIVCAP_ENV": "testing", "CIVCAP_LOG_LEVEL": "loud"})
