"""The expert's signed readiness link: from the recommendation on, the expert (who has no
account) records their own items (the security training, the passport) and uploads their
documents through it.

The link names the candidacy and the time it was sent (``candidates.readiness_asked_at``),
signed with SECRET_KEY, and expires after RECONFIRM_LINK_DAYS. It can be used again until then
(the expert may come back with the passport after the training); a newer link replaces it.
``verify`` says why a link cannot be used.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.availability.links import link_lifetime
from app.common import signed_links
from app.common.signed_links import LinkProblem, LinkRefused
from app.extensions import db
from app.models import Candidate
from app.readiness.checklist import WITH_CHECKLIST

SALT = "civcap-readiness"
PATH = "/ready/"  # the link's path, before its token (the outbox hides what follows)


def token_for(candidate: Candidate) -> str:
    """The signed token of the candidate's latest readiness link."""
    assert candidate.readiness_asked_at is not None
    return signed_links.sign(
        SALT, candidate=candidate.id, asked=signed_links.stamp(candidate.readiness_asked_at)
    )


def link_for(candidate: Candidate) -> str:
    return f"{current_app.config['PUBLIC_URL']}{PATH}{token_for(candidate)}"


MESSAGES = {
    LinkProblem.EXPIRED: _l(
        "This link has expired. Please ask UN HR or your member state's focal point for a new one."
    ),
    LinkProblem.INVALID: _l(
        "This link is not valid: it may have been cut or changed. Please open the link exactly "
        "as it is in the email."
    ),
    LinkProblem.REPLACED: _l(
        "This link was replaced by a newer one. Please use the link in the most recent email "
        "you received."
    ),
    LinkProblem.GONE: _l(
        "This candidacy is no longer being prepared for deployment, so there is nothing to provide."
    ),
}


def verify(token: str) -> Candidate:
    """The candidacy a link was sent for, if the link can still be used; else LinkRefused."""
    payload = signed_links.read(SALT, token, ("candidate", "asked"), link_lifetime(), MESSAGES)
    candidate = db.session.get(Candidate, payload["candidate"])
    if (
        candidate is None
        or candidate.state not in WITH_CHECKLIST
        or candidate.expert.erased_at is not None
    ):
        raise LinkRefused(LinkProblem.GONE, MESSAGES)
    if candidate.readiness_asked_at is None:
        raise LinkRefused(LinkProblem.INVALID, MESSAGES)
    latest = signed_links.stamp(candidate.readiness_asked_at)
    if payload["asked"] < latest:
        raise LinkRefused(LinkProblem.REPLACED, MESSAGES)
    if payload["asked"] != latest:
        raise LinkRefused(LinkProblem.INVALID, MESSAGES)
    return candidate
