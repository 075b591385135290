from flask import Blueprint

bp = Blueprint("requests", __name__, url_prefix="/requests")


@bp.route("/")
def index() -> str:
    return "todo"


@bp.route("/new")
def new() -> str:
    return "todo"
