"""Generated shortlists for the dashboard bench: who was put forward, how far each got, when.

Each candidate walks the workflow of ``candidates.workflow`` (suggested or nominated →
shortlisted → consultation → released → interview → recommended → selected → deployed →
completed), stopping on the way with plausible odds, then dismissed, not released or left where
they are. Every move is one audit event ``candidate.<state>``, by the role that may make it
(focal points answer consultations; recommendation and selection by two HR reviewers), a few
days after the one before: some core areas move slower than others, nothing is in the future.
A filled request has its positions selected; a request in selection has a recommendation.
After release, women and global-South nationals go on a little less often (``Roster.odds``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.devtools.bench_data.roster import Roster
from app.models import CandidateState, DismissReason, RequestStatus
from matching import add_months

S = CandidateState
LADDER = (S.SUGGESTED, S.SHORTLISTED, S.CONSULTATION, S.RELEASED, S.INTERVIEW, S.RECOMMENDED,
          S.SELECTED, S.DEPLOYED, S.COMPLETED)  # fmt: skip
# The chance that a candidate who is not going to be selected goes one step further.
GOES_ON = {S.SUGGESTED: 0.5, S.SHORTLISTED: 0.75, S.CONSULTATION: 0.8, S.RELEASED: 0.65,
           S.INTERVIEW: 0.55}  # fmt: skip
STEP_DAYS = {S.SHORTLISTED: (1, 14), S.CONSULTATION: (1, 7), S.RELEASED: (2, 21),
             S.NOT_RELEASED: (2, 21), S.INTERVIEW: (3, 21), S.RECOMMENDED: (1, 14),
             S.SELECTED: (2, 14), S.DISMISSED: (1, 21)}  # fmt: skip
PACE = {"security": 1.0, "justice": 1.3, "core_government": 1.1, "political_processes": 0.85,
        "economic_revitalization": 1.5}  # fmt: skip
# Where ``Roster.odds`` weigh on going on: the HR decisions after release.
WEIGHED = {S.RELEASED, S.INTERVIEW}
DISMISSABLE = {S.SUGGESTED, S.SHORTLISTED, S.RELEASED, S.INTERVIEW, S.RECOMMENDED}
FOCAL_POINT_MOVES = {S.RELEASED, S.NOT_RELEASED}
REASONS = (list(DismissReason), (30, 20, 20, 15, 5, 10))

ACTIVE = {RequestStatus.OPEN, RequestStatus.SELECTION}
CLOSED = {RequestStatus.CLOSED_UNFILLED, RequestStatus.CANCELLED}
HAS_CANDIDATES = ACTIVE | CLOSED | {RequestStatus.FILLED}
# The furthest a candidate who is not selected gets on a request of each status.
HIGHEST = {RequestStatus.OPEN: S.INTERVIEW}
# How many more candidates a request of each status draws, relative to others.
DRAW = {RequestStatus.FILLED: 1.5, RequestStatus.SELECTION: 1.5, RequestStatus.CANCELLED: 0.5}


@dataclass
class Req:
    """What the shortlists need to know of a generated request."""

    id: int
    status: RequestStatus
    positions: int
    area: str
    submitted_at: datetime | None
    start_date: date
    duration_months: int
    published_at: datetime | None = None


def with_candidate_ids(events: list[dict[str, Any]], ids: list[int]) -> list[dict[str, Any]]:
    """The events, each naming its candidate's id instead of its place in the list."""
    for event in events:
        event["entity_id"] = ids[event["entity_id"]]
    return events


@dataclass
class Plan:
    rng: random.Random
    now: datetime
    roster: Roster
    hr: list[tuple[int, str]]  # (user id, email)
    focal_points: dict[int, tuple[int, str]]  # member state -> (user id, email)

    def shortlists(
        self, requests: list[Req], n: int
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``n`` candidate rows and their audit events (``entity_id``: the row's place)."""
        eligible = [r for r in requests if r.status in HAS_CANDIDATES]
        if n and not eligible:
            raise ValueError(f"{n} candidates but no request accepted by HR to put them on")
        winners = {}
        for request in eligible:
            if request.status is RequestStatus.FILLED:
                winners[request.id] = min(request.positions, n - sum(winners.values()))
        counts = dict(winners)
        weights = [DRAW.get(r.status, 1.0) for r in eligible]
        for request in self.rng.choices(eligible, weights, k=n - sum(winners.values())):
            counts[request.id] = counts.get(request.id, 0) + 1
        candidates: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for request in eligible:
            for j, expert in enumerate(self._experts(request, counts.get(request.id, 0))):
                if j < winners.get(request.id, 0):
                    top, forced = S.COMPLETED, True
                elif request.status is RequestStatus.SELECTION and j == 0:
                    top, forced = S.RECOMMENDED, True
                else:
                    top, forced = HIGHEST.get(request.status, S.RECOMMENDED), False
                moves = self._moves(request, expert, top, forced)
                row, made = self._rows(request, expert, moves, len(candidates))
                candidates.append(row)
                events += made
        return candidates, events

    def _experts(self, request: Req, k: int) -> list[int]:
        """``k`` different experts, most from the request's core area."""
        everyone = self.roster.everyone
        if k > len(everyone):
            raise ValueError(
                f"a request would need {k} different experts as candidates; "
                f"there are {len(everyone)}: ask for fewer candidates or more experts"
            )
        pool = self.roster.pools.get(request.area) or everyone
        chosen: dict[int, None] = {}
        while len(chosen) < k:
            source = pool if self.rng.random() < 0.85 else everyone
            chosen[self.rng.choice(source)] = None
        return list(chosen)

    def _moves(
        self, request: Req, expert: int, top: CandidateState, forced: bool
    ) -> list[tuple[CandidateState, datetime]]:
        rng, pace = self.rng, PACE.get(request.area, 1.0)
        start = request.published_at or request.submitted_at or self.now
        moves = [(S.SUGGESTED, min(start + timedelta(days=rng.uniform(0.5, 10)), self.now))]
        while moves[-1][0] is not top:
            state, at = moves[-1]
            odds = self.roster.odds.get(expert, 1.0) if state in WEIGHED else 1.0
            if not forced and rng.random() >= GOES_ON.get(state, 0.0) * odds:
                return moves + self._ending(request, state, at, pace)
            following = LADDER[LADDER.index(state) + 1]
            at = self._when(request, following, at, pace)
            if at > self.now:
                return moves  # not there yet: the candidate waits where they are
            moves.append((following, at))
        if not forced:
            moves += self._ending(request, top, moves[-1][1], pace)
        return moves

    def _when(self, request: Req, state: CandidateState, after: datetime, pace: float) -> datetime:
        if state is S.DEPLOYED:
            start = datetime.combine(request.start_date, time(8), tzinfo=UTC)
            return max(after + timedelta(days=self.rng.uniform(7, 30)), start)
        if state is S.COMPLETED:
            end = add_months(after.date(), request.duration_months)
            return datetime.combine(end, time(17), tzinfo=UTC)
        low, high = STEP_DAYS[state]
        return after + timedelta(days=self.rng.uniform(low, high) * pace)

    def _ending(
        self, request: Req, state: CandidateState, at: datetime, pace: float
    ) -> list[tuple[CandidateState, datetime]]:
        """Where a candidate who went no further ends: not released, dismissed, or waiting."""
        still_open = request.status in ACTIVE
        if state is S.CONSULTATION and (not still_open or self.rng.random() < 0.75):
            ending = S.NOT_RELEASED
        elif state in DISMISSABLE and self.rng.random() < (0.45 if still_open else 0.8):
            ending = S.DISMISSED
        else:
            return []
        when = self._when(request, ending, at, pace)
        return [(ending, when)] if when <= self.now else []

    def _rows(
        self, request: Req, expert: int, moves: list[tuple[CandidateState, datetime]], place: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        organisation = self.roster.organisation[expert]
        focal_point = self.focal_points.get(organisation)
        nominated = focal_point is not None and rng.random() < 0.15
        recommender, selector = rng.sample(self.hr, 2)
        state = moves[-1][0]
        reason = rng.choices(*REASONS)[0] if state is S.DISMISSED else None
        events = []
        for i, (to, at) in enumerate(moves):
            actor = rng.choice(self.hr)
            if (i == 0 and nominated) or (to in FOCAL_POINT_MOVES and focal_point):
                actor = focal_point or actor
            elif to is S.RECOMMENDED:
                actor = recommender
            elif to is S.SELECTED:
                actor = selector
            after: dict[str, Any] = {"state": to.value}
            if i == 0:
                after |= {"request_id": request.id, "expert_id": expert}
            if to is S.DISMISSED:
                after["reason"] = reason.value if reason else None
            first = "candidate.nominated" if nominated else "candidate.suggested"
            events.append({
                "at": at, "actor_id": actor[0], "actor_label": actor[1],
                "action": first if i == 0 else f"candidate.{to.value}",
                "entity_type": "candidate", "entity_id": place,
                "before": None if i == 0 else {"state": moves[i - 1][0].value}, "after": after,
                "note": None,
            })  # fmt: skip
        reached = {to for to, _ in moves}
        row = {
            "request_id": request.id, "expert_id": expert, "state": state,
            "nominated_by_id": organisation if nominated else None,
            "score": round(rng.uniform(0.25, 0.95), 4), "explanation": None,
            "dismiss_reason": reason.value if reason else None,
            "dismiss_note": "Generated." if reason is DismissReason.OTHER else None,
            "recommended_by_id": recommender[0] if S.RECOMMENDED in reached else None,
            "selected_by_id": selector[0] if S.SELECTED in reached else None,
            "created_at": moves[0][1], "updated_at": moves[-1][1], "version": len(moves),
        }  # fmt: skip
        return row, events
