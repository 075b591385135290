"""HR's "Suggested candidates" for a request.

Each view of the page ranks the roster through ``suggestions.ranking.run_suggestions`` and is
saved as a suggestion run: that is the explainability trail. The page only shows; it selects,
dismisses and contacts no one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask import request as http_request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from app.common.forms import SelectField, choices, filter_values
from app.common.permissions import request_for, role_required
from app.common.reference import CEFR_LEVELS, GENDERS, country_choices, language_choices
from app.extensions import db
from app.models import ExpertiseRequest, Role, SuggestionRun
from app.suggestions import explanations, ranking
from matching import Filters

bp = Blueprint("hr", __name__, url_prefix="/review")


class SuggestionFilterForm(FlaskForm):
    """GET filters that narrow the ranked list (no CSRF: filtering changes no record)."""

    class Meta:
        csrf = False

    language = SelectField(_l("Speaks"), default="")
    min_level = SelectField(_l("At least"), default="")
    nationality = SelectField(_l("Nationality"), default="")
    global_south = SelectField(_l("Global South"), default="")
    gender = SelectField(_l("Gender"), default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built for each page, so that every name is in the reader's language.
        self.language.choices = choices(language_choices(), blank=_("Any language"))
        self.min_level.choices = choices(((lv, lv) for lv in CEFR_LEVELS), blank=_("any level"))
        self.nationality.choices = choices(country_choices(), blank=_("Any nationality"))
        self.global_south.choices = choices(
            (("yes", _("Global South")), ("no", _("Not global South"))), blank=_("Any")
        )
        self.gender.choices = choices(GENDERS.items(), blank=_("Any"))


def _filters(form: SuggestionFilterForm) -> Filters:
    values = filter_values(form)

    def text(name: str) -> str:
        return str(values.get(name) or "")

    return ranking.narrowed_by(
        nationality=text("nationality"),
        gender=text("gender"),
        global_south={"yes": True, "no": False}.get(text("global_south")),
        language=text("language"),
        min_level=text("min_level"),
    )


@bp.app_template_global()
def explain(explanation: dict[str, object]) -> explanations.Explained:
    return explanations.explain(explanation)


@bp.app_template_global()
def band_label(band: str | None) -> str:
    return explanations.band_label(band)


@bp.app_template_global()
def signal_label(name: str) -> str:
    return explanations.signal_label(name)


@bp.app_template_global()
def can_be_matched(expertise_request: ExpertiseRequest) -> bool:
    return ranking.can_be_matched(expertise_request)


# The first screen: the 20 best deployable suggestions and 10 near misses; "show all" gives the
# run's 50 and 20, and each suggestion's reasons are a page of their own (details on demand).
FIRST_SCREEN = (20, 10)


@bp.route("/requests/<int:request_id>/suggestions")
@role_required(Role.HR_REVIEWER)
def suggestions(request_id: int) -> str:
    expertise_request = request_for(current_user, request_id)
    form = SuggestionFilterForm(formdata=http_request.args)
    view, more = None, 0
    if ranking.can_be_matched(expertise_request):
        run = ranking.run_suggestions(expertise_request, current_user, _filters(form))
        whole = ranking.run_view(run)
        view = whole if http_request.args.get("show") == "all" else whole.first(*FIRST_SCREEN)
        more = whole.size - view.size
    return render_template(
        "suggestions/suggestions.html",
        expertise_request=expertise_request,
        filters=form,
        view=view,
        more=more,
        all_url=url_for(
            "suggestions.hr.suggestions",
            **{**http_request.args.to_dict(), "show": "all", "request_id": request_id},
        ),
    )


@bp.route("/requests/<int:request_id>/suggestions/<int:run_id>/<int:expert_id>")
@role_required(Role.HR_REVIEWER)
def reasons(request_id: int, run_id: int, expert_id: int) -> str:
    """Everything a saved run said of one suggested expert (the details of a row)."""
    expertise_request = request_for(current_user, request_id)
    run = db.session.get(SuggestionRun, run_id)
    candidate = ranking.candidate_in(run, expert_id) if run is not None else None
    if run is None or run.request_id != expertise_request.id or candidate is None:
        abort(404)
    return render_template(
        "suggestions/reasons.html", expertise_request=expertise_request, run=run, c=candidate
    )
