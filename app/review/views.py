from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.route("/requests")
def requests() -> str:
    return "todo"


@bp.route("/experts")
def experts() -> str:
    return "todo"
