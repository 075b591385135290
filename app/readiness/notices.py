"""Asking each item's owner for it, when a candidate is recommended: the sending state's focal
points get an email listing what their member state must provide, with a link to their page;
the expert (when civcap has their email) gets their signed readiness link, in their language.

``ask_owners`` is called by the candidate workflow's move to "recommended", in its transaction
(the messages exist exactly when the move does); ``ask_expert`` is also HR's "send the link
again" from the shortlist.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from flask_babel import force_locale, gettext

from app.availability.links import first_name, language_for, link_lifetime
from app.common import audit, i18n
from app.common.errors import NotAllowed
from app.common.transaction import transaction
from app.models import Candidate, User
from app.notifications import outbox
from app.notifications.messages import focal_points
from app.readiness import links
from app.readiness.checklist import WITH_CHECKLIST, Owner, kinds_for

FOCAL_POINT_PAGE = "/readiness/"


def ask_owners(candidate: Candidate, actor: User) -> None:
    """Ask the focal points and the expert for the items they provide (in the caller's
    transaction)."""
    _ask_focal_points(candidate)
    if candidate.expert.email:
        _send_link(candidate, actor)


def _owned_by(candidate: Candidate, owner: Owner) -> list[str]:
    request = candidate.request
    return [str(k.label) for k in kinds_for(request) if k.owner_for(request) is owner]


def _ask_focal_points(candidate: Candidate) -> None:
    expert, request = candidate.expert, candidate.request
    if not _owned_by(candidate, Owner.MEMBER_STATE):
        return  # outside a secondment the member state provides nothing
    for user in focal_points([expert.organisation_id]):
        with force_locale(i18n.language_of(user)):
            items = "".join(f"- {item}\n" for item in _owned_by(candidate, Owner.MEMBER_STATE))
            outbox.queue(
                "readiness.asked",
                [user.email],
                gettext("[civcap] Readiness: what your member state must provide for %(name)s",
                        name=expert.full_name),
                gettext(
                    "UN HR recommends %(name)s for the request %(title)s. Before the selection "
                    "and the deployment, your member state must provide:\n\n%(items)s\n"
                    "Record each one, with its document, here: %(link)s\n",
                    name=expert.full_name,
                    title=request.title,
                    items=items,
                    link=current_app.config["PUBLIC_URL"] + FOCAL_POINT_PAGE,
                ),
            )  # fmt: skip


@transaction("candidate")
def ask_expert(candidate: Candidate, actor: User) -> None:
    """Send the expert a new readiness link (the earlier one stops working); refused with
    NotAllowed when the candidate has no checklist or civcap has no email for the expert."""
    if candidate.state not in WITH_CHECKLIST:
        raise NotAllowed(
            gettext(
                "A candidate who is %(state)s has no readiness checklist (it starts at the "
                "recommendation).",
                state=candidate.state.label,
            )
        )
    if not candidate.expert.email:
        raise NotAllowed(gettext("civcap has no email address for this expert."))
    _send_link(candidate, actor)


def _send_link(candidate: Candidate, actor: User) -> None:
    expert = candidate.expert
    now = datetime.now(UTC)
    valid_until = now + link_lifetime()
    candidate.readiness_asked_at = now
    with force_locale(language_for(expert, actor)):
        items = "".join(f"- {item}\n" for item in _owned_by(candidate, Owner.EXPERT))
        outbox.queue(
            "readiness.link",
            [expert.email or ""],
            gettext("Your UN deployment: what you need to provide"),
            gettext(
                "Dear %(name)s,\n\n"
                "You are recommended for the UN request %(title)s. Before you can be "
                "deployed, please provide:\n\n%(items)s\n"
                "Open this link to record each one and upload its document (a scan or a "
                "photo is fine):\n\n%(link)s\n\n"
                "You can use the link as often as you need until %(until)s; you need no "
                "account.\n",
                name=first_name(expert),
                title=candidate.request.title,
                items=items,
                link=links.link_for(candidate),
                until=i18n.moment(valid_until),
            ),
        )
    audit.record(
        "candidate.readiness_asked", "candidate", candidate.id, actor=actor,
        after={"readiness_asked_at": now.isoformat(),
               "link_valid_until": valid_until.isoformat()},
    )  # fmt: skip
