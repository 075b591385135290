"""``civcap bench-login``: how long the way in takes for an email that has an account and for one
that has none (a failed login, "forgot password"), on a temporary database through the real
pages. The two must not differ enough to tell which emails have accounts."""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.accounts import organisations, users
from app.common.transaction import transaction
from app.extensions import db
from app.models import LoginThrottle, OrganisationKind, Role

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KNOWN = "known@bench.example"
UNKNOWN = "unknown@bench.example"
PASSWORD = "bench password of some length"  # noqa: S105 (a throwaway account)


@dataclass(frozen=True)
class Figures:
    login_known_ms: float
    login_unknown_ms: float
    forgot_known_ms: float
    forgot_unknown_ms: float
    runs: int

    def as_json(self) -> dict[str, float | int]:
        return {name: round(value, 1) for name, value in self.__dict__.items()}


def _timed(app: Flask, path: str, data: dict[str, str], address: str) -> float:
    """One POST of the page's form, as a new browser from ``address``: milliseconds."""
    client = app.test_client()
    page = client.get(path).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, f"no form on {path}"
    started = time.perf_counter()
    response = client.post(
        path, data={"csrf_token": match.group(1), **data}, environ_base={"REMOTE_ADDR": address}
    )
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 302), f"{path} answered {response.status_code}"
    return elapsed


def run(runs: int) -> Figures:
    with tempfile.TemporaryDirectory(prefix="civcap-bench-login-") as tmp:
        url = "sqlite:///" + str(Path(tmp) / "bench.sqlite3")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
        if app.config["SQLALCHEMY_DATABASE_URI"] != url:  # never touch the real accounts
            raise click.ClickException("the benchmark app is not on its temporary database")
        with app.app_context():
            upgrade()
            org = organisations.new_organisation("Bench", OrganisationKind.MEMBER_STATE, "GH")
            users.create_user(KNOWN, "Bench Person", PASSWORD, Role.FOCAL_POINT, org)
            db.session.remove()
        try:
            figures: dict[str, list[float]] = {}
            for label, email in (("known", KNOWN), ("unknown", UNKNOWN)):
                # Each failure from its own address and under the account's free failures.
                figures[f"login_{label}_ms"] = [
                    _timed(
                        app,
                        "/login",
                        {"email": email, "password": "a wrong guess"},
                        f"10.0.{i // 250}.{i % 250}",
                    )
                    for i in range(runs)
                ]
                figures[f"forgot_{label}_ms"] = [
                    _timed(app, "/login/forgot", {"email": email}, "10.1.0.1")
                    for _ in range(min(runs, 3))
                ]
                with app.app_context():  # the next email starts with no failures counted
                    with transaction("bench"):
                        db.session.execute(sa.delete(LoginThrottle))
                    db.session.remove()
        finally:
            with app.app_context():
                db.engine.dispose()
    medians = {name: statistics.median(values) for name, values in figures.items()}
    return Figures(runs=runs, **medians)


def report(figures: Figures) -> str:
    return "\n".join(
        [
            f"Failed login (median of {figures.runs}): "
            f"known email {figures.login_known_ms:.0f} ms, unknown email "
            f"{figures.login_unknown_ms:.0f} ms",
            f"Forgot password (median of {min(figures.runs, 3)}): "
            f"known email {figures.forgot_known_ms:.0f} ms, unknown email "
            f"{figures.forgot_unknown_ms:.0f} ms",
        ]
    )


@click.command("bench-login")
@click.option("--runs", type=click.IntRange(1, 5), default=4, show_default=True,
              help="Failed logins per email (at most 5: a sixth would wait).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def bench_login(runs: int, as_json: bool) -> None:
    """Time failed logins and "forgot password" for a known and an unknown email."""
    figures = run(runs)
    click.echo(json.dumps(figures.as_json()) if as_json else report(figures))
