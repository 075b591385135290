"""Jobs declared for the tests of ``app.jobs`` (module level, as the API asks)."""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app

from app.extensions import db
from app.jobs import job

RAN: list[Any] = []  # what the jobs below did, in order (the tests empty it)


@job(queue="tests")
def note(word: str) -> None:
    """Notes the word, the app, the database session and the thread it ran in."""
    RAN.append((word, current_app.name, id(db.session()), threading.get_ident()))


@job(queue="tests", max_retries=2, min_backoff_s=20, max_backoff_s=40)
def fails_first(word: str) -> None:
    RAN.append(word)
    if RAN.count(word) == 1:
        raise RuntimeError("the first try fails")


@job(queue="tests", max_retries=1, min_backoff_s=1)
def always_fails(word: str) -> None:
    RAN.append(word)
    raise RuntimeError("never works")
