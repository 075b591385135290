"""Suggested candidates through the API: HR reviewers read the roster ranked for a request, each
candidate with their score, relevance band and the explanation the suggestions page shows.

The same service calls as the page (``suggestions.hr``): a reading ranks the roster with
``ranking.run_suggestions`` and is saved as a suggestion run (the explainability trail), or is
shown the run saved for the same ranking, then read back with ``ranking.run_view``; the
sentences are ``suggestions.explanations``'. Nothing here selects, dismisses or contacts
anyone. A request HR may not see (a draft, an unknown id) is 404, as on the page
(``request_for``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE, fields

from app.api import PREFIX
from app.api.access import allow
from app.api.problems import problem
from app.api.schemas import Schema, between, limited, one_of
from app.common.permissions import request_for
from app.common.reference import CEFR_LEVELS, GENDERS, countries, languages
from app.models import Role
from app.suggestions import explanations, ranking
from app.suggestions.ranking import CandidateRow, RunView
from matching import BANDS, SIGNALS

bp = Blueprint(
    "api",
    __name__,
    url_prefix=PREFIX,
    description="The roster ranked for a request, with each suggestion's reasons.",
)
TAGS = ["suggestions"]

# The page's defaults: the best 50 deployable experts and 20 near misses.
MOST_DEPLOYABLE = 50
MOST_NEAR_MISSES = 20
COUNTRY_CODES = sorted(countries())
LANGUAGE_CODES = sorted(languages())


class SuggestionQuerySchema(Schema):
    """How many suggestions, and the filters of the suggestions page."""

    limit = fields.Integer(
        load_default=MOST_DEPLOYABLE,
        validate=between(1, MOST_DEPLOYABLE),
        metadata={"description": "How many deployable experts (1–50, default 50)"},
    )
    near_misses = fields.Integer(
        load_default=MOST_NEAR_MISSES,
        validate=between(0, MOST_NEAR_MISSES),
        metadata={"description": "How many near misses (0–20, default 20)"},
    )
    language = limited(
        8,
        load_default="",
        metadata={"description": "Speaks this language (ISO 639-1)", "enum": ["", *LANGUAGE_CODES]},
    )
    min_level = one_of(
        ("", *CEFR_LEVELS),
        load_default="",
        metadata={"description": "At least this CEFR level of `language`"},
    )
    nationality = limited(
        2,
        load_default="",
        metadata={"description": "ISO 3166-1 alpha-2", "enum": ["", *COUNTRY_CODES]},
    )
    global_south = fields.Boolean(
        load_default=None, allow_none=True, metadata={"description": "Of the global South or not"}
    )
    gender = one_of(("", *GENDERS), load_default="")


class SignalSchema(Schema):
    signal = fields.String(required=True, metadata={"enum": list(SIGNALS)})
    label = fields.String(required=True, metadata={"description": "The signal, for a person"})
    contribution = fields.Float(required=True, metadata={"description": "Its part of the score"})
    share = fields.Float(required=True, metadata={"description": "Of the score's positive part"})


class LanguageLineSchema(Schema):
    sentence = fields.String(required=True)
    met = fields.Boolean(required=True)


class ExplanationSchema(Schema):
    """Why the candidate is suggested, in sentences in the caller's language (as on the page)."""

    relevance = fields.String(
        required=True, metadata={"description": "Why the suggestion is in its band"}
    )
    skills = fields.List(fields.String(), required=True)
    matched_skills = fields.List(fields.String(), required=True)
    missing_skills = fields.List(fields.String(), required=True)
    languages = fields.List(fields.Nested(LanguageLineSchema), required=True)
    preferred_languages = fields.List(fields.Nested(LanguageLineSchema), required=True)
    fit = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Availability, experience, modality, core area, past UN deployments"
        },
    )
    shortfalls = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Why a near miss is not deployable"},
    )


class SuggestedExpertSchema(Schema):
    expert_id = fields.Integer(required=True)
    rank = fields.Integer(required=True, metadata={"description": "Within its list"})
    score = fields.Float(required=True)
    band = fields.String(
        allow_none=True, metadata={"enum": list(BANDS), "description": "strong, possible, weak"}
    )
    band_label = fields.String(required=True)
    relevance = fields.Float(
        allow_none=True, metadata={"description": "On the relevance signals alone (0–1)"}
    )
    deployable = fields.Boolean(required=True)
    full_name = fields.String(required=True)
    title = fields.String(required=True)
    nominated_by = fields.String(required=True, metadata={"description": "The member state"})
    nationality = fields.String(required=True)
    gender = fields.String(required=True)
    global_south = fields.Boolean(required=True)
    stale = fields.Boolean(
        required=True, metadata={"description": "Availability not confirmed recently"}
    )
    signals = fields.List(fields.Nested(SignalSchema), required=True)
    explanation = fields.Nested(ExplanationSchema, required=True)


class SuggestionRunSchema(Schema):
    id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    matcher_version = fields.String(required=True)
    filters = fields.Dict(required=True)
    roster_size = fields.Integer(required=True, metadata={"description": "Experts considered"})
    deployable_count = fields.Integer(required=True)
    strong_deployable = fields.Integer(
        allow_none=True, metadata={"description": "Strong matches among them (unfiltered runs)"}
    )


class SuggestionsSchema(Schema):
    """A request's suggested candidates: deployable ones ranked by fit, near misses apart."""

    request_id = fields.Integer(required=True)
    run = fields.Nested(SuggestionRunSchema, required=True)
    no_strong_match = fields.Boolean(
        required=True, metadata={"description": "No deployable suggestion is a strong match"}
    )
    deployable = fields.List(fields.Nested(SuggestedExpertSchema), required=True)
    near_misses = fields.List(fields.Nested(SuggestedExpertSchema), required=True)


def _candidate(row: CandidateRow, relevance: dict[int, float | None]) -> dict[str, Any]:
    said = explanations.explain(row.explanation)
    return {
        "expert_id": row.expert_id,
        "rank": row.rank,
        "score": row.score,
        "band": row.band,
        "band_label": explanations.band_label(row.band),
        "relevance": relevance.get(row.expert_id),
        "deployable": row.deployable,
        "full_name": row.full_name,
        "title": row.title,
        "nominated_by": row.nominated_by,
        "nationality": row.nationality,
        "gender": row.gender,
        "global_south": row.global_south,
        "stale": row.stale,
        "signals": [
            {
                "signal": s.signal,
                "label": explanations.signal_label(s.signal),
                "contribution": s.contribution,
                "share": s.share,
            }
            for s in row.shares
        ],
        "explanation": {
            "relevance": said.relevance,
            "skills": said.skills,
            "matched_skills": list(row.explanation.get("matched_skills", [])),
            "missing_skills": list(row.explanation.get("missing_skills", [])),
            "languages": [{"sentence": x.sentence, "met": x.met} for x in said.languages],
            "preferred_languages": [{"sentence": x.sentence, "met": x.met} for x in said.preferred],
            "fit": said.fit,
            "shortfalls": said.shortfalls,
        },
    }


def representation(request_id: int, view: RunView) -> dict[str, Any]:
    run = view.run
    relevance = {entry.expert_id: entry.relevance for entry in run.entries}

    def ranked(rows: list[CandidateRow]) -> list[dict[str, Any]]:
        return [_candidate(row, relevance) for row in sorted(rows, key=lambda c: c.rank)]

    return {
        "request_id": request_id,
        "run": {
            "id": run.id,
            "created_at": run.created_at,
            "matcher_version": run.matcher_version,
            "filters": run.filters,
            "roster_size": run.roster_size,
            "deployable_count": run.deployable_count,
            "strong_deployable": run.strong_deployable,
        },
        "no_strong_match": view.no_strong_match,
        "deployable": ranked(view.deployable + view.weak_deployable),
        "near_misses": ranked(view.near_misses + view.weak_near_misses),
    }


@bp.route("/requests/<int:request_id>/suggestions", methods=["GET"], tags=TAGS)
@allow(Role.HR_REVIEWER)
@bp.arguments(SuggestionQuerySchema, location="query", unknown=RAISE)
@bp.response(200, SuggestionsSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def read_suggestions(query: dict[str, Any], request_id: int) -> Any:
    """The roster ranked for a request, each suggestion with its reasons

    Deployable experts ranked by fit (weak matches included, with their band), and near misses
    apart with why they are not deployable. Each ranking is saved as a suggestion run (`run`),
    as on the suggestions page, so that a shortlist can be explained later; a reading of an
    unchanged ranking (the same request version, filters and roster) gives that run again. Only
    submitted, open and in-selection requests are matched (409 otherwise).
    """
    expertise_request = request_for(current_user, request_id)
    if not ranking.can_be_matched(expertise_request):
        return problem(
            409,
            _(
                "This request is %(status)s: only submitted, open and selection requests are "
                "matched, so no candidates are suggested for it.",
                status=expertise_request.status.label,
            ),
        )
    run = ranking.run_suggestions(
        expertise_request,
        current_user,
        ranking.narrowed_by(
            nationality=query["nationality"],
            gender=query["gender"],
            global_south=query["global_south"],
            language=query["language"],
            min_level=query["min_level"],
        ),
        k=query["limit"],
        near_misses=query["near_misses"],
    )
    return representation(expertise_request.id, ranking.run_view(run))
