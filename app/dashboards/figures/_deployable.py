"""How many experts are deployable for each of many requests, by the one deployability rule,
in ONE statement whose cost grows with the roster plus the requests, not with their product.

The rule (``matching.deployability``): an expert of the request's core area is deployable when
they hold every required language at or above its level, and are available from no later than
the request's *latest start* X until at least its *required day* Y. The two dates are computed
once per request in Python.

Counting every (request, expert) pair would mean 2,500 open requests x 27,000 experts of an
area at 100,000 experts. Instead:

1. **Languages.** For each language some request asks for, the levels asked of it, lowest
   first; an expert's *digit* for it counts how many of those they reach (0 if not held).
   A request's *shape* is the set of languages it asks; for each shape, each expert reaching
   at least the lowest level of all its languages is one point keyed by its digits for them.
   A request meets the keys whose digits reach its own levels: a handful, listed in Python.
2. **Dates.** Within one (area, shape, key), with windows [x, y] (y empty: open-ended), the
   experts deployable for a request are those with x <= X and y >= Y, and by set algebra

       #{x <= X and y >= Y} = #{x <= X} - #{y < Y} + #{x > X and y < Y}.

   The first two are running counts over experts and requests sorted together by date (one
   window function each); the last counts windows lying inside (X, Y), shorter than Y - X
   (about two months at most): few, so they are joined pair by pair.

Experts whose window ends before every request's Y, or starts after every request's X, can
count for none; they are left out first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import product

import sqlalchemy as sa

from app.dashboards.figures._common import as_date, date_span, in_pool
from app.extensions import db
from app.models import Expert, ExpertiseRequest, ExpertLanguage, RequestLanguage
from app.models.expert import expert_areas
from matching import RequestProfile, latest_start, required_until


@dataclass(frozen=True)
class Due:
    """What the rule needs of one request."""

    request_id: int
    area_code: str
    start_by: date  # the latest day an expert may become available
    until: date  # the day until which they must stay available
    languages: dict[str, str] = field(default_factory=dict)  # code -> minimum level


def due_dates(start_date: date, duration_months: int) -> tuple[date, date]:
    """(latest start, required until) of a request, by the one deployability rule (``matching``)."""
    profile = RequestProfile(
        title="", terms_of_reference="", area="", required_skills=(), languages={},
        min_years_experience=0, start_date=start_date, duration_months=duration_months,
        modality="",
    )  # fmt: skip
    return latest_start(profile), required_until(profile)


def due_of(request: ExpertiseRequest) -> Due:
    return Due(
        request.id,
        request.area_code,
        *due_dates(request.start_date, request.duration_months),
        {language.code: language.min_level for language in request.languages},
    )


def load_due(request_ids: sa.Select[tuple[int]]) -> list[Due]:
    """The requests whose ids ``request_ids`` selects, with their languages (two queries)."""
    languages: dict[int, dict[str, str]] = defaultdict(dict)
    for request_id, code, level in db.session.execute(
        sa.select(RequestLanguage.request_id, RequestLanguage.code, RequestLanguage.min_level)
        .where(RequestLanguage.request_id.in_(request_ids))
    ):  # fmt: skip
        languages[request_id][code] = level
    rows = db.session.execute(
        sa.select(
            ExpertiseRequest.id,
            ExpertiseRequest.area_code,
            ExpertiseRequest.start_date,
            ExpertiseRequest.duration_months,
        ).where(ExpertiseRequest.id.in_(request_ids))
    )
    return [
        Due(rid, area, *due_dates(start, months), languages.get(rid, {}))
        for rid, area, start, months in rows
    ]


def deployable_counts(due: list[Due], *conditions: sa.ColumnElement[bool]) -> dict[int, int]:
    """Per request of ``due``: how many experts are deployable for it (``conditions`` narrow
    the experts: a region, a member state). Requests nobody can meet count 0."""
    if not due:
        return {}
    plan = _Plan(due)
    experts = _experts(plan, conditions)
    points = sa.union_all(*(_points(experts, plan, shape) for shape in plan.shapes)).cte("points")
    query = _values(
        "query",
        ["request_id", "part", "x", "y"],
        [(d.request_id, part, d.start_by, d.until) for d in due for part in plan.parts(d)],
    )
    parts = [
        _running(points, query, "x", experts_first=True, sign=1),
        _running(points, query, "y", experts_first=False, sign=-1),
    ]
    longest = max((d.until - d.start_by).days for d in due)
    if longest > 0:  # else no window can lie inside (X, Y)
        inside = sa.and_(
            points.c.part == query.c.part,
            points.c.x > as_date(query.c.x),
            points.c.y < as_date(query.c.y),
        )
        parts.append(
            sa.select(query.c.request_id, sa.func.count().label("n"))
            .join(points, inside)
            .where(date_span(points.c.x, points.c.y) < longest)
            .group_by(query.c.request_id)
        )
    terms = sa.union_all(*parts).subquery("terms")
    totals = dict(
        db.session.execute(
            sa.select(terms.c.request_id, sa.func.sum(terms.c.n)).group_by(terms.c.request_id)
        ).all()
    )
    return {d.request_id: int(totals.get(d.request_id) or 0) for d in due}


class _Plan:
    """The languages, levels, shapes and areas of the requests, and the numbering of the
    partitions: one integer per (area, shape, digits), so that the sorts compare integers."""

    def __init__(self, due: list[Due]):
        asked: dict[str, set[str]] = defaultdict(set)
        for d in due:
            for code, level in d.languages.items():
                asked[code].add(level)
        self.levels = {code: sorted(asked[code]) for code in sorted(asked)}
        self.shapes = sorted({self.shape_of(d) for d in due})
        self.areas = sorted({d.area_code for d in due})
        # The areas where each shape is asked: the only points worth sorting.
        self.asked_in: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for d in due:
            self.asked_in[self.shape_of(d)].add(d.area_code)
        self.latest_start = max(d.start_by for d in due)
        self.earliest_until = min(d.until for d in due)
        # A key: the digits read as a decimal number (a digit is at most 6, the CEFR levels).
        self.keys: int = 10 ** max(len(shape) for shape in self.shapes)

    @staticmethod
    def shape_of(d: Due) -> tuple[str, ...]:
        return tuple(sorted(d.languages))

    def part(self, area: str, shape: tuple[str, ...], key: int) -> int:
        number = self.areas.index(area) * len(self.shapes) + self.shapes.index(shape)
        return number * self.keys + key

    def parts(self, d: Due) -> list[int]:
        """The partitions whose experts reach every level ``d`` asks."""
        shape = self.shape_of(d)
        reachable = [
            range(self.levels[code].index(d.languages[code]) + 1, len(self.levels[code]) + 1)
            for code in shape
        ]
        return [
            self.part(d.area_code, shape, sum(digit * 10**i for i, digit in enumerate(digits)))
            for digits in product(*reachable)
        ]


def _values(name: str, columns: list[str], rows: list[tuple[int | date, ...]]) -> sa.CTE:
    """Rows of integers and dates as an inline VALUES list, written here: SQLAlchemy's own
    literal rendering takes a second per few thousand rows, and bound parameters would pass
    SQLite's limit. Only ints and ISO dates, formatted by type, reach the text. The columns
    keep VALUES' own names (column1, …, the same in SQLite and PostgreSQL), then labelled."""

    def literal(value: int | date) -> str:
        if isinstance(value, date):
            return f"'{value.isoformat()}'"
        return str(int(value))

    text = "VALUES " + ", ".join("(" + ", ".join(map(literal, row)) + ")" for row in rows)
    listed = (
        sa.text(text)
        .columns(*(sa.column(f"column{i}") for i in range(1, len(columns) + 1)))
        .subquery(f"{name}_values")
    )
    return sa.select(
        *(listed.c[f"column{i}"].label(column) for i, column in enumerate(columns, start=1))
    ).cte(name)


def _experts(plan: _Plan, conditions: tuple[sa.ColumnElement[bool], ...]) -> sa.CTE:
    """Experts of the pool per area with their window and, per asked language, their digit
    (``d_<code>``); those whose window can suit no request are left out."""
    area_number = sa.case(
        {area: number for number, area in enumerate(plan.areas)}, value=expert_areas.c.area_code
    )
    query = (
        sa.select(
            area_number.label("area"),
            Expert.available_from.label("x"),
            Expert.available_until.label("y"),
        )
        .join(Expert, Expert.id == expert_areas.c.expert_id)
        .where(
            in_pool(),
            expert_areas.c.area_code.in_(plan.areas),
            Expert.available_from <= plan.latest_start,
            sa.or_(Expert.available_until.is_(None), Expert.available_until >= plan.earliest_until),
            *conditions,
        )
    )
    if plan.levels:
        digits = (
            sa.select(
                ExpertLanguage.expert_id,
                *(
                    sa.func.max(
                        sa.case((ExpertLanguage.code == code, _digit(asked)), else_=0)
                    ).label(f"d_{code}")
                    for code, asked in plan.levels.items()
                ),
            )
            .where(ExpertLanguage.code.in_(list(plan.levels)))
            .group_by(ExpertLanguage.expert_id)
            .subquery("digits")
        )
        query = query.add_columns(
            *(sa.func.coalesce(digits.c[f"d_{c}"], 0).label(f"d_{c}") for c in plan.levels)
        ).outerjoin(digits, digits.c.expert_id == Expert.id)
    return query.cte("experts_at")


def _digit(asked: list[str]) -> sa.ColumnElement[int]:
    """How many of the ``asked`` levels (lowest first) the held level reaches."""
    return sa.case(
        *[
            (ExpertLanguage.level >= level, len(asked) - i)
            for i, level in enumerate(reversed(asked))
        ],
        else_=0,
    )


def _points(
    experts: sa.CTE, plan: _Plan, shape: tuple[str, ...]
) -> sa.Select[tuple[int, date, date | None]]:
    """The experts who may count for requests of ``shape``: in an area where it is asked,
    reaching the lowest level of each of its languages; in the partition of their digits."""
    key: sa.ColumnElement[int] = sa.literal(0, sa.BigInteger)
    for i, code in enumerate(shape):
        key = key + experts.c[f"d_{code}"] * 10**i
    area_numbers = [plan.areas.index(area) for area in sorted(plan.asked_in[shape])]
    base = len(plan.shapes) * plan.keys
    part = (
        sa.cast(experts.c.area, sa.BigInteger) * base + plan.shapes.index(shape) * plan.keys + key
    )
    return sa.select(part.label("part"), experts.c.x, experts.c.y).where(
        experts.c.area.in_(area_numbers), *(experts.c[f"d_{code}"] >= 1 for code in shape)
    )


def _running(
    points: sa.CTE, query: sa.CTE, column: str, *, experts_first: bool, sign: int
) -> sa.Select[tuple[int, int]]:
    """Per request: the points of its partitions whose date ``column`` comes before the
    request's (``x``: on or before; ``y``: strictly before), summed, times ``sign``.

    One sort of experts and requests together by date; at a tie, experts first counts "on or
    before", requests first "strictly before".
    """
    expert_rank, request_rank = (0, 1) if experts_first else (1, 0)
    date_column = points.c[column]
    together = sa.union_all(
        sa.select(
            sa.literal(expert_rank).label("rank"),
            sa.literal(1).label("expert"),
            sa.cast(sa.null(), sa.Integer).label("request_id"),
            points.c.part,
            date_column.label("at"),
        ).where(date_column.is_not(None)),
        sa.select(
            sa.literal(request_rank),
            sa.literal(0),
            query.c.request_id,
            query.c.part,
            as_date(query.c[column]),
        ),
    ).subquery("together")
    running = sa.select(
        together.c.request_id,
        sa.func.sum(together.c.expert)
        .over(
            partition_by=together.c.part,
            order_by=(together.c.at, together.c.rank),
            rows=(None, 0),
        )
        .label("n"),
    ).subquery("running")
    return (
        sa.select(running.c.request_id, (sign * sa.func.sum(running.c.n)).label("n"))
        .where(running.c.request_id.is_not(None))
        .group_by(running.c.request_id)
    )
