from flask import Blueprint

bp = Blueprint("roster", __name__, url_prefix="/roster")


@bp.route("/")
def index() -> str:
    return "todo"


@bp.route("/new")
def new() -> str:
    return "todo"
