"""Experts registered twice: finding the likely pairs, merging them, or recording they differ.

Two records are likely the same person when they have the same email (case and spaces aside), or
very similar names (``similar_names``) with the same nationality and the same birth year. The
database does the blocking (records grouped by email, and by nationality and birth year), so only
records that share a block are compared, and a cheap bound on the name similarity (letter counts,
with numpy) spares almost all of those the exact comparison: fast enough at 100,000 experts.

Merged and erased records are never flagged, nor pairs someone said are different people
(``NotDuplicate``). A focal point sees the pairs that touch their member state, and acts on those
entirely within it; UN HR sees and acts on all of them. Merging keeps both records (history).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _
from scipy.spatial.distance import cdist

from app.duplicates.merging import merge, not_duplicate
from app.extensions import db
from app.models import Expert, ExpertStatus, NotDuplicate

__all__ = [
    "DuplicatePair", "Match", "count", "find", "load", "matches_of", "merge", "name_key",
    "not_duplicate", "similar_names",
]  # fmt: skip

SIMILAR_NAMES = 0.85  # difflib ratio of the normalised names from which two names are "the same"
_BUCKETS = 32  # characters counted modulo this (a-z and space apart): collisions only loosen
_CELLS_PER_STEP = 1 << 20  # pairs bounded per scipy call: a block of any size in a few MB
_WORDS = re.compile(r"\w+")
# (database, member state or None) -> (roster state, pairs found): see ``find``
_found: dict[tuple[str, int | None], tuple[tuple[Any, ...], list[Match]]] = {}
_MATCHABLE = sa.and_(Expert.status != ExpertStatus.MERGED, Expert.erased_at.is_(None))


def name_key(full_name: str) -> str:
    """A name as compared: case folded, accents stripped, its words sorted (order is free)."""
    text = full_name.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(sorted(set(_WORDS.findall(text))))


def similar_names(a: str, b: str) -> bool:
    """Whether two full names are very likely the same name: same words, or nearly the same."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return False
    return key_a == key_b or SequenceMatcher(None, key_a, key_b).ratio() >= SIMILAR_NAMES


@dataclass(frozen=True)
class Match:
    """Two expert ids (``first_id`` the smaller) and why they look like one person."""

    first_id: int
    second_id: int
    same_email: bool
    similar_name: bool


@dataclass(frozen=True)
class DuplicatePair:
    first: Expert
    second: Expert
    same_email: bool
    similar_name: bool

    @property
    def reasons(self) -> list[str]:
        """Why the pair is flagged, in the reader's language: one reason per match found."""
        found = [_("same email")] if self.same_email else []
        if self.similar_name:
            found.append(_("very similar name, same nationality and birth year"))
        return found

    @property
    def why(self) -> str:
        """The reasons as one phrase for a sentence ("Why flagged: ...")."""
        if self.same_email and self.similar_name:
            return _("same email; very similar name, same nationality and birth year")
        return "".join(self.reasons)

    def within(self, organisation_id: int) -> bool:
        """Both records belong to this member state (its focal point can act on the pair)."""
        return self.first.organisation_id == self.second.organisation_id == organisation_id

    def own(self, organisation_id: int) -> Expert:
        """The record of this member state (the first one when both are)."""
        return self.first if self.first.organisation_id == organisation_id else self.second


# ---- finding ---------------------------------------------------------------------------------


def find(organisation_id: int | None = None) -> list[Match]:
    """Likely duplicate pairs, newest first; with ``organisation_id``, those touching that state.

    Kept per worker until the roster or the decisions change (``_roster_state``), so the roster
    list can show the count on every visit.
    """
    key = (str(db.engine.url), organisation_id)
    state = _roster_state()
    cached = _found.get(key)
    if cached is None or cached[0] != state:
        cached = _found[key] = (state, _find(organisation_id))
    return list(cached[1])


def _roster_state() -> tuple[Any, ...]:
    """Changes whenever an expert is added or changed (every path touches ``updated_at``, merges
    too) or a pair is decided: two cheap aggregate queries."""
    experts = sa.select(sa.func.max(Expert.updated_at), sa.func.count(Expert.id))
    decided = sa.select(sa.func.max(NotDuplicate.decided_at), sa.func.count(NotDuplicate.expert_id))
    return (*db.session.execute(experts).one(), *db.session.execute(decided).one())


def _find(organisation_id: int | None) -> list[Match]:
    pairs: dict[tuple[int, int], set[str]] = {}
    for pair in _same_email(organisation_id):
        pairs.setdefault(pair, set()).add("email")
    for pair in _similar_names(organisation_id):
        pairs.setdefault(pair, set()).add("name")
    decided = set(db.session.execute(sa.select(NotDuplicate.expert_id, NotDuplicate.other_id)))
    found = [
        Match(a, b, "email" in why, "name" in why)
        for (a, b), why in pairs.items()
        if (a, b) not in decided
    ]
    return sorted(found, key=lambda m: (-m.second_id, -m.first_id))


def count(organisation_id: int | None = None) -> int:
    return len(find(organisation_id))


def matches_of(expert: Expert) -> list[Match]:
    """The likely duplicates of one expert (a handful of rows: their email and name block)."""
    if expert.status is ExpertStatus.MERGED or expert.erased_at is not None:
        return []
    same_block = []
    if expert.birth_year is not None:
        same_block.append(
            sa.and_(
                Expert.nationality == expert.nationality, Expert.birth_year == expert.birth_year
            )
        )
    if expert.email:
        same_block.append(_email_key() == expert.email.strip().lower())
    if not same_block:
        return []
    query = sa.select(Expert.id, Expert.full_name, Expert.email, Expert.nationality,
                      Expert.birth_year).where(_MATCHABLE, Expert.id != expert.id,
                                               sa.or_(*same_block))  # fmt: skip
    found = []
    for other in db.session.execute(query):
        same_email = bool(expert.email and other.email) and (
            expert.email.strip().lower() == other.email.strip().lower()
        )
        similar = (
            other.nationality == expert.nationality
            and other.birth_year == expert.birth_year
            and similar_names(expert.full_name, other.full_name)
        )
        if same_email or similar:
            a, b = sorted((expert.id, other.id))
            found.append(Match(a, b, same_email, similar))
    decided = set(
        db.session.execute(
            sa.select(NotDuplicate.expert_id, NotDuplicate.other_id).where(
                sa.or_(NotDuplicate.expert_id == expert.id, NotDuplicate.other_id == expert.id)
            )
        )
    )
    return [m for m in found if (m.first_id, m.second_id) not in decided]


def load(matches: Sequence[Match]) -> list[DuplicatePair]:
    """The pairs with their experts, in the order given."""
    ids = {i for m in matches for i in (m.first_id, m.second_id)}
    experts = {e.id: e for e in db.session.scalars(sa.select(Expert).where(Expert.id.in_(ids)))}
    return [
        DuplicatePair(experts[m.first_id], experts[m.second_id], m.same_email, m.similar_name)
        for m in matches
    ]


def _email_key() -> Any:
    return sa.func.lower(sa.func.trim(Expert.email))


# The blocks come from GROUP BY queries; their records from plain scans of a few columns, sorted
# by block. Joining the blocks back in SQL instead leaves the plan to estimates, and a nested loop
# over an expression (lower(email)) took a minute at 20,000 experts on PostgreSQL.


def _with_others(organisation_id: int | None, query: sa.Select[Any]) -> sa.Select[Any]:
    """Keep the blocks of more than one record, and, for a state, those holding one of theirs."""
    query = query.having(sa.func.count() > 1)
    if organisation_id is None:
        return query
    theirs = sa.func.sum(sa.case((Expert.organisation_id == organisation_id, 1), else_=0))
    return query.having(theirs > 0)


def _chunks(values: list[Any], size: int = 500) -> Iterable[list[Any]]:
    return (values[i : i + size] for i in range(0, len(values), size))


def _same_email(organisation_id: int | None) -> Iterable[tuple[int, int]]:
    key = _email_key()
    blocks = sa.select(key).where(_MATCHABLE, Expert.email.is_not(None), key != "").group_by(key)
    emails = list(db.session.scalars(_with_others(organisation_id, blocks)))
    columns = sa.select(Expert.id, Expert.organisation_id, key.label("key")).where(_MATCHABLE)
    for chunk in _chunks(emails):
        rows = db.session.execute(columns.where(key.in_(chunk)).order_by(key, Expert.id))
        for _key, group in itertools.groupby(rows, key=lambda r: r.key):
            for a, b in itertools.combinations(list(group), 2):
                if organisation_id in (None, a.organisation_id, b.organisation_id):
                    yield a.id, b.id


def _similar_names(organisation_id: int | None) -> Iterable[tuple[int, int]]:
    """Pairs with similar names within each block of one nationality and birth year."""
    block = (Expert.nationality, Expert.birth_year)
    grouped = sa.select(*block).where(_MATCHABLE, Expert.birth_year.is_not(None)).group_by(*block)
    blocks = {tuple(row) for row in db.session.execute(_with_others(organisation_id, grouped))}
    query = (
        sa.select(Expert.id, Expert.organisation_id, Expert.full_name, *block)
        .where(_MATCHABLE, Expert.birth_year.is_not(None))
        .order_by(*block, Expert.id)
    )
    if organisation_id is not None:  # a focal point's blocks: mostly one or two nationalities
        query = query.where(Expert.nationality.in_(sorted({n for n, _ in blocks})))
    rows = db.session.execute(query)
    for place, group in itertools.groupby(rows, key=lambda r: (r.nationality, r.birth_year)):
        if place in blocks:
            yield from _similar_in_block(list(group), organisation_id)


def _similar_in_block(members: list[Any], organisation_id: int | None) -> Iterable[tuple[int, int]]:
    """Pairs of one block with similar names (members in id order), each pair once.

    difflib's ratio is 2·M/(len a + len b), and the M matching characters are at most the
    characters the two names share, counted with repetition; with letter counts ``a`` and ``b``
    that is (len a + len b - |a - b|₁)/2. So a ratio of 0.85 needs |a - b|₁ ≤ 0.15·(len a + len b):
    a bound scipy computes for a whole block at once. Only the pairs within it get the exact,
    slower comparison.
    """
    keys = [name_key(m.full_name) for m in members]
    lengths = np.array([len(k) for k in keys], dtype=np.float64)
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32) % _BUCKETS
    rows = np.repeat(np.arange(len(keys)), lengths.astype(np.int64))
    counts = np.bincount(rows * _BUCKETS + codes, minlength=len(keys) * _BUCKETS)
    counts = counts.reshape(len(keys), _BUCKETS).astype(np.float64)
    mine = np.array([organisation_id in (None, m.organisation_id) for m in members])
    step = max(1, _CELLS_PER_STEP // len(keys))
    for start in range(0, len(keys), step):
        stop = min(start + step, len(keys))
        # rows start..stop against the members from start on; triu: each pair once (j > i)
        apart = cdist(counts[start:stop], counts[start:], metric="cityblock")
        total = lengths[start:stop, None] + lengths[None, start:]
        possible = np.triu(apart <= (1 - SIMILAR_NAMES) * total + 1e-9, k=1)
        possible &= mine[start:stop, None] | mine[None, start:]
        for i, j in zip(*np.nonzero(possible), strict=True):
            a, b = keys[start + i], keys[start + j]
            if a and b and (a == b or SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAMES):
                yield members[start + i].id, members[start + j].id
