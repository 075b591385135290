"""``civcap serve``: civcap in production, on gunicorn.

The app is made once, by the command, before the workers are forked (so a configuration problem
is one clear line before anything listens), and each worker starts with its own database
connections (the master's pool is dropped after the fork, never shared). The master loads the
sentence encoder and the matching index before forking (``prepare_for_workers``): the workers
share them, and a new one ranks at once. Settings come from the
environment (``CIVCAP_BIND``, ``CIVCAP_WORKERS``, ``CIVCAP_THREADS``, ``CIVCAP_TIMEOUT``) or the
options; logs are gunicorn's and civcap's own in one format (``CIVCAP_LOG_FORMAT``).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo, pass_script_info
from gunicorn.app.base import BaseApplication
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.serving import logs
from app.suggestions import worker_index
from matching import UniversalSentenceEncoder

log = logging.getLogger(__name__)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn serving one already-made Flask app."""

    def __init__(self, app: Flask, options: dict[str, Any]):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _fresh_connections(app: Flask) -> Any:
    def post_fork(server: Any, worker: Any) -> None:
        # A forked worker must not use the master's pooled connections (SQLAlchemy's rule).
        with app.app_context():
            db.engine.dispose(close=False)

    return post_fork


def options(app: Flask, bind: str, workers: int, threads: int, timeout: int) -> dict[str, Any]:
    """gunicorn's settings for civcap."""
    return {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        # One request at a time per process; each connection is accepted by whichever worker
        # is free (a kept-alive connection of gthread stays with the worker that took it, so
        # two browsers could queue behind one busy worker while others idle). gunicorn runs
        # gthread instead when threads > 1.
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": timeout,
        "preload_app": True,
        "accesslog": None,  # civcap logs each request itself (app.serving.logs)
        "errorlog": "-",
        "logconfig_dict": logs.gunicorn_logging(app.config["LOG_FORMAT"]),
        "post_fork": _fresh_connections(app),
        "proc_name": "civcap",
        "control_socket_disable": True,  # no second way in beside the signals
    }


@click.command("serve")
@click.option(
    "--bind",
    envvar="CIVCAP_BIND",
    default="127.0.0.1:8000",
    show_default=True,
    help="Address to listen on (host:port, or unix:PATH). [env CIVCAP_BIND]",
)
@click.option(
    "--workers",
    envvar="CIVCAP_WORKERS",
    type=click.IntRange(1, 64),
    default=lambda: 2 * (os.cpu_count() or 1),
    show_default="two per CPU core",
    help="Worker processes. [env CIVCAP_WORKERS]",
)
@click.option(
    "--threads",
    envvar="CIVCAP_THREADS",
    type=click.IntRange(1, 64),
    # One: civcap's pages are CPU-bound, and threads of one worker wait for each other's turn
    # at the interpreter lock (at 32 connections, 4 threads per worker served 45 request
    # pages a second where 1 served 70). Processes are cheap: the matching index is shared.
    default=1,
    show_default=True,
    help="Threads per worker. [env CIVCAP_THREADS]",
)
@click.option(
    "--timeout",
    envvar="CIVCAP_TIMEOUT",
    type=click.IntRange(5, 3600),
    default=60,
    show_default=True,
    help="Seconds before a stuck worker is restarted. [env CIVCAP_TIMEOUT]",
)
@pass_script_info
def serve(info: ScriptInfo, bind: str, workers: int, threads: int, timeout: int) -> None:
    """Serve civcap in production with gunicorn (behind a reverse proxy that does HTTPS)."""
    app = info.load_app()
    with app.app_context():
        prepare_for_workers(app)
    # No app context is left pushed for the workers: a sync worker serves in its main thread,
    # where a context pushed here would be every request's, and so would its ``g`` (the
    # logged-in user, the language). Each request pushes its own (tests/serving/test_serve.py).
    Server(app, options(app, bind, workers, threads, timeout)).run()


def prepare_for_workers(app: Flask) -> None:
    """What every worker needs, made once in the master before they are forked, so that they
    share its memory and a new worker serves its first ranking at once: the sentence encoder,
    and the matching index (loaded from its saved build, or built and saved if there is none
    that serves). A database not yet reachable or migrated is left to the workers, which build
    when it is (and /readyz says so)."""
    try:
        with app.app_context():
            _build_aside(app)
            worker_index.roster_index().current()
            db.session.remove()
    except SQLAlchemyError as problem:
        log.warning("matching index not built before serving: %s", type(problem).__name__)
    UniversalSentenceEncoder().warm()
    # Objects made so far live as long as the master: the collector leaves them alone, so a
    # worker does not copy the pages it would otherwise write to while collecting.
    gc.freeze()


def _build_aside(app: Flask) -> None:
    """Where the index is shared and no saved build serves, build and save it in a child
    process; the master then loads the saved build as every worker does. Built in the master
    itself, the build's memory, freed but kept by the process, is inherited by every worker
    (about 100 MB at 100,000 experts: each worker's resident memory was 437-441 MB after a
    build in the master, 332-356 MB after loading one), and a worker that reuses it copies
    it. Forked before the sentence encoder is loaded, and so before any thread of it."""
    index = worker_index.roster_index()
    if index.shared is None or index.ready:
        return
    child = multiprocessing.get_context("fork").Process(
        target=_build_and_save, args=(app,), name="civcap-index-build"
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        log.warning("matching index build before serving ended with %s", child.exitcode)


def _build_and_save(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose(close=False)  # the master's connections stay the master's
        worker_index.roster_index().rebuild()
        db.session.remove()
