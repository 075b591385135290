"""The focal point asks experts to reconfirm their availability: one, or every stale one.

The emails carry signed links to the public ``confirm`` pages (``availability``).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.availability import links, staleness
from app.common.errors import Conflict
from app.common.permissions import expert_for, role_required
from app.extensions import db
from app.models import Expert, Role

bp = Blueprint("focal_point", __name__, url_prefix="/roster")

NAMES_SHOWN = 10

# Why an expert was not asked (``links.send_reconfirmation``), in the reader's language.
SKIPPED_BECAUSE = {
    "no longer on the roster": _l("no longer on the roster"),
    "no email address": _l("no email address"),
}


@bp.app_template_global()
def is_stale(expert: Expert) -> bool:
    return staleness.is_stale(expert)


@bp.app_template_global()
def reconfirmable(expert: Expert) -> bool:
    """Whether the expert is on the roster, so that asking them to reconfirm makes sense."""
    return staleness.is_on_roster(expert)


@bp.app_template_global()
def reconfirmation_request(expert: Expert) -> links.RequestState | None:
    return links.request_state(expert)


@bp.app_template_global()
def stale_profiles() -> staleness.StaleCount:
    """The current focal point's stale profiles (for the roster list)."""
    return staleness.stale_count(current_user.organisation_id)


@bp.route("/<int:expert_id>/reconfirm", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def reconfirm(expert_id: int) -> Response:
    expert = expert_for(current_user, expert_id, edit=True)
    _send([expert])
    return redirect(url_for("roster.focal_point.show", expert_id=expert.id))


@bp.route("/reconfirm-stale", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def reconfirm_stale() -> Response:
    experts = list(db.session.scalars(staleness.stale_experts(current_user.organisation_id)))
    if experts:
        _send(experts)
    else:
        flash(_("No profile is stale: there is nobody to ask."), "info")
    return redirect(url_for("roster.focal_point.index"))


def _send(experts: list[Expert]) -> None:
    try:
        result = links.send_reconfirmation(experts, current_user)
    except Conflict as exc:
        flash(str(exc), "error")
        return
    if result.sent:
        flash(
            ngettext(
                "Reconfirmation request sent to %(num)d expert: %(names)s.",
                "Reconfirmation request sent to %(num)d experts: %(names)s.",
                len(result.sent),
                names=_names(e.full_name for e in result.sent),
            ),
            "success",
        )
    if result.skipped:
        flash(
            ngettext(
                "Not sent to %(num)d expert: %(names)s.",
                "Not sent to %(num)d experts: %(names)s.",
                len(result.skipped),
                names=_names(f"{e.full_name} ({_reason(why)})" for e, why in result.skipped),
            ),
            "warning",
        )


def _reason(why: str) -> str:
    label = SKIPPED_BECAUSE.get(why)
    return str(label) if label is not None else why


def _names(names: Iterable[str]) -> str:
    listed = list(names)
    shown = ", ".join(listed[:NAMES_SHOWN])
    more = len(listed) - NAMES_SHOWN
    if more <= 0:
        return shown
    return ngettext("%(names)s and %(num)d more", "%(names)s and %(num)d more", more, names=shown)
