"""The expert's reconfirmation page, reached by a signed link (no login).

Every request checks the link again (``links.verify``): an expired, tampered, used or
replaced link gets a page saying so and changes nothing. The page shows only what the expert
needs to answer: their first name, availability window and modalities.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from app.availability import answers, links
from app.availability.forms import ANSWERS, AnswerForm, availability_change, initial
from app.availability.links import LinkRefused
from app.common.errors import Conflict, ValidationFailed
from app.common.forms import attach_errors

bp = Blueprint("expert", __name__, url_prefix="/confirm")


_ANSWERED = "civcap.reconfirmation_answer"  # what the thank-you page says


@bp.after_request
def not_cached(response: Response) -> Response:
    # The page carries a personal link and personal data: no shared or back-button cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/thanks")
def thanks() -> str:
    return render_template("availability/thanks.html", answered=session.pop(_ANSWERED, None))


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str) -> str | Response | tuple[str, int]:
    try:
        expert = links.verify(token)
    except LinkRefused as refused:
        return render_template("availability/refused.html", refused=refused), refused.status
    form = AnswerForm() if request.method == "POST" else AnswerForm(data=initial(expert))
    if form.validate_on_submit():
        if form.answer.data not in ANSWERS:
            abort(400)
        name = links.first_name(expert)
        try:
            if form.answer.data == "confirm":
                answers.confirm(expert)
            elif form.answer.data == "change":
                answers.change(expert, availability_change(form))
            else:
                answers.withdraw(expert)
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        except Conflict as exc:
            flash(str(exc), "error")
            return redirect(url_for("availability.expert.answer", token=token))
        else:
            session[_ANSWERED] = {"answer": form.answer.data, "first_name": name}
            return redirect(url_for("availability.expert.thanks"))
    status = 422 if form.errors else 200
    page = render_template(
        "availability/answer.html",
        form=form,
        expert=expert,
        token=token,
        first_name=links.first_name(expert),
    )
    return page, status
