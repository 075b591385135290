"""Deciding on a likely duplicate pair (``duplicates.finding``): merge it, or say it is two people.

A focal point decides on pairs within their member state; UN HR on any pair.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.common import audit
from app.common.errors import Conflict, NotAllowed
from app.common.transaction import transaction
from app.extensions import db
from app.models import Candidate, Expert, ExpertLanguage, ExpertStatus, NotDuplicate, Role, User
from app.models.expert import ExpertCountry, ExpertModality
from app.roster.experts import snapshot


def _check(a: Expert, b: Expert, actor: User, merging: bool) -> None:
    if a.id == b.id:
        if merging:
            raise NotAllowed(_("A record cannot be merged with itself."))
        raise NotAllowed(_("A record cannot be compared with itself."))
    for expert in (a, b):
        if expert.status is ExpertStatus.MERGED:
            raise NotAllowed(
                _(
                    "%(name)s was already merged into another record; nothing was changed.",
                    name=expert.full_name,
                )
            )
        if expert.erased_at is not None:
            raise NotAllowed(
                _("An erased record cannot be merged or compared; nothing was changed.")
            )
    if actor.role is Role.HR_REVIEWER:
        return
    if actor.role is Role.FOCAL_POINT and (
        a.organisation_id == b.organisation_id == actor.organisation_id
    ):
        return
    raise NotAllowed(
        _("These records belong to different member states: only UN HR can decide on them.")
    )


@transaction("expert")
def merge(keep: Expert, drop: Expert, actor: User, keep_version: int, drop_version: int) -> Expert:
    """Merge ``drop`` into ``keep``, in one transaction; both records stay, with their history.

    ``drop`` becomes MERGED (never flagged or suggested again) and points at ``keep``. Its
    candidates move to ``keep``, except where ``keep`` is already a candidate for the same request
    (those stay on ``drop``, still readable). Languages, skills, core areas, modalities and
    countries ``keep`` lacks are added from ``drop``; the audit events on both records say what.
    The versions are those the person saw: a record changed since is a Conflict.
    """
    _check(keep, drop, actor, merging=True)
    if keep.version != keep_version or drop.version != drop_version:
        raise Conflict(
            _(
                "One of these records was changed by someone else since you looked at them. "
                "Nothing was merged; compare them again."
            )
        )
    keep_before, drop_before = snapshot(keep), snapshot(drop)
    added = _take_over(keep, drop)
    moved, stayed = _move_candidates(keep, drop)
    drop.status = ExpertStatus.MERGED
    drop.merged_into_id = keep.id
    # Both change for the matching index: one gains, the other leaves it.
    keep.updated_at = drop.updated_at = datetime.now(UTC)
    candidates = f"Candidates moved here: {_ids(moved)}" if moved else "No candidates moved"
    if stayed:
        candidates += f"; left on #{drop.id} (already a candidate here): {_ids(stayed)}"
    audit.record(
        "expert.merged", "expert", keep.id, actor=actor, before=keep_before,
        after={**snapshot(keep), "merged_from": drop.id},
        note=f"Expert #{drop.id} merged into this record. Added from #{drop.id}: "
        f"{'; '.join(added) or 'nothing'}. {candidates}.",
    )  # fmt: skip
    audit.record(
        "expert.merged", "expert", drop.id, actor=actor, before=drop_before,
        after={**snapshot(drop), "merged_into": keep.id},
        note=f"Merged into expert #{keep.id}, the record kept. "
        f"{'Candidates moved there: ' + _ids(moved) if moved else 'No candidates moved'}.",
    )  # fmt: skip
    return keep


def not_duplicate(a: Expert, b: Expert, actor: User) -> None:
    """Record that two flagged records are different people: the pair is no longer flagged."""
    _check(a, b, actor, merging=False)
    first, second = sorted((a, b), key=lambda e: e.id)
    if db.session.get(NotDuplicate, (first.id, second.id)) is not None:
        return  # already decided (by someone else, or a second click)
    try:
        with transaction("expert"):
            db.session.add(
                NotDuplicate(expert_id=first.id, other_id=second.id, decided_by_id=actor.id)
            )
            for this, other in ((first, second), (second, first)):
                audit.record(
                    "expert.not_duplicate", "expert", this.id, actor=actor,
                    note=f"Not the same person as expert #{other.id}.",
                )  # fmt: skip
    except sa.exc.IntegrityError:
        pass  # the same decision, saved by someone else a moment ago


def _take_over(keep: Expert, drop: Expert) -> list[str]:
    """Add what ``drop`` has and ``keep`` lacks; say what was added, for the audit note."""
    added = []
    codes = {lang.code for lang in keep.languages}
    new = [lang for lang in drop.languages if lang.code not in codes]
    keep.languages.extend(ExpertLanguage(code=lang.code, level=lang.level) for lang in new)
    if new:
        added.append("languages " + ", ".join(f"{x.code} {x.level}" for x in new))
    for label, mine, theirs in (
        ("skills", keep.skills, drop.skills),
        ("core areas", keep.areas, drop.areas),
    ):
        missing = [x for x in theirs if x not in mine]
        mine.extend(missing)
        if missing:
            added.append(f"{label} " + ", ".join(getattr(x, "name", "") for x in missing))
    modalities = {m.modality for m in keep.modalities}
    extra = [m.modality for m in drop.modalities if m.modality not in modalities]
    keep.modalities.extend(ExpertModality(modality=m) for m in extra)
    if extra:
        added.append("modalities " + ", ".join(extra))
    countries = {c.country for c in keep.countries}
    more = [c.country for c in drop.countries if c.country not in countries]
    keep.countries.extend(ExpertCountry(country=c) for c in more)
    if more:
        added.append("countries of experience " + ", ".join(more))
    return added


def _move_candidates(keep: Expert, drop: Expert) -> tuple[list[Candidate], list[Candidate]]:
    """(moved to ``keep``, left on ``drop`` because ``keep`` is already on that request)."""
    taken = set(
        db.session.scalars(sa.select(Candidate.request_id).where(Candidate.expert_id == keep.id))
    )
    moved, stayed = [], []
    for candidate in db.session.scalars(
        sa.select(Candidate).where(Candidate.expert_id == drop.id).order_by(Candidate.id)
    ):
        if candidate.request_id in taken:
            stayed.append(candidate)
        else:
            candidate.expert = keep
            moved.append(candidate)
    return moved, stayed


def _ids(candidates: Iterable[Candidate]) -> str:
    return ", ".join(f"#{c.id} (request #{c.request_id})" for c in candidates)
