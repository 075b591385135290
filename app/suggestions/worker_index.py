"""Matching in the app: database rows become ``matching`` records; each worker keeps an index.

The index is derived state. It is built from the database the first time it is needed — once
per machine where ``MATCHING_INDEX_DIR`` is set, saved there and loaded memory-mapped by every
worker (``app.suggestions.shared_index``); else by each process for itself — then each worker
keeps it current by checking a watermark before each ranking: the latest
``experts.updated_at``, the newest expert's id and the index generation. Experts changed since
the last check are re-read and upserted one by one (no refit). The whole index is rebuilt — in
a background thread, while the old one keeps serving — when ``civcap reindex`` raises the
generation, when the newest id drops (only a deletion explains that), or when upserts reach a
quarter of the roster (their new words are not in the fitted vocabulary).

Only experts who can be suggested are indexed: status ``active`` with consent recorded. Each
profile carries the expert's past UN assignments through civcap (candidates deployed or
completed, with their request's core area and mission) for the ``deployed_before`` signal; a
candidate's move to deployed or completed touches the expert, so the next ranking upserts them.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

import matching
from app.common.queries import newest
from app.common.reference import countries
from app.common.transaction import transaction
from app.extensions import db
from app.jobs import enqueue_now
from app.models import (
    Candidate,
    CandidateState,
    Expert,
    ExpertiseRequest,
    ExpertLanguage,
    ExpertStatus,
    MatchingState,
    Organisation,
    Skill,
)
from app.models.expert import ExpertModality, expert_areas, expert_skills
from app.suggestions.shared_index import Build, SharedIndexes
from matching import ExpertProfile, Filters, Matcher, PastDeployment, Ranking, RequestProfile

MATCHER_VERSION = f"civcap-matching {matching.__version__}"


# ---- adapting rows ---------------------------------------------------------------------------


def load_profiles(changed_since: datetime | None = None) -> tuple[list[ExpertProfile], set[int]]:
    """(profiles of suggestible experts, ids of changed experts no longer suggestible).

    Reads with a handful of set-based queries rather than the ORM, so 100,000 experts load in
    seconds. With ``changed_since``, only experts updated at or after it.
    """
    query = sa.select(
        Expert.id, Expert.title, Expert.summary, Expert.years_experience, Expert.available_from,
        Expert.available_until, Expert.nationality, Expert.gender, Expert.status,
        Expert.consent_given_at,
    )  # fmt: skip
    if changed_since is not None:
        query = query.where(Expert.updated_at >= changed_since)
    rows = db.session.execute(query).all()
    gone = {r.id for r in rows if r.status != ExpertStatus.ACTIVE or r.consent_given_at is None}
    keep = [r for r in rows if r.id not in gone]
    ids = [r.id for r in keep]
    languages: dict[int, dict[str, str]] = defaultdict(dict)
    skills: dict[int, list[str]] = defaultdict(list)
    areas: dict[int, list[str]] = defaultdict(list)
    modalities: dict[int, list[str]] = defaultdict(list)
    deployments: dict[int, list[PastDeployment]] = defaultdict(list)
    # The whole roster in one pass per table; a few changed experts by their ids.
    for chunk in _chunks(ids) if changed_since is not None else [None]:

        def where(column: Any, chunk: Sequence[int] | None = chunk) -> Any:
            return column.in_(chunk) if chunk is not None else sa.true()

        for eid, code, level in db.session.execute(
            sa.select(ExpertLanguage.expert_id, ExpertLanguage.code, ExpertLanguage.level).where(
                where(ExpertLanguage.expert_id)
            )
        ):
            languages[eid][code] = level
        for eid, name in db.session.execute(
            sa.select(expert_skills.c.expert_id, Skill.name)
            .join(Skill, Skill.id == expert_skills.c.skill_id)
            .where(where(expert_skills.c.expert_id))
        ):
            skills[eid].append(name)
        for eid, code in db.session.execute(
            sa.select(expert_areas.c.expert_id, expert_areas.c.area_code).where(
                where(expert_areas.c.expert_id)
            )
        ):
            areas[eid].append(code)
        for eid, modality in db.session.execute(
            sa.select(ExpertModality.expert_id, ExpertModality.modality).where(
                where(ExpertModality.expert_id)
            )
        ):
            modalities[eid].append(modality)
        for eid, area, mission, starts_on in db.session.execute(
            sa.select(Candidate.expert_id, ExpertiseRequest.area_code, Organisation.name,
                      Candidate.starts_on)
            .join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id)
            .join(Organisation, Organisation.id == ExpertiseRequest.organisation_id)
            .where(Candidate.state.in_(PAST_DEPLOYMENT), where(Candidate.expert_id))
            .order_by(Candidate.starts_on.desc().nulls_last(), Candidate.id.desc())
        ):  # fmt: skip
            deployments[eid].append(
                PastDeployment(area, mission, starts_on.year if starts_on else None)
            )
    known = countries()
    profiles = [
        ExpertProfile(
            expert_id=r.id,
            title=r.title,
            summary=r.summary,
            skills=tuple(sorted(skills[r.id])),
            areas=tuple(sorted(areas[r.id])),
            languages=languages[r.id],
            years_experience=r.years_experience,
            available_from=r.available_from,
            available_until=r.available_until,
            modalities=tuple(sorted(modalities[r.id])),
            nationality=r.nationality,
            gender=r.gender,
            global_south=bool(known.get(r.nationality) and known[r.nationality].global_south),
            deployments=tuple(deployments[r.id]),
        )
        for r in keep
    ]
    return profiles, gone


# A candidate in these states is a past UN assignment of their expert (``deployed_before``).
PAST_DEPLOYMENT = (CandidateState.DEPLOYED, CandidateState.COMPLETED)


@sa.event.listens_for(Candidate.state, "set", active_history=True)
def _deployment_reaches_the_index(candidate: Candidate, value: Any, old: Any, _: Any) -> None:
    """A candidate deployed or completed, on any path, changes their expert's profile: the
    expert is touched (as ``roster.experts.touch`` does), so every index upserts them."""
    if value == old or value not in PAST_DEPLOYMENT:
        return
    expert = candidate.expert or (
        db.session.get(Expert, candidate.expert_id) if candidate.expert_id else None
    )
    if expert is not None:
        expert.updated_at = datetime.now(UTC)


def _chunks(ids: Sequence[int], size: int = 900) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


def request_profile(request: ExpertiseRequest) -> RequestProfile:
    return RequestProfile(
        request_id=request.id,
        title=request.title,
        terms_of_reference=request.terms_of_reference,
        area=request.area_code,
        required_skills=tuple(s.name for s in request.skills),
        languages={lang.code: lang.min_level for lang in request.languages},
        preferred_languages={lang.code: lang.level for lang in request.preferred_languages},
        min_years_experience=request.min_years_experience,
        start_date=request.start_date,
        duration_months=request.duration_months,
        modality=request.modality,
    )


# ---- the per-worker index --------------------------------------------------------------------


@dataclass(frozen=True)
class Watermark:
    """Where the roster stands: its latest change, its newest expert, the index generation."""

    latest: datetime | None
    last_id: int
    generation: int = 0


def watermark() -> Watermark:
    """Read in one statement of three index look-ups (no count over the roster, which took tens
    of milliseconds at 100,000 experts on every ranking). civcap never deletes an expert
    (erasure scrubs the record, a merge keeps it), so a change shows as a newer ``latest``
    or ``last_id``; rows deleted in the database by hand are dropped by ``civcap reindex``."""
    generation = sa.select(MatchingState.generation).where(MatchingState.id == 1)
    latest, last_id, number = db.session.execute(
        sa.select(newest(Expert.updated_at), newest(Expert.id), generation.scalar_subquery())
    ).one()
    return Watermark(latest, int(last_id or 0), int(number or 0))


@transaction()
def request_reindex(requested_by: str) -> int:
    """Ask every worker to rebuild its index; returns the new generation."""
    state = db.session.get(MatchingState, 1)
    if state is None:
        state = MatchingState(id=1, generation=0)
        db.session.add(state)
    state.generation += 1
    state.requested_at = datetime.now(UTC)
    state.requested_by = requested_by
    return state.generation


class WorkerIndex:
    """One worker's matcher over one database, kept current by the watermark.

    With ``shared`` (``MATCHING_INDEX_DIR``), a build is made once for every worker of the
    machine: ``rebuild`` loads the saved build when it is as new as needed, and otherwise
    builds, saves and loads it under the shared lock (``app.suggestions.shared_index``).
    """

    DRIFT = 0.25  # rebuild once upserts reach this share of the roster

    def __init__(self, shared: SharedIndexes | None = None) -> None:
        self.lock = threading.Lock()
        self.shared = shared
        self.matcher: Matcher | None = None
        self.build: Build | None = None  # the saved build it serves from, when shared
        self.seen = Watermark(None, 0)
        self.upserts_since_build = 0
        self.rebuilding: threading.Thread | None = None
        # The watermark a job worker was asked to build for, and when.
        self.wanted: Watermark | None = None
        self.asked_at: float | None = None

    def rebuild(self, trigger: Watermark | None = None) -> Matcher:
        """A new index now, in this thread; ``trigger`` is the watermark that called for it
        (none when this worker has no index yet)."""
        if self.shared is None:
            mark = watermark()
            profiles, _ = load_profiles()
            fresh = Matcher().fit(profiles)
            self._serve(fresh, mark, None)
            return fresh
        with self.shared.lock():
            mark = watermark()
            build = self.shared.latest()
            usable = build is not None and (
                build.is_as_new_as(trigger.generation, trigger.latest, trigger.last_id)
                if trigger is not None
                else build.can_catch_up_to(mark.generation, mark.latest, mark.last_id)
            )
            if build is None or not usable:
                profiles, _ = load_profiles()
                fitted = Matcher().fit(profiles)
                build = self.shared.publish(fitted, mark.generation, mark.latest, mark.last_id)
                del fitted, profiles  # this worker serves the saved build, as the others do
            fresh = self.shared.load(build)
        self._serve(fresh, Watermark(build.latest, build.last_id, build.generation), build)
        return fresh

    def _serve(self, fresh: Matcher, mark: Watermark, build: Build | None) -> None:
        with self.lock:
            self.matcher, self.seen, self.build = fresh, mark, build
            self.upserts_since_build = 0
            self.wanted, self.asked_at = None, None

    def _needs_rebuild(self, mark: Watermark) -> bool:
        assert self.matcher is not None
        return (
            mark.generation != self.seen.generation
            or mark.last_id < self.seen.last_id
            or self.upserts_since_build > max(50, self.DRIFT * len(self.matcher))
        )

    def _rebuild_in_background(self, trigger: Watermark | None) -> None:
        if self.rebuilding is not None and self.rebuilding.is_alive():
            return
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def work() -> None:
            with app.app_context():
                self.rebuild(trigger)

        self.rebuilding = threading.Thread(target=work, name="civcap-reindex", daemon=True)
        self.rebuilding.start()

    @property
    def ready(self) -> bool:
        """Built: the next ranking is served from it (brought up to date by ``current``)."""
        return self.matcher is not None

    def _rebuild_as_configured(self, trigger: Watermark | None) -> None:
        """Rebuild in a background thread where rebuilds are (the old index, if any, serves
        meanwhile), else now. Where a job worker can build the shared index, it is asked to
        (``index_jobs.build_index``), and this worker loads the build once it is saved."""
        if not current_app.config.get("MATCHING_REBUILD_IN_BACKGROUND", True):
            self.rebuild(trigger)
        elif trigger is None or self.shared is None or not current_app.config["JOBS_BROKER_URL"]:
            self._rebuild_in_background(trigger)
        else:
            self._load_or_ask(trigger)

    ASK_AGAIN_AFTER_S = 300.0  # a job lost (Redis down when it was sent) is asked for again

    def _load_or_ask(self, trigger: Watermark) -> None:
        """Load the saved build as new as the watermark a build was asked for, or ask a job
        worker for one (once; again after ``ASK_AGAIN_AFTER_S``, or for a newer generation)."""
        assert self.shared is not None
        wanted = self.wanted
        if wanted is None or wanted.generation != trigger.generation:
            wanted, self.asked_at = trigger, None
        build = self.shared.latest()
        if build is not None and build.is_as_new_as(
            wanted.generation, wanted.latest, wanted.last_id
        ):
            self._rebuild_in_background(wanted)  # loads it: its builder released the lock
            return
        now = time.monotonic()
        if self.asked_at is None or now - self.asked_at > self.ASK_AGAIN_AFTER_S:
            from app.suggestions.index_jobs import build_index  # it imports this module

            enqueue_now(build_index, wanted.generation)
            self.wanted, self.asked_at = wanted, now

    def warm(self) -> bool:
        """Start building (or loading) the index if it has none; whether it is ready now."""
        if self.matcher is None:
            self._rebuild_as_configured(None)
        return self.ready

    def current(self) -> Matcher:
        """The matcher, brought up to date with the database first."""
        mark = watermark()
        if self.matcher is None:
            self.rebuild()
        elif self._needs_rebuild(mark):
            self._rebuild_as_configured(mark)
        with self.lock:
            assert self.matcher is not None
            if (mark.latest, mark.last_id) != (self.seen.latest, self.seen.last_id) and mark.latest:
                since = self.seen.latest or mark.latest
                profiles, gone = load_profiles(changed_since=since)
                for profile in profiles:
                    self.matcher.upsert(profile)
                for expert_id in gone:
                    self.matcher.remove(expert_id)
                self.upserts_since_build += len(profiles)
                self.seen = Watermark(mark.latest, mark.last_id, self.seen.generation)
            return self.matcher


_indexes: dict[str, WorkerIndex] = {}
_indexes_lock = threading.Lock()


def roster_index() -> WorkerIndex:
    """This worker's index for the current database."""
    key = str(db.engine.url)
    with _indexes_lock:
        if key not in _indexes:
            root = current_app.config.get("MATCHING_INDEX_DIR")
            _indexes[key] = WorkerIndex(SharedIndexes(root, key) if root else None)
        return _indexes[key]


def forget_indexes() -> None:
    """Drop this process's indexes (the next ranking builds afresh): for a database replaced
    wholesale under a running process, as the test suite does between tests."""
    with _indexes_lock:
        _indexes.clear()


def rank(
    request: ExpertiseRequest, k: int = 50, near_misses: int = 20, filters: Filters | None = None
) -> Ranking:
    """Rank the roster for ``request`` with the current index (the page's and eval's path)."""
    return (
        roster_index()
        .current()
        .rank(request_profile(request), k=k, near_misses=near_misses, filters=filters)
    )


def parameters() -> dict[str, Any]:
    """What produced a ranking, saved with each suggestion run."""
    matcher = roster_index().current()
    return {
        "version": MATCHER_VERSION,
        "weights": matcher.weights_.as_dict(),
        "text": matcher.text_.get_params(),
        "bands": asdict(matcher.bands_),
    }
