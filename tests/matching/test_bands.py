"""Relevance bands: closeness against the roster and the prior crowd, relevance, the band rule
at its edges, that bands rest on the relevance signals alone, and that small or homogeneous
rosters (a pilot's two court administrators, a roster of police officers) still mark their
true matches strong."""

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
from matching._bands import NO_PRIOR, Crowd, assess, closeness

START = date(2027, 3, 1)
# The rule with the roster's crowd alone (no prior crowd): what bands were before.
ROSTER_ALONE = RelevanceBands(text_prior=NO_PRIOR, meaning_prior=NO_PRIOR)

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


def test_a_cosine_close_on_any_roster_is_close_among_alike_profiles_too():
    prior = Crowd(mean=0.10, scale=0.50)  # fully close from a cosine of 0.60
    alike = np.full(3, 0.8, dtype=np.float32)
    alive = np.ones(3, dtype=bool)
    assert closeness(alike, alive, spread=4.0).tolist() == [0.0] * 3  # nobody stands out
    assert closeness(alike, alive, spread=4.0, prior=prior).tolist() == [1.0] * 3
    # Against the prior, closeness grows from its mean to its fully-close cosine, on any roster.
    for roster in (np.array([0.35], dtype=np.float32), np.array([0.35, 0.35], dtype=np.float32)):
        assert closeness(roster, np.ones(roster.size, dtype=bool), 4.0, prior)[0] == (
            pytest.approx(0.5)
        )


def test_the_prior_never_lowers_closeness_and_a_diverse_roster_keeps_the_say():
    prior = Crowd(mean=0.10, scale=0.50)
    cosines = np.array([0.02, 0.04, 0.01, 0.03, 0.05] * 8 + [0.40], dtype=np.float32)
    alive = np.ones(cosines.size, dtype=bool)
    alone = closeness(cosines, alive, spread=4.0)
    with_prior = closeness(cosines, alive, spread=4.0, prior=prior)
    # The outstanding profile is fully close by the roster, though only 0.6 close by the prior.
    assert alone[-1] == with_prior[-1] == 1.0
    # The crowd lies below the prior's mean: the prior adds nothing to it.
    assert with_prior[:-1].tolist() == alone[:-1].tolist()


def test_the_shipped_priors_are_fully_close_only_from_high_cosines():
    rule = RelevanceBands()
    for prior in (rule.text_prior, rule.meaning_prior):
        assert 0.0 < prior.mean < 0.1  # unrelated profiles: low cosines
        assert prior.mean + prior.scale >= 0.6  # fully close only where any roster says so


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
    assert suggestions[1].band == STRONG and suggestions[1].relevance >= RelevanceBands().strong
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
    rule = RelevanceBands()
    assert (why.strong_from, why.possible_from) == (rule.strong, rule.possible)
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


@pytest.mark.parametrize(
    "rule", [RelevanceBands(strong=0.99, possible=0.9), ROSTER_ALONE], ids=["strict", "alone"]
)
def test_thresholds_and_priors_are_parameters_and_never_change_the_ranking(matcher, rule):
    other_matcher = Matcher(bands=rule).fit(
        [ADMINISTRATOR, UNAVAILABLE_TWIN, PERFECT_CHEF, *ROSTER]
    )
    default = matcher.rank(request(), k=50, near_misses=50)
    other = other_matcher.rank(request(), k=50, near_misses=50)
    assert [(s.expert_id, s.score) for s in default.deployable + default.near_misses] == [
        (s.expert_id, s.score) for s in other.deployable + other.near_misses
    ]
    assert all(s.band == rule.band(s.relevance) for s in other.deployable + other.near_misses)
    if rule.strong == 0.99:  # strict: only a relevance of 0.99 or more is strong
        assert [s.expert_id for s in other.deployable if s.band == STRONG] == [
            s.expert_id for s in default.deployable if s.relevance >= 0.99
        ]


# ---- small and homogeneous rosters ----------------------------------------------------------

POLICE_SKILLS = ("handle case evidence", "supervise police officers")
POLICE_SUMMARY = (
    "Police commissioner adviser: supervises police officers and handles case evidence in "
    "criminal investigations."
)


def police(expert_id: int, skills: tuple[str, ...] = POLICE_SKILLS, **overrides) -> ExpertProfile:
    values = dict(
        summary=POLICE_SUMMARY, areas=("security",), years_experience=15,
        modalities=("government_provided",), languages={"en": "C1", "fr": "C1"},
    ) | overrides  # fmt: skip
    return profile(expert_id, "police commissioner adviser", skills, **values)


POLICE_REQUEST = request(
    title="police commissioner adviser", area="security", required_skills=POLICE_SKILLS,
    terms_of_reference="Advise the police commissioner; supervise police officers and the "
    "handling of case evidence.",
    min_years_experience=10, modality="government_provided",
)  # fmt: skip
HYDROLOGIST = profile(
    9, "hydrologist", ("model groundwater",), areas=("economic_revitalization",),
    summary="Models groundwater and river basins for irrigation schemes.", years_experience=3,
)  # fmt: skip


def bands_on(roster: list[ExpertProfile], req: RequestProfile, rule: RelevanceBands | None = None
             ) -> dict[int, Suggestion]:  # fmt: skip
    return everyone(Matcher(bands=rule).fit(roster), req)


def test_on_a_roster_of_police_officers_the_best_is_strong_and_the_hydrologist_weak():
    """Three of four profiles fit: none stands out of the roster, all stand out of the prior."""
    roster = [police(1), police(2, skills=POLICE_SKILLS[:1], years_experience=11),
              police(3, languages={"en": "C2", "fr": "A2"}), HYDROLOGIST]  # fmt: skip
    alone = bands_on(roster, POLICE_REQUEST, ROSTER_ALONE)
    assert alone[1].band != STRONG  # what the roster alone says: the true match is not strong
    suggestions = bands_on(roster, POLICE_REQUEST)
    assert suggestions[1].band == STRONG and suggestions[3].band == STRONG
    assert suggestions[2].relevance < suggestions[1].relevance  # one required skill short
    assert suggestions[9].band == WEAK


def test_a_pilot_of_two_alike_experts_shows_them_as_strong_matches():
    twins = [ADMINISTRATOR, replace(ADMINISTRATOR, expert_id=5)]
    adviser = request(title="court administration adviser", required_skills=())
    assert {s.band for s in bands_on(twins, adviser, ROSTER_ALONE).values()} == {WEAK}
    suggestions = bands_on(twins, adviser)
    assert [suggestions[i].band for i in (1, 5)] == [STRONG, STRONG]
    # A terms of reference written for another post, and a required skill they lack: they are
    # not strong, but not folded away as weak either.
    miswritten = request(
        title="court administration adviser", required_skills=("handle case evidence",),
        terms_of_reference="Police inspectors coordinate and supervise a division.",
    )  # fmt: skip
    assert {s.band for s in bands_on(twins, miswritten).values()} == {POSSIBLE}


def test_a_national_roster_mostly_of_one_occupation_still_marks_it_strong():
    administrators = [replace(ADMINISTRATOR, expert_id=200 + n) for n in range(40)]
    roster = [*administrators, PERFECT_CHEF, *ROSTER[:5]]
    alone = bands_on(roster, request(), ROSTER_ALONE)
    assert alone[200].band != STRONG
    suggestions = bands_on(roster, request())
    assert {suggestions[e.expert_id].band for e in administrators} == {STRONG}
    assert suggestions[3].band == WEAK
    assert all(suggestions[p.expert_id].band == WEAK for p in ROSTER[:5])


def test_on_a_small_roster_an_unrelated_profile_stays_weak():
    manager = profile(
        10, "project manager", ("manage project budgets", "plan project schedules"),
        areas=("core_government",),
        summary="Project manager running development projects: budgets, schedules, reports.",
    )  # fmt: skip
    producer = profile(11, "film producer", ("produce films", "manage film budgets"))
    projects = request(
        title="project manager", area="core_government",
        required_skills=("manage project budgets", "plan project schedules"),
        terms_of_reference="Manage the mission's projects: plan budgets and schedules and "
        "report to donors.",
    )  # fmt: skip
    pilot = [manager, replace(manager, expert_id=12), producer, HYDROLOGIST, *ROSTER[:8]]
    suggestions = bands_on(pilot, projects)
    assert suggestions[10].band == suggestions[12].band == STRONG
    assert suggestions[11].band == WEAK
    assert suggestions[9].band == WEAK
    assert all(suggestions[p.expert_id].band == WEAK for p in ROSTER[:8])
