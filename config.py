"""civcap configuration, read from the environment when the application is created.

Nothing here runs at import time: ``load_config`` is called by ``create_app``.

Environment variables
---------------------
CIVCAP_ENV      ``production`` (default), ``development`` or ``testing``.
SECRET_KEY      required in production: at least 32 characters, random (a placeholder or a value of
                little variety is refused); development keeps a random key in the instance
                folder; testing makes a random one per app.
DATABASE_URL    SQLAlchemy URL; default SQLite file ``civcap.sqlite3`` in the instance folder.
                ``postgresql://`` URLs are run through psycopg 3.
CIVCAP_MAIL_TRANSPORT  ``smtp`` (production default) or ``outbox`` (development and testing
                default: notifications stay in the outbox, which admins read in the app).
SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS (``1`` to use STARTTLS),
SMTP_TIMEOUT    the SMTP server notifications are sent through (default localhost:25).
MAIL_FROM       the sender of notifications (default ``civcap <no-reply@localhost>``).
CIVCAP_PUBLIC_URL  the address people open civcap at, for links in emails
                (default ``http://127.0.0.1:5000``).
CIVCAP_STALE_AFTER_DAYS  an expert's availability is stale this long after it was last
                confirmed (default 90).
CIVCAP_RECONFIRM_LINK_DAYS  how long a reconfirmation link sent to an expert stays valid
                (default 14).
CIVCAP_RETENTION_DAYS  ``civcap purge`` erases experts withdrawn longer ago than this
                (default 365).
CIVCAP_UPLOAD_DIR  where CV files and uploads awaiting confirmation are kept, outside the web
                root (default ``instance/uploads``).
CIVCAP_INDEX_DIR  where the matching index is saved for every worker of the machine to share
                (default ``instance/index``; ``none`` to have each process build its own).
CIVCAP_CACHE_DIR  where figures that take long to compute (HR's dashboard) are kept for every
                worker of the machine (default ``instance/cache``).
CIVCAP_MAX_UPLOAD_MB  the largest file accepted (CV or bulk import; default 10).
CIVCAP_PAGE_SIZE  rows per page of every list (default 50, at most 500).
CIVCAP_PROXY_HOPS  how many reverse proxies stand in front of civcap (default 0): the client's
                address and the scheme are then taken from their X-Forwarded-* headers.
CIVCAP_SESSION_IDLE_MINUTES, CIVCAP_SESSION_HOURS, CIVCAP_REMEMBER_DAYS  a login ends after this
                long without a request (default 30), this long after it started (default 12),
                or, remembered on a computer ("keep me logged in", not for HR reviewers and
                admins), this many days after (default 30, at most 30).
CIVCAP_CONFIRM_MINUTES  the most sensitive acts (erasing, merging, creating users, second-factor
                resets) ask for the password again when the login's last proof is older than
                this (default 15).
CIVCAP_INVITATION_DAYS, CIVCAP_RESET_MINUTES  how long an invitation link (default 7 days) and a
                "forgot password" link (default 60 minutes) stay valid.
CIVCAP_RECOVERY_ANSWER_MS  every "forgot password" answer takes at least this long, whether or
                not an account has the email (default 800).
CIVCAP_API_RATE_LIMIT  how many API calls one token may make (Flask-Limiter's notation; default
                ``600 per minute;30 per second``).
CIVCAP_RATELIMIT_STORAGE_URI  where those counts are kept (default ``memory://``, one count per
                worker; e.g. ``redis://localhost:6379`` to share them between workers).
CIVCAP_LOG_FORMAT  ``json`` (production default: one JSON object per line) or ``text``
                (development and testing default).
CIVCAP_LOG_LEVEL  ``DEBUG``, ``INFO`` (default), ``WARNING`` or ``ERROR``.
CIVCAP_JOBS_BROKER_URL  where jobs (mail delivery, imports, scheduled upkeep) are queued:
                ``redis://host:6379/0`` (or ``rediss://``, ``unix://``) for Dramatiq on Redis,
                run by ``civcap worker`` processes and fed by one ``civcap scheduler``; empty
                (the default) for the embedded queue: the jobs run in threads of the process
                that queued them (``make run``), and are lost if it stops before they ran.
CIVCAP_JOBS_PROCESSES, CIVCAP_JOBS_THREADS  ``civcap worker``'s processes (default: one per CPU
                core) and threads in each (default 8); the embedded queue runs 2 threads.
CIVCAP_JOBS_HEARTBEAT_SECONDS  a worker silent this long is taken for dead and the jobs it held
                are given to another (default 60).
CIVCAP_JOBS_MAINTENANCE_CHANCE  how many Redis commands in a million also look for the jobs of
                dead workers (default 1000).
CIVCAP_BIND, CIVCAP_WORKERS, CIVCAP_THREADS, CIVCAP_TIMEOUT  how ``civcap serve`` serves: the
                address (default ``127.0.0.1:8000``), worker processes (default: two per CPU
                core), threads per worker (default 1), seconds before a stuck worker is
                restarted (default 60).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("production", "development", "testing")


class ConfigurationError(RuntimeError):
    """The environment does not describe a safe, complete configuration."""


def database_url(raw: str | None, instance_path: str) -> str:
    """Return the SQLAlchemy URL for ``raw``, defaulting to SQLite in the instance folder."""
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "civcap.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


# Parts of the values people paste from examples instead of generating a key.
PLACEHOLDERS = (
    "change", "placeholder", "example", "secret", "default", "insecure", "password", "xxxx",
    "0000", "1234", "abcd",
)  # fmt: skip
MIN_SECRET_CHARACTERS = 10  # different characters: a random hex key of 32+ has about 16


def secret_key_problem(secret: str) -> str | None:
    """Why ``secret`` is not fit to sign production sessions and links, or None."""
    if len(secret) < 32:
        return "must be at least 32 characters in production"
    lowered = secret.lower()
    placeholder = next((word for word in PLACEHOLDERS if word in lowered), None)
    if placeholder:
        return f"looks like a placeholder (it contains {placeholder!r})"
    if len(set(secret)) < MIN_SECRET_CHARACTERS:
        return (
            f"has too little variety ({len(set(secret))} different characters; a random key "
            f"has at least {MIN_SECRET_CHARACTERS})"
        )
    return None


def _random_secret() -> str:
    return secrets.token_hex(32)


def _development_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so development sessions survive a restart."""
    path = Path(instance_path) / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _random_secret()
    path.write_text(key)
    path.chmod(0o600)
    return key


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number.") from None


MAX_PAGE_SIZE = 500


def _counts(env: Mapping[str, str], defaults: Mapping[str, int]) -> dict[str, int]:
    """Settings read from ``CIVCAP_<NAME>``, each a whole number of at least 1."""
    settings = {name: _whole_number(env, f"CIVCAP_{name}", n) for name, n in defaults.items()}
    for name, value in settings.items():
        if value < 1:
            raise ConfigurationError(f"CIVCAP_{name}={value} must be at least 1.")
    return settings


def _sessions(env: Mapping[str, str]) -> dict[str, int]:
    settings = _counts(
        env,
        {
            "SESSION_IDLE_MINUTES": 30,
            "SESSION_HOURS": 12,
            "REMEMBER_DAYS": 30,
            "CONFIRM_MINUTES": 15,
            "INVITATION_DAYS": 7,
            "RESET_MINUTES": 60,
            "RECOVERY_ANSWER_MS": 800,
        },
    )
    if settings["REMEMBER_DAYS"] > 30:
        raise ConfigurationError(
            f"CIVCAP_REMEMBER_DAYS={settings['REMEMBER_DAYS']} is more than 30 days."
        )
    return settings


def _proxy_hops(env: Mapping[str, str]) -> int:
    hops = _whole_number(env, "CIVCAP_PROXY_HOPS", 0)
    if not 0 <= hops <= 5:
        raise ConfigurationError(
            f"CIVCAP_PROXY_HOPS={hops} is not between 0 and 5 (reverse proxies in front of civcap)."
        )
    return hops


def _page_size(env: Mapping[str, str]) -> int:
    size = _whole_number(env, "CIVCAP_PAGE_SIZE", 50)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ConfigurationError(
            f"CIVCAP_PAGE_SIZE={size} is not between 1 and {MAX_PAGE_SIZE} (rows per list page)."
        )
    return size


def _mail(env: Mapping[str, str], name: str) -> dict[str, Any]:
    transport = env.get("CIVCAP_MAIL_TRANSPORT", "smtp" if name == "production" else "outbox")
    transport = transport.strip().lower()
    if transport not in ("smtp", "outbox"):
        raise ConfigurationError(f"CIVCAP_MAIL_TRANSPORT={transport!r} is not one of smtp, outbox.")
    port = _whole_number(env, "SMTP_PORT", 25)
    if not 0 < port < 65536:
        raise ConfigurationError(f"SMTP_PORT={port} is not a TCP port (1 to 65535).")
    timeout = _whole_number(env, "SMTP_TIMEOUT", 10)
    if timeout < 1:
        raise ConfigurationError(f"SMTP_TIMEOUT={timeout} must be at least 1 (seconds).")
    return {
        "MAIL_TRANSPORT": transport,
        "SMTP_HOST": env.get("SMTP_HOST", "localhost").strip() or "localhost",
        "SMTP_PORT": port,
        "SMTP_USERNAME": env.get("SMTP_USERNAME", "").strip() or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "").strip().lower() in ("1", "true", "yes"),
        "SMTP_TIMEOUT": timeout,
        "MAIL_FROM": env.get("MAIL_FROM", "").strip() or "civcap <no-reply@localhost>",
        "PUBLIC_URL": (env.get("CIVCAP_PUBLIC_URL", "").strip() or "http://127.0.0.1:5000").rstrip(
            "/"
        ),
    }


JOB_BROKER_SCHEMES = ("redis://", "rediss://", "unix://")


def _jobs(env: Mapping[str, str], name: str) -> dict[str, Any]:
    url = env.get("CIVCAP_JOBS_BROKER_URL", "").strip()
    if url and not url.startswith(JOB_BROKER_SCHEMES):
        raise ConfigurationError(
            f"CIVCAP_JOBS_BROKER_URL must be a Redis URL ({', '.join(JOB_BROKER_SCHEMES)}...) "
            "or empty for the embedded queue; it starts with "
            f"{url.split('://')[0] + '://' if '://' in url else repr(url[:12])}."
        )
    counts = _counts(
        env,
        {
            "JOBS_PROCESSES": os.cpu_count() or 1,
            "JOBS_THREADS": 8,
            "JOBS_HEARTBEAT_SECONDS": 60,
            "JOBS_MAINTENANCE_CHANCE": 1000,
        },
    )
    if counts["JOBS_MAINTENANCE_CHANCE"] > 1_000_000:
        raise ConfigurationError(
            f"CIVCAP_JOBS_MAINTENANCE_CHANCE={counts['JOBS_MAINTENANCE_CHANCE']} is more than "
            "1000000 (a chance per million)."
        )
    return {
        "JOBS_BROKER_URL": url,
        **counts,
        # The embedded queue runs its jobs in threads of the process ("thread"); tests run them
        # in the thread that committed, at once ("inline"), or only when asked ("manual").
        "JOBS_EMBEDDED_RUN": "inline" if name == "testing" else "thread",
        "JOBS_EMBEDDED_THREADS": 2,
    }


def load_config(instance_path: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask configuration from ``environ`` (default: ``os.environ``)."""
    env = os.environ if environ is None else environ
    name = env.get("CIVCAP_ENV", "production").strip().lower()
    if name not in ENVIRONMENTS:
        raise ConfigurationError(f"CIVCAP_ENV={name!r} is not one of {', '.join(ENVIRONMENTS)}.")
    production = name == "production"
    sessions = _sessions(env)
    secret = env.get("SECRET_KEY", "").strip()
    if not secret:
        if production:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set SECRET_KEY to a long random value "
                "(e.g. `python3 -c 'import secrets; print(secrets.token_hex(32))'`), "
                "or set CIVCAP_ENV=development for a local, non-production instance."
            )
        # Testing makes a random key per app: no fixed key ever signs a cookie or a link.
        secret = _development_secret(instance_path) if name == "development" else _random_secret()
    elif production:
        problem = secret_key_problem(secret)
        if problem:
            raise ConfigurationError(
                f"SECRET_KEY {problem}. Set a long random value "
                "(e.g. `python3 -c 'import secrets; print(secrets.token_hex(32))'`)."
            )

    return {
        "CIVCAP_ENV": name,
        "TESTING": name == "testing",
        "DEBUG": False,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # In production the cookies are Secure and "__Host-" prefixed: sent over HTTPS only,
        # to this host only, and no subdomain can set them.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_NAME": "__Host-remember_token" if production else "remember_token",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=sessions["REMEMBER_DAYS"]),
        **sessions,
        "HSTS": production,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "PAGE_SIZE": _page_size(env),
        "PROXY_HOPS": _proxy_hops(env),
        "CONSENT_VERSION": env.get("CIVCAP_CONSENT_VERSION", "2026-11"),
        # A worker rebuilds its matching index in a background thread while the old one serves;
        # tests rebuild in place, so that what they assert is what the next request sees.
        "MATCHING_REBUILD_IN_BACKGROUND": name != "testing",
        # Where the built matching index is saved for every worker of this machine to share
        # (app.suggestions.shared_index); none in tests, where each process builds its own.
        "MATCHING_INDEX_DIR": _index_dir(env, name, instance_path),
        **_mail(env, name),
        **_jobs(env, name),
        **_roster_upkeep(env, instance_path),
        "API_RATE_LIMIT": env.get("CIVCAP_API_RATE_LIMIT", "600 per minute;30 per second"),
        "RATELIMIT_STORAGE_URI": env.get("CIVCAP_RATELIMIT_STORAGE_URI", "memory://"),
        **_logs(env, production),
        # Figures kept while their data stands still (app.dashboards.figures.cached), at most
        # 500 of them: in files every worker of the machine reads (computed once for all), or
        # in each process's memory in tests.
        **_cache(env, name, instance_path),
    }


LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _cache(env: Mapping[str, str], name: str, instance_path: str) -> dict[str, Any]:
    kept = {"CACHE_DEFAULT_TIMEOUT": 24 * 3600, "CACHE_THRESHOLD": 500}
    if name == "testing":
        return {"CACHE_TYPE": "SimpleCache", **kept}
    directory = env.get("CIVCAP_CACHE_DIR", "").strip() or str(Path(instance_path) / "cache")
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": directory, **kept}


def _index_dir(env: Mapping[str, str], name: str, instance_path: str) -> str | None:
    value = env.get("CIVCAP_INDEX_DIR", "").strip()
    if value.lower() == "none":
        return None
    if value:
        return value
    return None if name == "testing" else str(Path(instance_path) / "index")


def _logs(env: Mapping[str, str], production: bool) -> dict[str, str]:
    kind = env.get("CIVCAP_LOG_FORMAT", "json" if production else "text").strip().lower()
    if kind not in LOG_FORMATS:
        raise ConfigurationError(f"CIVCAP_LOG_FORMAT={kind!r} is not one of json, text.")
    level = env.get("CIVCAP_LOG_LEVEL", "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigurationError(
            f"CIVCAP_LOG_LEVEL={level!r} is not one of {', '.join(LOG_LEVELS)}."
        )
    return {"LOG_FORMAT": kind, "LOG_LEVEL": level}


def _roster_upkeep(env: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    settings = _counts(
        env,
        {
            "STALE_AFTER_DAYS": 90,
            "RECONFIRM_LINK_DAYS": 14,
            "RETENTION_DAYS": 365,
            "MAX_UPLOAD_MB": 10,
        },
    )
    upload_dir = env.get("CIVCAP_UPLOAD_DIR", "").strip() or str(Path(instance_path) / "uploads")
    return {
        **settings,
        "UPLOAD_DIR": upload_dir,
        # Flask refuses larger requests with 413 before reading them.
        "MAX_CONTENT_LENGTH": settings["MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024,
    }
