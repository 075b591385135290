"""Relevance bands: closeness against the roster, relevance, the band rule at its edges, and
that bands rest on the relevance signals alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from matching import (
    BANDS,
    POSSIBLE,
    STRONG,
    WEAK,
    ExpertProfile,
    Matcher,
    RelevanceBands,
    RequestProfile,
    Suggestion,
)
from matching._bands import assess, closeness

START = date(2027, 3, 1)

# A roster of unrelated occupations for the court administrator to stand out from.
OCCUPATIONS = {
    "plumber": ("install water pipes", "repair leaking taps"),
    "airline pilot": ("fly commercial aircraft", "plan flight routes"),
    "chef": ("cook meals", "plan kitchen menus"),
    "geologist": ("survey rock formations", "analyse soil samples"),
    "nurse": ("care for patients", "administer medication"),
    "farmer": ("grow crops", "raise livestock"),
    "primary school teacher": ("teach children to read", "plan lessons"),
    "painter and decorator": ("paint walls", "hang wallpaper"),
    "electrician": ("wire buildings", "install electrical panels"),
    "truck driver": ("drive heavy goods vehicles", "load freight"),
    "dentist": ("treat tooth decay", "clean teeth"),
    "architect": ("design buildings", "draw building plans"),
    "veterinarian": ("treat sick animals", "vaccinate livestock"),
    "software developer": ("write computer programs", "test software"),
    "journalist": ("write news articles", "interview sources"),
    "film producer": ("produce films", "manage film budgets"),
    "hotel receptionist": ("check in hotel guests", "answer guest enquiries"),
    "carpenter": ("build wooden furniture", "fit doors and windows"),
    "fisherman": ("catch fish", "mend fishing nets"),
    "baker": ("bake bread", "decorate cakes"),
    "tailor": ("sew garments", "alter clothing"),
    "pharmacist": ("dispense medicines", "advise on drug interactions"),
    "mechanic": ("repair car engines", "service vehicles"),
    "librarian": ("catalogue books", "help readers find books"),
    "musician": ("play the violin", "perform concerts"),
    "hairdresser": ("cut hair", "colour hair"),
    "gardener": ("plant flowers", "mow lawns"),
    "translator": ("translate documents", "proofread translations"),
    "photographer": ("take portraits", "edit photographs"),
    "civil engineer": ("design bridges", "supervise road construction"),
    "accountant": ("prepare financial statements", "audit company accounts"),
    "marketing manager": ("plan advertising campaigns", "analyse market research"),
    "travel agent": ("book holidays", "sell airline tickets"),
    "security guard": ("patrol premises", "monitor alarm systems"),
    "shop assistant": ("serve customers", "stock shelves"),
    "miner": ("extract coal", "operate drilling machines"),
}


def profile(expert_id: int, title: str, skills: tuple[str, ...], **overrides) -> ExpertProfile:
    values = dict(
        expert_id=expert_id, title=title,
        summary=f"{title.capitalize()} with long experience: {'; '.join(skills)}.",
        skills=skills, areas=(), languages={"en": "C1", "fr": "B2"}, years_experience=10,
        available_from=date(2027, 1, 1), available_until=None, modalities=("consultant",),
    )  # fmt: skip
    values.update(overrides)
    return ExpertProfile(**values)


ROSTER = [profile(100 + n, title, skills) for n, (title, skills) in enumerate(OCCUPATIONS.items())]
COURT_SKILLS = ("manage court cases", "maintain court registries", "schedule court hearings")
ADMINISTRATOR = profile(
    1, "court administrator", COURT_SKILLS, areas=("justice",),
    summary="Court administrator running court registries, case files and hearing schedules.",
)  # fmt: skip
# The same profile, short of everything that is not relevance.
UNAVAILABLE_TWIN = replace(
    ADMINISTRATOR, expert_id=2, years_experience=1, modalities=("staff",),
    available_from=START + timedelta(days=90), languages={"en": "B1"},
)  # fmt: skip
# Irrelevant, but perfect on seniority, modality, availability and languages.
PERFECT_CHEF = profile(
    3, "chef", ("cook meals", "plan kitchen menus"), years_experience=30,
    modalities=("consultant", "staff"), languages={"en": "C2", "fr": "C2"},
)  # fmt: skip


def request(**overrides) -> RequestProfile:
    values = dict(
        title="court administrator",
        terms_of_reference="Manage court cases, maintain the court registry and schedule "
        "hearings for the district court.",
        area="justice", required_skills=COURT_SKILLS, languages={"fr": "B2"},
        min_years_experience=5, start_date=START, duration_months=6, modality="consultant",
    )  # fmt: skip
    values.update(overrides)
    return RequestProfile(**values)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher().fit([ADMINISTRATOR, UNAVAILABLE_TWIN, PERFECT_CHEF, *ROSTER])


def everyone(matcher: Matcher, req: RequestProfile) -> dict[int, Suggestion]:
    ranking = matcher.rank(req, k=100, near_misses=100)
    return {s.expert_id: s for s in ranking.deployable + ranking.near_misses}


# ---- the rule at its edges -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("relevance", "band"),
    [(1.0, STRONG), (0.75, STRONG), (0.7499, POSSIBLE), (0.30, POSSIBLE), (0.2999, WEAK),
     (0.0, WEAK)],
)  # fmt: skip
def test_band_thresholds_are_inclusive_from_below(relevance, band):
    assert RelevanceBands(strong=0.75, possible=0.30).band(relevance) == band


def test_band_names_best_first():
    assert BANDS == ("strong", "possible", "weak")


def test_closeness_is_standing_above_the_roster_not_nearness_to_its_best():
    crowd = np.array([0.10, 0.12, 0.08, 0.11, 0.09] * 8 + [0.40], dtype=np.float32)
    alive = np.ones(crowd.size, dtype=bool)
    close = closeness(crowd, alive, spread=4.0)
    assert close[-1] == 1.0  # far above the crowd
    assert close[:-1].max() < 0.25  # the crowd itself is not close
    # The best of an unrelated roster (nobody stands out) is not close, though it is the best.
    flat = np.array([0.30, 0.31, 0.29, 0.30, 0.32] * 8, dtype=np.float32)
    assert closeness(flat, np.ones(flat.size, dtype=bool), spread=4.0).max() < 0.5


def test_closeness_ignores_retired_rows_and_small_rosters_can_still_stand_out():
    cosines = np.array([0.9, 0.1, 0.1, 0.1, 0.9], dtype=np.float32)
    alive = np.array([True, True, True, True, False])
    # Four alive rows: at most sqrt(3) deviations are possible, and the first reaches them.
    assert closeness(cosines, alive, spread=12.0)[0] == pytest.approx(1.0)
    assert closeness(cosines[:1], alive[:1], spread=4.0).tolist() == [0.0]  # nobody to compare
    assert closeness(np.full(5, 0.3), np.ones(5, dtype=bool), 4.0).tolist() == [0.0] * 5


def test_relevance_counts_only_the_evidence_the_request_offers():
    signals = {
        "text_cosine": np.array([0.0, 1.0, 0.0, 0.0]), "meaning_cosine": np.array([0, 1, 0, 0.0]),
        "skills": np.zeros(4), "area": np.array([1.0, 1.0, 0.0, 0.0]),
    }  # fmt: skip
    weights = {"text": 0.16, "meaning": 0.24, "skills": 0.20, "area": 0.15}
    alive = np.ones(4, dtype=bool)
    rule = RelevanceBands(text_spread=1.0, meaning_spread=1.0)
    without_skills = assess(signals, weights, alive, rule, skills_listed=False, area_named=True)
    with_skills = assess(signals, weights, alive, rule, skills_listed=True, area_named=True)
    # No required skills is no evidence: the close profile is fully relevant without them…
    assert without_skills.relevance([1])[0] == pytest.approx(1.0)
    assert set(without_skills.weights) == {"text", "meaning", "area"}
    # …but holding none of the listed ones counts against it.
    assert with_skills.relevance([1])[0] == pytest.approx(0.55 / 0.75)
    nowhere = assess(signals, weights, alive, rule, skills_listed=False, area_named=False)
    assert nowhere.relevance([0, 1]).tolist() == pytest.approx([0.0, 1.0])
    # A weight of 0 (the encoder not loaded) leaves that signal out too.
    blind = assess(signals, weights | {"meaning": 0.0}, alive, rule, skills_listed=False,
                   area_named=False)  # fmt: skip
    assert set(blind.weights) == {"text"}
    assert blind.relevance([1])[0] == pytest.approx(1.0)


# ---- bands of real suggestions ------------------------------------------------------------------


def test_a_close_profile_is_strong_and_an_irrelevant_perfect_candidate_is_weak(matcher):
    suggestions = everyone(matcher, request())
    assert suggestions[1].band == STRONG and suggestions[1].relevance >= 0.75
    chef = suggestions[3]
    assert chef.band == WEAK
    # Seniority, modality, languages and availability give the chef a fair score all the same.
    assert chef.score > 0.2 and chef.deployable


def test_bands_ignore_seniority_modality_languages_and_availability(matcher):
    suggestions = everyone(matcher, request())
    close, twin = suggestions[1], suggestions[2]
    assert not twin.deployable and twin.score < close.score
    assert twin.relevance == pytest.approx(close.relevance)
    assert twin.band == close.band == STRONG
    assert twin.facts is not None and twin.facts.relevance is not None
    assert twin.facts.relevance.score == pytest.approx(twin.relevance)


def test_the_facts_hold_the_figures_behind_the_band(matcher):
    top = matcher.rank(request(), k=1).deployable[0]
    assert top.facts is not None
    why = top.facts.relevance
    assert why is not None
    assert (why.score, why.band) == (top.relevance, top.band)
    assert (why.strong_from, why.possible_from) == (0.75, 0.30)
    assert why.skills == 1.0 and 0.0 <= why.text <= 1.0 and why.meaning > 0.5
    french = matcher.rank(request(required_skills=()), k=1).deployable[0]
    assert french.facts is not None and french.facts.relevance is not None
    assert french.facts.relevance.skills is None


def test_a_french_request_without_skills_finds_its_profile_above_weak(matcher):
    french = request(
        title="greffier en chef",
        terms_of_reference="Le greffier en chef gère les dossiers du tribunal, tient le greffe "
        "et fixe le calendrier des audiences.",
        required_skills=(),
    )  # fmt: skip
    suggestions = everyone(matcher, french)
    assert suggestions[1].band in (STRONG, POSSIBLE)
    assert suggestions[1].relevance > suggestions[3].relevance


def test_a_request_nobody_on_the_roster_fits_has_no_strong_suggestion(matcher):
    astronaut = request(
        title="astronaut", terms_of_reference="Pilot the spacecraft and run orbital experiments.",
        area="security", required_skills=("operate spacecraft", "conduct orbital experiments"),
    )  # fmt: skip
    ranking = matcher.rank(astronaut, k=50, near_misses=50)
    assert ranking.strong == []
    assert all(s.band != STRONG for s in ranking.deployable + ranking.near_misses)


def test_ranking_strong_lists_the_strong_deployable_suggestions(matcher):
    ranking = matcher.rank(request(), k=50, near_misses=50)
    assert [s.expert_id for s in ranking.strong] == [1]  # the twin is strong but not deployable
    assert 2 in {s.expert_id for s in ranking.near_misses if s.band == STRONG}


def test_thresholds_are_parameters_and_never_change_the_ranking(matcher):
    strict = Matcher(bands=RelevanceBands(strong=0.99, possible=0.9)).fit(
        [ADMINISTRATOR, UNAVAILABLE_TWIN, PERFECT_CHEF, *ROSTER]
    )
    default = matcher.rank(request(), k=50, near_misses=50)
    other = strict.rank(request(), k=50, near_misses=50)
    assert [(s.expert_id, s.score) for s in default.deployable + default.near_misses] == [
        (s.expert_id, s.score) for s in other.deployable + other.near_misses
    ]
    assert {s.band for s in other.deployable} <= {POSSIBLE, WEAK}
