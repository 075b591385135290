"""The deployability rule at its edges: exact level, day 30, short durations, month ends."""

from __future__ import annotations

from datetime import date

import pytest

from matching import ExpertProfile, RequestProfile, add_months, deployability


def expert(**overrides) -> ExpertProfile:
    values = dict(
        expert_id=1, title="court administrator", summary="", skills=("manage court cases",),
        areas=("justice",), languages={"en": "C1", "fr": "B2"}, years_experience=10,
        available_from=date(2027, 1, 1), available_until=date(2027, 12, 31),
        modalities=("consultant",),
    )  # fmt: skip
    values.update(overrides)
    return ExpertProfile(**values)


def request(**overrides) -> RequestProfile:
    values = dict(
        title="judicial affairs officer", terms_of_reference="", area="justice",
        required_skills=(), languages={"fr": "B2"}, min_years_experience=5,
        start_date=date(2027, 3, 1), duration_months=6, modality="consultant",
    )  # fmt: skip
    values.update(overrides)
    return RequestProfile(**values)


def test_exact_level_is_enough_and_one_below_is_not():
    assert deployability(expert(), request(languages={"fr": "B2"})).deployable
    verdict = deployability(expert(), request(languages={"fr": "C1"}))
    assert not verdict.deployable
    assert verdict.reasons == ["language fr: needs C1, holds B2"]


def test_a_language_not_held_is_named():
    verdict = deployability(expert(), request(languages={"ar": "A2"}))
    assert verdict.reasons == ["language ar: needs A2, not held"]


def test_every_required_language_must_be_met():
    verdict = deployability(expert(), request(languages={"en": "B2", "fr": "C2"}))
    assert not verdict.deployable
    assert [f.met for f in verdict.languages] == [True, False]


def test_available_on_day_30_after_start_but_not_day_31():
    start = date(2027, 3, 1)
    on_day_30 = expert(available_from=date(2027, 3, 31))
    assert deployability(on_day_30, request(start_date=start)).deployable
    late = deployability(expert(available_from=date(2027, 4, 1)), request(start_date=start))
    assert not late.deployable
    assert "after 2027-03-31" in late.reasons[0]


@pytest.mark.parametrize(
    "duration, needed_until",
    [(1, date(2027, 4, 1)), (2, date(2027, 5, 1)), (3, date(2027, 6, 1)), (12, date(2027, 6, 1))],
)
def test_must_stay_until_start_plus_min_duration_or_three_months(duration, needed_until):
    req = request(start_date=date(2027, 3, 1), duration_months=duration)
    assert deployability(expert(available_until=needed_until), req).deployable
    day_before = date.fromordinal(needed_until.toordinal() - 1)
    verdict = deployability(expert(available_until=day_before), req)
    assert not verdict.deployable
    assert f"before {needed_until.isoformat()}" in verdict.reasons[0]


def test_open_ended_availability_covers_any_duration():
    assert deployability(expert(available_until=None), request(duration_months=24)).deployable


def test_month_arithmetic_clamps_to_the_month_end():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_no_language_required_means_languages_never_block():
    assert deployability(expert(languages={}), request(languages={})).deployable


def test_seniority_and_modality_do_not_decide_deployability():
    verdict = deployability(
        expert(years_experience=1, modalities=("staff",)),
        request(min_years_experience=15, modality="consultant"),
    )
    assert verdict.deployable
