"""The home page: each role lands on the page of its daily job."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.models import Role

bp = Blueprint("main", __name__)

HOME_BY_ROLE = {
    Role.FOCAL_POINT: "roster.index",
    Role.REQUESTER: "requests.index",
    Role.HR_REVIEWER: "review.requests",
    Role.ADMIN: "admin.index",
}


@bp.route("/")
@login_required
def home() -> Response:
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))
