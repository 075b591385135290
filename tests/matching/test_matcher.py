"""The matcher: each signal, the ordering guarantees, incremental updates, explanations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import (
    CEFR_LEVELS,
    SIGNALS,
    ExpertProfile,
    Filters,
    Matcher,
    RequestProfile,
    Weights,
    deployability,
)

START = date(2027, 3, 1)


def expert(expert_id: int, **overrides) -> ExpertProfile:
    values = dict(
        expert_id=expert_id, title="court administrator",
        summary="Runs court registries and case management.",
        skills=("manage court cases", "legislative drafting"), areas=("justice",),
        languages={"en": "C1", "fr": "B2"}, years_experience=10,
        available_from=date(2027, 1, 1), available_until=date(2027, 12, 31),
        modalities=("consultant",), nationality="GH", gender="female", global_south=True,
    )  # fmt: skip
    values.update(overrides)
    return ExpertProfile(**values)


def request(**overrides) -> RequestProfile:
    values = dict(
        title="court administrator", terms_of_reference="Manage court cases and registries.",
        area="justice", required_skills=("manage court cases", "legislative drafting"),
        languages={"fr": "B2"}, min_years_experience=5, start_date=START, duration_months=6,
        modality="consultant",
    )  # fmt: skip
    values.update(overrides)
    return RequestProfile(**values)


FILLER = [
    expert(100 + i, title=t, summary=f"{t} with long experience.", skills=(t,), areas=())
    for i, t in enumerate(
        ["plumber", "pilot", "chef", "geologist", "nurse", "farmer", "teacher", "painter"]
    )
]


def ranked_ids(matcher: Matcher, req: RequestProfile) -> list[int]:
    ranking = matcher.rank(req, k=50, near_misses=50)
    return [s.expert_id for s in ranking.deployable + ranking.near_misses]


def test_the_closest_profile_ranks_first_and_components_add_up():
    matcher = Matcher().fit([expert(1), *FILLER])
    ranking = matcher.rank(request(), k=5)
    top = ranking.deployable[0]
    assert top.expert_id == 1 and top.rank == 1
    assert top.score == pytest.approx(sum(top.components.values()), rel=1e-5)
    assert sum(top.shares().values()) == pytest.approx(1.0)
    assert top.matched_skills == ["manage court cases", "legislative drafting"]
    assert top.missing_skills == []
    assert top.languages[0].code == "fr" and top.languages[0].met


def test_missing_skills_are_named():
    matcher = Matcher().fit([expert(1, skills=("manage court cases",)), *FILLER])
    top = matcher.rank(request(), k=1).deployable[0]
    assert top.matched_skills == ["manage court cases"]
    assert top.missing_skills == ["legislative drafting"]


def test_non_deployable_never_outranks_deployable_and_is_returned_apart_with_reasons():
    perfect_but_no_french = expert(1, languages={"en": "C2"})
    weak_but_deployable = expert(2, title="plumber", summary="", skills=(), areas=())
    matcher = Matcher().fit([perfect_but_no_french, weak_but_deployable])
    ranking = matcher.rank(request(), k=10, near_misses=10)
    assert [s.expert_id for s in ranking.deployable] == [2]
    assert [s.expert_id for s in ranking.near_misses] == [1]
    assert ranking.near_misses[0].reasons == ["language fr: needs B2, not held"]
    assert ranking.near_misses[0].score > ranking.deployable[0].score


def test_seniority_below_minimum_and_other_modality_lower_the_rank_but_do_not_hide():
    matcher = Matcher().fit(
        [expert(1), expert(2, years_experience=2), expert(3, modalities=("staff",)), *FILLER]
    )
    ranking = matcher.rank(request(min_years_experience=5), k=3)
    assert [s.expert_id for s in ranking.deployable] == [1, 3, 2] or [
        s.expert_id for s in ranking.deployable
    ] == [1, 2, 3]
    by_id = {s.expert_id: s for s in ranking.deployable}
    assert "below the minimum of 5" in by_id[2].seniority
    assert by_id[3].modality.startswith("does not accept consultant")


def test_area_signal():
    matcher = Matcher().fit([expert(1, areas=("security",)), expert(2)])
    assert ranked_ids(matcher, request())[0] == 2


def test_french_terms_of_reference_find_the_english_profile():
    profiles = [
        expert(1, title="police inspector", summary="Police inspector supervising a division.",
               skills=("supervise police division",), areas=("security",)),
        *FILLER,
    ]  # fmt: skip
    matcher = Matcher().fit(profiles)
    french = request(
        title="inspecteur de police",
        terms_of_reference="Les inspecteurs de police supervisent une division de police.",
        area="security", required_skills=(),
    )  # fmt: skip
    assert ranked_ids(matcher, french)[0] == 1


def test_upsert_and_remove_change_the_ranking_without_refitting():
    matcher = Matcher().fit([expert(1, languages={"en": "C1"}), *FILLER])
    idf = matcher.text_.idf_
    assert 1 not in [s.expert_id for s in matcher.rank(request()).deployable]
    matcher.upsert(expert(1))  # now holds French B2
    assert matcher.rank(request()).deployable[0].expert_id == 1
    matcher.upsert(expert(7, title="court administrator"))
    assert 7 in [s.expert_id for s in matcher.rank(request()).deployable]
    assert matcher.remove(1) and not matcher.remove(1)
    assert 1 not in ranked_ids(matcher, request())
    assert len(matcher) == 1 + len(FILLER)
    assert matcher.text_.idf_ is idf  # nothing was refitted


def test_filters_narrow_without_reranking():
    profiles = [
        expert(1), expert(2, nationality="FR", gender="male", global_south=False),
        expert(3, languages={"en": "C1", "fr": "C2"}),
    ]  # fmt: skip
    matcher = Matcher().fit(profiles)
    everyone = [s.expert_id for s in matcher.rank(request()).deployable]
    women = [
        s.expert_id
        for s in matcher.rank(request(), filters=Filters(genders=frozenset({"female"}))).deployable
    ]
    assert women == [i for i in everyone if i != 2]
    south = matcher.rank(request(), filters=Filters(global_south=True)).deployable
    assert {s.expert_id for s in south} == {1, 3}
    french_c2 = matcher.rank(request(), filters=Filters(language="fr", min_level="C2"))
    assert [s.expert_id for s in french_c2.deployable] == [3]
    nationals = matcher.rank(request(), filters=Filters(nationalities=frozenset({"FR"})))
    assert [s.expert_id for s in nationals.deployable] == [2]


def test_weights_are_parameters():
    only_seniority = Weights(text=0, skills=0, area=0, seniority=1, modality=0, languages=0,
                             availability=0)  # fmt: skip
    matcher = Matcher(weights=only_seniority).fit(
        [expert(1, years_experience=1), expert(2, title="chef")]
    )
    assert ranked_ids(matcher, request())[0] == 2


# ---- properties ------------------------------------------------------------------------------

levels = st.sampled_from(CEFR_LEVELS)
days = st.integers(min_value=-90, max_value=120)


@st.composite
def profiles(draw, expert_id: int) -> ExpertProfile:
    return expert(
        expert_id,
        title=draw(st.sampled_from(["court administrator", "judge", "police officer", "chef"])),
        skills=tuple(draw(st.sets(st.sampled_from(
            ["manage court cases", "legislative drafting", "cook", "patrol"]), max_size=3))),
        areas=tuple(draw(st.sets(st.sampled_from(["justice", "security"]), max_size=2))),
        languages=draw(st.dictionaries(st.sampled_from(["en", "fr", "ar"]), levels, max_size=3)),
        years_experience=draw(st.integers(0, 30)),
        available_from=START + timedelta(days=draw(days)),
        available_until=draw(st.one_of(st.none(), st.just(START + timedelta(days=200)),
                                       st.just(START + timedelta(days=60)))),
        modalities=tuple(draw(st.sets(st.sampled_from(["consultant", "staff"]), min_size=1))),
    )  # fmt: skip


rosters = st.integers(2, 8).flatmap(lambda n: st.tuples(*[profiles(i) for i in range(1, n + 1)]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roster=rosters, fr=levels, years=st.integers(0, 20))
def test_non_deployable_never_ranked_above_deployable(roster, fr, years):
    req = request(languages={"fr": fr}, min_years_experience=years)
    matcher = Matcher().fit(list(roster))
    ranking = matcher.rank(req, k=50, near_misses=50)
    assert all(s.deployable for s in ranking.deployable)
    assert not any(s.deployable for s in ranking.near_misses)
    by_rule = {p.expert_id: deployability(p, req).deployable for p in roster}
    assert {s.expert_id for s in ranking.deployable} == {i for i, ok in by_rule.items() if ok}
    # The vectorised rule and the one-expert rule agree on every expert.
    mask = matcher.deployable_mask(req)
    for profile in roster:
        assert mask[matcher.index_.row_of[profile.expert_id]] == by_rule[profile.expert_id]


def _better(profile: ExpertProfile, req: RequestProfile) -> ExpertProfile:
    """The same expert, at least as good on every signal and strictly better on some."""
    return replace(
        profile,
        skills=tuple(sorted(set(profile.skills) | set(req.required_skills))),
        areas=tuple(sorted(set(profile.areas) | {req.area})),
        languages={**profile.languages, **{c: "C2" for c in req.languages}},
        years_experience=max(profile.years_experience, req.min_years_experience) + 1,
        available_from=min(profile.available_from, req.start_date),
        available_until=None,
        modalities=tuple(sorted(set(profile.modalities) | {req.modality})),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roster=rosters, which=st.integers(0, 7))
def test_an_expert_made_better_on_every_signal_never_drops(roster, which):
    req = request(required_skills=("manage court cases",))
    roster = list(roster)
    chosen = roster[which % len(roster)]
    before = Matcher().fit(roster)
    rank_before = ranked_ids(before, req).index(chosen.expert_id)
    # Same text so the text signal cannot move; everything else improves.
    improved = _better(chosen, req)
    after = Matcher().fit([improved if p is chosen else p for p in roster])
    rank_after = ranked_ids(after, req).index(chosen.expert_id)
    assert rank_after <= rank_before


def test_scores_are_finite_for_an_empty_text_roster():
    matcher = Matcher().fit([expert(1, title="", summary="", skills=())])
    ranking = matcher.rank(request(title="", terms_of_reference="", required_skills=()))
    assert np.isfinite(ranking.deployable[0].score)


def test_meaning_alone_finds_an_english_profile_for_a_french_request():
    only_meaning = Weights(text=0, meaning=1, skills=0, area=0, seniority=0, modality=0,
                           languages=0, availability=0)  # fmt: skip
    profiles = [
        expert(1, title="election officer", summary="", skills=("organise elections",
               "register voters"), areas=("political_processes",)),
        expert(2, title="prison warden", summary="", skills=("supervise inmates",)),
        expert(3, title="chef", summary="", skills=("cook meals",)),
    ]  # fmt: skip
    french = request(
        title="agent électoral",
        terms_of_reference="Organiser le scrutin et inscrire les électeurs sur les listes.",
        area="political_processes", required_skills=(),
    )  # fmt: skip
    matcher = Matcher(weights=only_meaning).fit(profiles)
    assert ranked_ids(matcher, french)[0] == 1


def test_without_a_meaning_weight_the_encoder_is_not_loaded():
    matcher = Matcher(weights=Weights(meaning=0)).fit([expert(1)])
    assert matcher.semantic_ is None
    assert matcher.rank(request()).deployable[0].components["meaning"] == 0


def test_a_preferred_language_ranks_its_speaker_higher_but_never_decides_deployability():
    twin = expert(1)
    arabic_speaker = expert(2, languages={"en": "C1", "fr": "B2", "ar": "B2"})
    no_french = expert(3, languages={"ar": "C2"})  # prefers Arabic, lacks the required French
    matcher = Matcher().fit([twin, arabic_speaker, no_french, *FILLER])

    plain = matcher.rank(request(), k=10, near_misses=10)
    preferring = matcher.rank(request(preferred_languages={"ar": "B2"}), k=10, near_misses=10)

    assert {s.expert_id for s in plain.deployable} == {s.expert_id for s in preferring.deployable}
    assert 3 in {s.expert_id for s in preferring.near_misses}  # still not deployable
    scores = {s.expert_id: s for s in preferring.deployable}
    assert scores[2].score > scores[1].score  # the same profile, plus the preferred language
    assert scores[2].components["preferred"] > 0 == scores[1].components["preferred"]
    assert [(f.code, f.required, f.held) for f in scores[2].facts.preferred] == [("ar", "B2", "B2")]
    assert scores[1].facts.preferred[0].held is None
    # Without preferred languages, the signal is nothing for anyone: rankings are as before.
    assert all(s.components["preferred"] == 0 for s in plain.deployable)


def test_signals_keep_the_cosines_the_text_and_meaning_signals_are_divided_from():
    matcher = Matcher().fit([expert(1), *FILLER])
    signals = matcher.signals(request())
    for name in ("text", "meaning"):
        cosine = signals[f"{name}_cosine"]
        assert cosine.max() > 0
        assert np.allclose(signals[name], cosine / cosine.max())
    # The cosines are there for the relevance bands, never in the score.
    top = matcher.rank(request(), k=1).deployable[0]
    assert set(top.components) == set(SIGNALS)
