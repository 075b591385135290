"""The load of ``civcap bench-web``: a Locust file, run headless in a process of its own (Locust
patches the process for gevent), never imported by civcap itself.

Each simulated person is an HR reviewer's browser with one session cookie, fetching one page
again and again with no pause; a page that is not answered 200 (a redirect to the login page
included) counts as an error. At the end, Locust's own figures for the page are written as JSON
to ``BENCH_WEB_OUT``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from locust import FastHttpUser, constant, events, task

PATH = os.environ.get("BENCH_WEB_PATH", "/")
COOKIE = os.environ.get("BENCH_WEB_COOKIE", "")
# The browser the session was made in: a login is bound to it (Flask-Login's strong protection).
AGENT = os.environ.get("BENCH_WEB_AGENT", "")
OUT = os.environ.get("BENCH_WEB_OUT", "")


class Reviewer(FastHttpUser):
    wait_time = constant(0)
    connection_timeout = 60.0
    network_timeout = 120.0

    @task
    def page(self) -> None:
        with self.client.get(
            PATH, name=PATH, headers={"Cookie": COOKIE, "User-Agent": AGENT}, allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")


@events.quitting.add_listener
def write_figures(environment: Any, **kwargs: Any) -> None:
    total = environment.stats.total
    figures = {
        "requests": total.num_requests,
        "errors": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p99_ms": total.get_response_time_percentile(0.99),
        "rps": round(total.total_rps, 1),
        "failures": {str(e.error): e.occurrences for e in environment.stats.errors.values()},
    }
    if OUT:
        with open(OUT, "w", encoding="utf-8") as out:
            json.dump(figures, out)
