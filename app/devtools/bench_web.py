"""``civcap bench-web``: the web tier under load, as people meet it.

On the configured (non-production) database, filled with generated data unless told not to, it
starts ``civcap serve`` with W workers on loopback, logs an HR reviewer in through the real
login pages (password, then the second factor's code), times the very first suggestions page a
new worker serves, waits until every worker is ready, then loads each page with 2 and with 32
connections (Locust, headless, in a process of its own). Last, it has every worker rank requests
of its own (the suggestions of other requests, fetched at once) and reads each worker's memory:
its peak, what only it holds (USS), and of that what no file backs (its own heap: the pages of the
memory-mapped matching index that only it has read so far are the machine's page cache, which the
workers that read them share).

Pages: the suggested candidates of a request, one request, an expert search, the requests list,
HR's dashboard. Figures: median and 99th percentile in ms, requests per second, errors (any
answer but 200).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import click
import pyotp
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.accounts import users
from app.common.transaction import transaction
from app.devtools.bench_data import generate as bench
from app.devtools.bench_login import CSRF
from app.extensions import db
from app.models import Expert, ExpertiseRequest, Organisation, OrganisationKind, Role, User
from app.models._types import utcnow
from app.suggestions.ranking import MATCHABLE_STATUSES

EMAIL = "bench-web@bench.example"
PASSWORD = "bench web password of some length"  # noqa: S105 (a throwaway account)
CONNECTIONS = (2, 32)
AGENT = "civcap-bench-web"  # every request of the bench, its login included, is this browser
SEARCH = "police"  # an expert search people make
OTHERS = 128  # requests ranked at the end, two per worker (up to 64 workers)
# The Locust file, run by Locust in its own process (importing it would patch this one for gevent).
LOAD = Path(__file__).with_name("bench_web_load.py")


def pages(request_id: int) -> dict[str, str]:
    """The pages loaded, by the names of the figures."""
    return {
        "suggestions": f"/review/requests/{request_id}/suggestions",
        "request": f"/review/requests/{request_id}",
        "experts_search": f"/review/experts?text={SEARCH}",
        "requests_list": "/review/requests",
        "hr_dashboard": "/dashboard",
    }


@dataclass(frozen=True)
class Target:
    request_id: int
    totp_secret: str
    experts: int
    others: tuple[int, ...] = ()  # more requests to rank, for every worker to have ranked


# ---- the data and the login --------------------------------------------------------------------


@transaction("bench-web login")
def _reviewer() -> str:
    """The bench's HR reviewer (made once), with a password and a second factor; its secret."""
    user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    if user is None:
        hr = db.session.scalar(
            sa.select(Organisation).where(Organisation.kind == OrganisationKind.UN_HR).limit(1)
        )
        if hr is None:
            raise click.ClickException("the database has no UN HR organisation to log in to")
        user = users.create_user(EMAIL, "Bench Web Reviewer", PASSWORD, Role.HR_REVIEWER, hr)
    user.totp_secret = user.totp_secret or pyotp.random_base32()
    user.totp_enrolled_at = user.totp_enrolled_at or utcnow()
    user.totp_last_step = None
    return user.totp_secret


def _prepare(n_experts: int, n_requests: int, seed: int, generate: bool, add: bool) -> Target:
    refused = bench.refusal(allow_existing=True)  # production, whatever is there already
    if refused:
        raise click.ClickException(refused)
    if generate:
        try:
            bench.generate(n_experts, n_requests, 3 * n_requests, seed, allow_existing=add)
        except bench.BenchRefused as exc:
            raise click.ClickException(str(exc)) from exc
    request_ids = db.session.scalars(
        sa.select(ExpertiseRequest.id)
        .where(ExpertiseRequest.status.in_(sorted(MATCHABLE_STATUSES)))
        .order_by(ExpertiseRequest.id)
        .limit(1 + OTHERS)
    ).all()
    if not request_ids:
        raise click.ClickException("the database holds no submitted or open request to rank")
    experts = db.session.scalar(sa.select(sa.func.count()).select_from(Expert)) or 0
    target = Target(int(request_ids[0]), _reviewer(), int(experts), tuple(request_ids[1:]))
    db.session.remove()
    return target


def _form_post(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> str:
    """GET the page with the form, POST it with its CSRF token; where it led."""
    with opener.open(url, timeout=60) as page:
        token = CSRF.search(page.read().decode())
    if token is None:
        raise click.ClickException(f"no form at {url}")
    data = urllib.parse.urlencode({"csrf_token": token.group(1), **fields}).encode()
    with opener.open(url, data=data, timeout=60) as answer:
        return str(answer.geturl())


def log_in(base: str, totp_secret: str) -> str:
    """Log the bench's reviewer in through the pages; the Cookie header of the session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    landed = _form_post(opener, f"{base}/login", {"email": EMAIL, "password": PASSWORD})
    if not landed.endswith("/login/code"):
        raise click.ClickException(f"the password step led to {landed}, not the code step")
    _form_post(opener, f"{base}/login/code", {"code": pyotp.TOTP(totp_secret).now()})
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if not cookie:
        raise click.ClickException("the login gave no session cookie")
    return cookie


# ---- the server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, cookie: str = "") -> int:
    # Only ever the bench's own server on loopback (http://127.0.0.1:port).
    headers = {"User-Agent": AGENT} | ({"Cookie": cookie} if cookie else {})
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:  # noqa: S310
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)
    except OSError:
        return 0


def _wait(url: str, seconds: float, ready_in_a_row: int = 1) -> None:
    """Until ``url`` answers 200 ``ready_in_a_row`` times in a row (each worker, for /readyz)."""
    deadline, in_a_row = time.monotonic() + seconds, 0
    while in_a_row < ready_in_a_row:
        in_a_row = in_a_row + 1 if _get(url) == 200 else 0
        if time.monotonic() > deadline:
            raise click.ClickException(f"{url} was not ready within {seconds:.0f} s")
        if not in_a_row:
            time.sleep(0.2)


def _kb(text: str, field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))  # type: ignore[union-attr]


def _memory_mb(master: int) -> dict[str, list[float]]:
    """Each worker's memory in MB, in the workers' order: its peak (VmHWM, shared pages
    included), what only it maps now (USS), and of that what no file backs (its private dirty
    pages: its own heap and what it copied from the master)."""
    import psutil  # Locust's own dependency (the dev extra)

    figures: dict[str, list[float]] = {"rss": [], "uss": [], "own": []}
    for worker in sorted(psutil.Process(master).children(), key=lambda p: p.pid):
        status = Path(f"/proc/{worker.pid}/status").read_text()
        rollup = Path(f"/proc/{worker.pid}/smaps_rollup").read_text()
        figures["rss"].append(round(_kb(status, "VmHWM") / 1024, 1))
        figures["uss"].append(round(worker.memory_full_info().uss / 2**20, 1))
        figures["own"].append(round(_kb(rollup, "Private_Dirty") / 1024, 1))
    return figures


def _rank_everywhere(base: str, cookie: str, request_ids: tuple[int, ...]) -> None:
    """Fetch the suggestions of ``request_ids`` all at once: each request is ranked afresh
    (no saved run yet), and every worker takes some, as a day's first views would have it."""
    urls = [base + pages(request_id)["suggestions"] for request_id in request_ids]
    with ThreadPoolExecutor(max_workers=max(1, len(urls))) as pool:
        answers = list(pool.map(lambda url: _get(url, cookie), urls))
    if any(answer != 200 for answer in answers):
        raise click.ClickException(f"suggestions of other requests answered {answers}")


def _load(base: str, path: str, cookie: str, connections: int, seconds: int) -> dict[str, Any]:
    """Locust's figures for ``connections`` people fetching ``path`` for ``seconds``."""
    with tempfile.TemporaryDirectory(prefix="civcap-bench-web-") as tmp:
        out = Path(tmp) / "figures.json"
        env = {**os.environ, "BENCH_WEB_PATH": path, "BENCH_WEB_COOKIE": cookie,
               "BENCH_WEB_OUT": str(out), "BENCH_WEB_AGENT": AGENT}  # fmt: skip
        command = [
            sys.executable, "-m", "locust", "-f", str(LOAD), "--headless",
            "--users", str(connections), "--spawn-rate", str(connections),
            "--run-time", f"{seconds}s", "--host", base, "--only-summary",
            "--stop-timeout", "30", "--loglevel", "WARNING", "--skip-log-setup",
        ]  # fmt: skip
        # Locust from this venv on the bench's own file (nothing from the outside).
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
        if not out.exists():
            raise click.ClickException(f"Locust gave no figures for {path}: {done.stderr[-800:]}")
        figures: dict[str, Any] = json.loads(out.read_text())
    shown = {key: figures[key] for key in ("p50_ms", "p99_ms", "rps", "errors")}
    return shown | ({"failures": figures["failures"]} if figures["failures"] else {})


def run(
    target: Target, workers: int, seconds: int, database_url: str,
    connections: tuple[int, ...] = CONNECTIONS,
) -> dict[str, Any]:  # fmt: skip
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "CIVCAP_BIND": f"127.0.0.1:{port}",
           "CIVCAP_WORKERS": str(workers)}  # fmt: skip
    civcap = Path(sys.executable).parent / "civcap"
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen([str(civcap), "serve"], env=env, stdout=log, stderr=log)  # noqa: S603
        try:
            _wait(f"{base}/healthz", 120)
            cookie = log_in(base, target.totp_secret)
            urls = pages(target.request_id)
            started = time.perf_counter()
            first = _get(base + urls["suggestions"], cookie)
            first_ms = (time.perf_counter() - started) * 1000
            if first != 200:
                raise click.ClickException(f"the suggestions page answered {first}")
            _wait(f"{base}/readyz", 600, ready_in_a_row=4 * workers)
            figures = {
                name: {f"c{c}": _load(base, path, cookie, c, seconds) for c in connections}
                for name, path in urls.items()
            }
            _rank_everywhere(base, cookie, target.others[: 2 * workers])
            memory = _memory_mb(server.pid)
        except BaseException:
            log.seek(0)
            click.echo(log.read()[-3000:], err=True)
            raise
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    return {
        "experts": target.experts,
        "workers": workers,
        "worker_rss_mb": memory["rss"],
        "worker_uss_mb": memory["uss"],
        "worker_own_mb": memory["own"],
        "first_suggestions_ms": round(first_ms, 1),
        "pages": figures,
    }


def report(result: dict[str, Any], seconds: int) -> str:
    connections = [int(c[1:]) for c in next(iter(result["pages"].values()))]
    lines = [
        f"civcap serve, {result['workers']} workers, {result['experts']:,} experts; "
        f"{seconds} s per page and load (Locust, loopback)",
        f"first suggestions page of a new worker: {result['first_suggestions_ms']:,.0f} ms",
        f"workers' peak memory: {', '.join(f'{mb:,.0f} MB' for mb in result['worker_rss_mb'])}"
        f" (only theirs: {', '.join(f'{mb:,.0f} MB' for mb in result['worker_uss_mb'])};"
        f" of which no file backs: {', '.join(f'{mb:,.0f} MB' for mb in result['worker_own_mb'])})",
        "",
        f"{'page':<16}"
        + "".join(
            f"{f'c{c} p50':>10}{'p99':>9}{'req/s':>8}{'err':>6}" for c in connections
        ),  # fmt: skip
    ]
    for name, loads in result["pages"].items():
        row = f"{name:<16}"
        for c in connections:
            f = loads[f"c{c}"]
            row += f"{f['p50_ms']:>10,.0f}{f['p99_ms']:>9,.0f}{f['rps']:>8,.1f}{f['errors']:>6}"
        lines.append(row)
    return "\n".join(lines)


@click.command("bench-web")
@click.option("--experts", "n_experts", type=click.IntRange(min=1), default=100_000,
              show_default=True, help="Experts to generate.")  # fmt: skip
@click.option("--requests", "n_requests", type=click.IntRange(min=1), default=10_000,
              show_default=True, help="Requests to generate.")  # fmt: skip
@click.option("--workers", type=click.IntRange(1, 64), default=4, show_default=True,
              help="civcap serve's worker processes.")  # fmt: skip
@click.option("--seconds", type=click.IntRange(1, 600), default=10, show_default=True,
              help="How long each page is loaded at each number of connections.")  # fmt: skip
@click.option("--connections", default=",".join(map(str, CONNECTIONS)), show_default=True,
              help="The loads: how many connections at once, comma-separated.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--yes", "add", is_flag=True,
              help="Add the generated rows to a database that holds data already.")  # fmt: skip
@click.option("--no-generate", is_flag=True, help="Use the data already in the database.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def bench_web(
    n_experts: int, n_requests: int, workers: int, seconds: int, connections: str, seed: int,
    add: bool, no_generate: bool, as_json: bool,
) -> None:  # fmt: skip
    """Load the pages HR reviewers use, served by civcap serve, and print the figures."""
    try:
        loads = tuple(int(c) for c in connections.split(","))
    except ValueError:
        loads = ()
    if not loads or not all(1 <= c <= 1000 for c in loads):
        raise click.BadParameter(
            "whole numbers from 1 to 1000, e.g. 2,32", param_hint="--connections"
        )
    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = _prepare(n_experts, n_requests, seed, not no_generate, add)
    result = run(target, workers, seconds, database_url, loads)
    click.echo(json.dumps(result) if as_json else report(result, seconds))
