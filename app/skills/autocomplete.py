"""Skill names offered while typing (static/skills.js): one small JSON endpoint."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from app.common import vocabulary
from app.common.permissions import role_required
from app.models import Role

bp = Blueprint("autocomplete", __name__, url_prefix="/skills")


MAX_QUERY = 200  # as long as a skill name may be


@bp.route("/suggest")
@role_required(Role.FOCAL_POINT, Role.REQUESTER)  # the roles that write skills
def suggest() -> Response:
    """``GET /skills/suggest?q=drafting`` -> ``["legislative drafting", ...]`` (at most 10)."""
    typed = request.args.get("q", "")[:MAX_QUERY]
    return jsonify(vocabulary.suggest(typed))  # not cached: see the factory's headers
