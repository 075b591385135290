"""The expert's readiness page, reached by their signed link (no login): their own items (the
security training, the passport), each with its status and problem and a form to record it
with its document (a scan or a photo).

Every request checks the link again (``links.verify``): an expired, tampered, replaced link, or
one of a candidacy no longer prepared, gets a page saying so and changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.availability.links import first_name
from app.models import Candidate
from app.readiness import documents, forms, items, links
from app.readiness.checklist import BY_CODE
from app.readiness.links import LinkRefused

bp = Blueprint("expert", __name__, url_prefix=links.PATH.rstrip("/"))


@bp.after_request
def not_cached(response: Response) -> Response:
    # The page carries a personal link and personal data: no shared or back-button cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(refused: LinkRefused) -> tuple[str, int]:
    return render_template("availability/refused.html", refused=refused), refused.status


@bp.route("/<token>")
def page(token: str) -> str | tuple[str, int]:
    try:
        candidate = links.verify(token)
    except LinkRefused as refused:
        return _refused(refused)
    return render_template(
        "readiness/expert.html",
        candidate=candidate,
        entries=items.entries_for(candidate.expert, candidate),
        token=token,
        first_name=first_name(candidate.expert),
    )


@bp.route("/<token>/<code>", methods=["POST"])
def record(token: str, code: str) -> Response | tuple[str, int]:
    try:
        candidate: Candidate = links.verify(token)
    except LinkRefused as refused:
        return _refused(refused)
    kind = BY_CODE.get(code)
    if kind is None:
        abort(404)
    forms.save(forms.ItemForm(), candidate, kind, candidate.expert)
    return redirect(url_for("readiness.expert.page", token=token) + f"#item-{code}")


@bp.route("/<token>/<code>/document")
def document(token: str, code: str) -> Response | tuple[str, int]:
    try:
        candidate = links.verify(token)
    except LinkRefused as refused:
        return _refused(refused)
    item = items.item_for(candidate.expert, candidate, code)
    if item is None:
        abort(404)
    return documents.send(item)
