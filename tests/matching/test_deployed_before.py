"""The ``deployed_before`` signal: a past UN assignment through civcap, in the area or not."""

from __future__ import annotations

import pytest

from matching import (
    SIGNALS,
    Matcher,
    PastDeployment,
    Weights,
    load_matcher,
    save_matcher,
)
from tests.matching.test_matcher import FILLER, expert, request

IN_AREA = PastDeployment("justice", "UNMISS", 2025)
ELSEWHERE = PastDeployment("police", "MINUSCA", 2023)
NO_MEANING = Weights(meaning=0)


def signal_of(matcher: Matcher, expert_id: int, **overrides) -> float:
    signals = matcher.signals(request(**overrides))
    return float(signals["deployed_before"][matcher.index_.row_of[expert_id]])


def roster() -> list:
    return [
        expert(1, deployments=(IN_AREA,)),
        expert(2, deployments=(ELSEWHERE,)),
        expert(3),
        expert(4, deployments=(ELSEWHERE, IN_AREA)),
        *FILLER,
    ]


def test_one_in_the_request_area_a_half_in_another_none_without_a_deployment():
    matcher = Matcher(weights=NO_MEANING).fit(roster())
    assert "deployed_before" in SIGNALS
    assert signal_of(matcher, 1) == 1.0
    assert signal_of(matcher, 2) == 0.5
    assert signal_of(matcher, 3) == 0.0
    assert signal_of(matcher, 4) == 1.0  # any of their deployments in the area
    assert signal_of(matcher, 100) == 0.0


def test_the_area_is_the_request_s():
    matcher = Matcher(weights=NO_MEANING).fit(roster())
    assert signal_of(matcher, 1, area="police") == 0.5
    assert signal_of(matcher, 2, area="police") == 1.0
    # An area no profile names: every past deployment is in another area.
    assert signal_of(matcher, 1, area="elections") == 0.5
    assert signal_of(matcher, 3, area="elections") == 0.0


def test_a_tie_goes_to_the_expert_deployed_in_the_area_and_the_reason_is_kept():
    twins = [expert(1), expert(2, deployments=(ELSEWHERE, IN_AREA)), *FILLER]
    matcher = Matcher().fit(twins)
    first, second = matcher.rank(request(), k=2).deployable
    assert (first.expert_id, second.expert_id) == (2, 1)
    weight = matcher.weights_.deployed_before
    assert first.components["deployed_before"] == pytest.approx(weight) and weight > 0
    assert second.components["deployed_before"] == 0.0
    assert first.score - second.score == pytest.approx(weight, abs=1e-6)
    # The facts carry the deployments, the one in the request's area first.
    assert first.facts is not None and first.facts.deployed_in_area
    assert first.facts.deployments == (IN_AREA, ELSEWHERE)
    assert second.facts is not None and not second.facts.deployed_in_area
    assert second.facts.deployments == ()


def test_without_a_tie_the_signal_does_not_outweigh_the_fit():
    weaker = expert(2, skills=("manage court cases",), deployments=(IN_AREA,))
    matcher = Matcher(weights=NO_MEANING).fit([expert(1), weaker, *FILLER])
    assert [s.expert_id for s in matcher.rank(request(), k=2).deployable] == [1, 2]


def test_an_upsert_brings_a_new_deployment_into_the_ranking():
    matcher = Matcher(weights=NO_MEANING).fit([expert(1), expert(2), *FILLER])
    assert [s.expert_id for s in matcher.rank(request(), k=2).deployable] == [1, 2]
    matcher.upsert(expert(2, deployments=(IN_AREA,)))
    assert signal_of(matcher, 2) == 1.0
    assert [s.expert_id for s in matcher.rank(request(), k=2).deployable] == [2, 1]


def test_a_saved_matcher_keeps_the_deployments(tmp_path):
    matcher = Matcher(weights=NO_MEANING).fit(roster())
    loaded = load_matcher(save_matcher(matcher, tmp_path / "matcher.joblib"))
    assert signal_of(loaded, 1) == 1.0 and signal_of(loaded, 2) == 0.5
    top = loaded.rank(request(), k=1).deployable[0]
    assert top.facts is not None and top.facts.deployments[0] == IN_AREA
