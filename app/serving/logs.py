"""civcap's logs: one line per event, JSON objects in production (``CIVCAP_LOG_FORMAT=json``,
python-json-logger), plain text elsewhere by default.

Every request served is one line of the ``civcap.request`` logger: its request id (the
``X-Request-Id`` a proxy sent, else a new one, sent back in the answer's header), the method,
the route (the URL rule, ``/roster/<int:expert_id>``: never the path, whose ids, references and
search words stay out), the status, the time it took and the id of the user (or the token's
owner). Nothing personal is logged: no name, email, address, query string or body. Any other
line logged while a request is served carries its request id too.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from werkzeug.wrappers import Response

HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

log = logging.getLogger("civcap.request")


class RequestIds(logging.Filter):
    """Gives every line logged while a request is served that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g and not hasattr(record, "request_id"):
            record.request_id = g.request_id
        return True


class Text(logging.Formatter):
    """A line for people: the message, then the fields a request line carries."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = {k: v for k, v in record.__dict__.items() if k in REQUEST_FIELDS}
        return line + "".join(f" {k}={v}" for k, v in extra.items() if v is not None)


REQUEST_FIELDS = ("request_id", "method", "route", "status", "ms", "user_id")


def formatter(kind: str) -> logging.Formatter:
    """The formatter of ``kind`` (json: one object per line with the time in ISO 8601 UTC)."""
    if kind == "json":
        return JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            json_ensure_ascii=False,
        )
    return Text("%(asctime)s %(levelname)s %(name)s %(message)s")


def handler(kind: str) -> logging.Handler:
    """A handler writing ``kind`` lines to standard error, with the request id filter."""
    out = logging.StreamHandler(sys.stderr)
    out.setFormatter(formatter(kind))
    out.addFilter(RequestIds())
    out._civcap = True  # type: ignore[attr-defined]  # replaced, not added twice
    return out


def configure(kind: str, level: str = "INFO") -> None:
    """Send the process's logs through one civcap handler (idempotent: each app made in the
    process replaces the handler, so a test run making many apps logs each line once)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_civcap", False)]:
        root.removeHandler(old)
    root.addHandler(handler(kind))
    for name in ("app", "civcap"):
        logging.getLogger(name).setLevel(level)


def gunicorn_logging(kind: str) -> dict[str, Any]:
    """gunicorn's logging settings: its own lines (master and workers) and everything else
    through civcap's handler; its access log is off: civcap logs each request itself, with more
    and nothing personal."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"civcap": {"()": handler, "kind": kind}},
        "root": {"level": "WARNING", "handlers": ["civcap"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["civcap"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def _request_id() -> str:
    sent = request.headers.get(HEADER, "")
    return sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex


def _user_id() -> int | None:
    """The id of the user this request was served to, if it was loaded (never loads it)."""
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


def init_app(app: Flask) -> None:
    configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

    def start() -> None:
        g.request_id = _request_id()
        g.request_started = time.perf_counter()

    # First of all, so that every other hook's lines carry the request id.
    app.before_request_funcs.setdefault(None, []).insert(0, start)

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.get("request_started")
        if started is None:  # answered before the request began (e.g. a routing redirect)
            return response
        response.headers[HEADER] = g.request_id
        log.info(
            "request",
            extra={
                "request_id": g.request_id,
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(),
            },
        )
        return response
