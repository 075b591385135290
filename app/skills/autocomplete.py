"""Skill names offered while typing (static/skills.js): one small JSON endpoint."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.common import vocabulary
from app.common.permissions import role_required
from app.models import Role

bp = Blueprint("autocomplete", __name__, url_prefix="/skills")


MAX_QUERY = 200  # as long as a skill name may be
MAX_SUGGESTIONS = 10  # vocabulary.suggest gives at most this many


@bp.app_template_global()
def skill_completion_attributes() -> dict[str, str]:
    """What a skills textarea gives skills.js: where to ask, and the words it says, in the
    reader's language (the status line for each number of completions it may show)."""
    return {
        "data_skill_suggest": url_for("skills.autocomplete.suggest"),
        "data_completions_label": _("Completions"),
        "data_completions_status": json.dumps(
            [
                ngettext(
                    "%(num)d completion: up and down arrows to choose, Enter to take one.",
                    "%(num)d completions: up and down arrows to choose, Enter to take one.",
                    n,
                )
                for n in range(MAX_SUGGESTIONS + 1)
            ],
            ensure_ascii=False,
        ),
    }


@bp.route("/suggest")
@role_required(Role.FOCAL_POINT, Role.REQUESTER)  # the roles that write skills
def suggest() -> Response:
    """``GET /skills/suggest?q=drafting`` -> ``["legislative drafting", ...]`` (at most 10)."""
    typed = request.args.get("q", "")[:MAX_QUERY]
    return jsonify(vocabulary.suggest(typed))  # not cached: see the factory's headers
