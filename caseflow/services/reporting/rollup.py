"""Cohort counts from the monthly summary tables, with raw cases only at a period's edges.

`case_month_counts` holds, per local month of submission and place, the count of every flag
the rates, ranking and ratings are built from; `case_month_categories` holds cases per month,
complex and category for the hotspots. The writers keep both exact (`summaries`,
migration 0016; inserts and deletes by 0008's triggers). A period
reads the summary for its whole local months and the `cases` rows of the partial months at
its edges; the two figures that depend on `now` are counted from `cases`: cases still waiting
to be accepted past their deadline (partial index `ix_cases_awaiting_accept`) and open cases
already late (docs/metrics.md §On time).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from caseflow.domain import lifecycle
from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.models import (
    Case,
    CaseClockSeconds,
    CaseClockTime,
    CaseEvent,
    CaseMonthCategory,
    CaseMonthCount,
    Unit,
    UnitClosure,
)
from caseflow.models.rollups import MONTH_COUNTS
from caseflow.services import due
from caseflow.services.reporting.common import (
    NOT_HANDLED,
    ZONE,
    Period,
    in_subtree,
    local_bucket,
    seconds_between,
    submitted_in,
)
from caseflow.services.uow import UnitOfWork


def split(period: Period) -> tuple[list[str], list[Period]]:
    """The local months wholly inside the period (`YYYY-MM`), and the partial spans left."""
    first = period.start.astimezone(ZONE).date()
    last = (period.end.astimezone(ZONE) - timedelta(days=1)).date()
    months: list[str] = []
    edges: list[Period] = []
    day = first
    while day <= last:
        following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        stop = min(last, following - timedelta(days=1))
        if day.day == 1 and stop == following - timedelta(days=1):
            months.append(f"{day:%Y-%m}")
        elif edges and edges[-1].end == Period.from_dates(day, stop).start:
            edges[-1] = Period(edges[-1].start, Period.from_dates(day, stop).end)
        else:
            edges.append(Period.from_dates(day, stop))
        day = following
    return months, edges


def flag_sums() -> list[ColumnElement[int]]:
    """Each counted flag as SUM(CASE ...) over `cases`, named as the summary's columns; the
    same conditions as `summaries.FLAGS` (the tests compare them)."""
    handled = Case.state.notin_(NOT_HANDLED)
    resolved = Case.state.in_(("resolved", "closed"))
    closed = Case.state == "closed"
    conditions: dict[str, Any] = {
        "handled": handled,
        "accepted": Case.accepted_on_time.isnot(None),
        "accepted_on_time": Case.accepted_on_time.is_(True),
        "resolved": resolved,
        "resolved_on_time": resolved & Case.resolved_on_time.is_(True),
        "closed": closed,
        "closed_on_time": closed & Case.resolved_on_time.is_(True),
        "evaluated": Case.satisfaction.isnot(None),
        "satisfied": Case.satisfaction == "satisfied",
        "basically_satisfied": Case.satisfaction == "basically_satisfied",
        "unsatisfied": Case.satisfaction == "unsatisfied",
        "reopened": Case.reopen_count > 0,
        "ever_closed": closed | (Case.reopen_count > 0),
        "reworked": handled & (Case.rework_count > 0),
        "extended": handled & (Case.extension_count > 0),
        "deferred": Case.state == "deferred",
    }
    sums: list[ColumnElement[int]] = [func.count().label("submitted")]
    sums += [func.sum(when((c, 1), else_=0)).label(name) for name, c in conditions.items()]
    return sums


def _zeros() -> list[Any]:
    return [literal(0).label(name) for name in MONTH_COUNTS]


def cohort_source(
    session: Session, period: Period, now: datetime, scope: int | None,
    grain: str | None = "month",
) -> Subquery:
    """Rows (bucket, place_unit_id, <every count>, awaiting, late_open) whose sums per bucket
    and place
    are the counts of the period's cohort. Weeks cut across months: `grain=week` reads
    `cases` only. `grain=None`: sums per place only (the bucket is empty), which spares
    computing each case's local month."""
    months, edges = split(period) if grain != "week" else ([], [period])
    parts = []
    if months:
        summary = select(
            CaseMonthCount.month.label("bucket"), CaseMonthCount.place_unit_id,
            *(getattr(CaseMonthCount, name) for name in MONTH_COUNTS),
            literal(0).label("awaiting"), literal(0).label("late_open"),
        ).where(CaseMonthCount.month.in_(months))
        parts.append(_in_scope(summary, CaseMonthCount.place_unit_id, scope))
    bucket = null() if grain is None else local_bucket(session, Case.submitted_at, grain)
    keys = [Case.place_unit_id] if grain is None else [bucket, Case.place_unit_id]
    for edge in edges:
        raw = select(bucket.label("bucket"), Case.place_unit_id, *flag_sums(),
                     literal(0).label("awaiting"), literal(0).label("late_open"))
        raw = raw.where(submitted_in(edge)).group_by(*keys)
        parts.append(_in_scope(raw, Case.place_unit_id, scope))
    parts.append(_in_scope(awaiting_now(period, now, bucket, keys),
                           Case.place_unit_id, scope))
    parts.append(_in_scope(late_open_now(period, now, bucket, keys),
                           Case.place_unit_id, scope))
    return union_all(*parts).subquery("cohort")


def awaiting_now(period: Period, now: datetime, bucket: Any, keys: list[Any]) -> Select[Any]:
    """Cases of the period still waiting for their first acceptance and overdue now, whose
    accept clock no layer has yet let pass (those count through `accepted_on_time`): the
    response rate's now-dependent part of its denominator (index ix_cases_awaiting_accept)."""
    return select(
        bucket.label("bucket"), Case.place_unit_id, *_zeros(), func.count().label("awaiting"),
        literal(0).label("late_open"),
    ).where(
        # The state written into the SQL: a partial index needs to see it (also under
        # PostgreSQL's generic plans for prepared statements).
        Case.state == bindparam("waiting", "submitted", literal_execute=True),
        Case.first_accepted_at.is_(None), submitted_in(period),
        due.overdue(now), Case.accepted_on_time.is_(None),
    ).group_by(*keys)


def late_open_now(period: Period, now: datetime, bucket: Any, keys: list[Any]) -> Select[Any]:
    """Open, unresolved cases of the period that are late now: overdue (a running clock past
    its deadline) or already let past their resolve deadline at some layer. The on-time
    resolution rate counts them as late (docs/metrics.md §On time)."""
    return select(
        bucket.label("bucket"), Case.place_unit_id, *_zeros(), literal(0).label("awaiting"),
        func.count().label("late_open"),
    ).where(
        # The open states as literals (the partial indexes on open cases need to see them),
        # less `resolved`: resolved cases are counted by the summary.
        Case.state.in_(bindparam("open", list(OPEN_STATES), expanding=True,
                                 literal_execute=True)),
        Case.state != lifecycle.RESOLVED, submitted_in(period),
        due.overdue(now) | Case.resolved_on_time.is_(False),
    ).group_by(*keys)


def _in_scope(query: Any, column: Any, scope: int | None) -> Any:
    condition = in_subtree(column, scope)
    return query if condition is None else query.where(condition)


def count_sums(source: Subquery) -> list[ColumnElement[int]]:
    """The report counts (names of `rates.count_columns`, plus the ranking's) over a source.
    Cast: PostgreSQL sums a bigint column into a numeric."""
    c = source.c

    def total(*columns: Any) -> Any:
        return cast(sum((func.sum(column) for column in columns[1:]), func.sum(columns[0])),
                    Integer)

    sums = [total(getattr(c, name)).label(name) for name in MONTH_COUNTS]
    sums.append(total(c.accepted, c.awaiting).label("due_to_accept"))
    sums.append(total(c.late_open).label("late_open"))
    sums.append(total(c.resolved, c.late_open).label("due_to_resolve"))
    sums.append(total(c.handled).label("due_to_close"))
    return sums


def category_source(period: Period, scope: int | None, session: Session) -> Subquery:
    """Rows (complex_id, category, cases) summing to the period's cases per complex (a place
    above the complexes: itself) and category."""
    months, edges = split(period)
    parts = []
    if months:
        summary = select(
            CaseMonthCategory.complex_id, CaseMonthCategory.category, CaseMonthCategory.cases
        ).where(CaseMonthCategory.month.in_(months))
        parts.append(_in_scope(summary, CaseMonthCategory.complex_id, scope))
    for edge in edges:
        complex_id = complex_of(Case.place_unit_id)
        raw = select(complex_id.label("complex_id"), Case.category, func.count().label("cases"))
        raw = raw.where(submitted_in(edge)).group_by(complex_id, Case.category)
        parts.append(_in_scope(raw, Case.place_unit_id, scope))
    if not parts:  # an empty period cannot be asked for, but stay well-formed
        parts.append(select(literal(0).label("complex_id"), literal("").label("category"),
                            literal(0).label("cases")).where(literal(False)))
    return union_all(*parts).subquery("categories")


def complex_of(place: Any) -> ColumnElement[int]:
    """The complex a place lies in, else the place itself (as the triggers key it)."""
    found = (
        select(UnitClosure.ancestor_id)
        .join(Unit, Unit.id == UnitClosure.ancestor_id)
        .where(UnitClosure.descendant_id == place, Unit.kind == "complex")
        .scalar_subquery()
    )
    return func.coalesce(found, place)


def recount(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """What the summary tables should hold, counted from `cases` and `case_events` now
    (non-zero rows, sorted): the tests compare it with what the writers kept."""
    month = local_bucket(session, Case.submitted_at, "month")
    counts = select(month, Case.place_unit_id, *flag_sums()).group_by(month, Case.place_unit_id)
    complex_id = complex_of(Case.place_unit_id)
    categories = select(month, complex_id, Case.category, func.count()).group_by(
        month, complex_id, Case.category
    )
    return {
        "case_month_counts": sorted(tuple(r) for r in session.execute(counts)),
        "case_month_categories": sorted(tuple(r) for r in session.execute(categories)),
        "case_clock_times": sorted(clocks := _clock_rows(session)),
        "case_clock_seconds": _seconds_from(session, clocks),
    }


def _seconds_from(session: Session, clocks: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Clock times added up per (clock, layer, seconds, local month of `at`)."""
    totals: dict[tuple[Any, ...], int] = {}
    for _, clock, layer, at, seconds, _ in clocks:
        key = (clock, layer or "", float(seconds), f"{at.astimezone(ZONE):%Y-%m}")
        totals[key] = totals.get(key, 0) + 1
    return sorted(key + (n,) for key, n in totals.items())


def _clock_queries(session: Session) -> list[Select[*tuple[Any, ...]]]:
    """(case, clock, layer, at, seconds, place) of every resolved and every accepted case,
    as the triggers of migration 0008 keep them."""
    resolve = select(
        Case.id, literal("resolve"), Case.resolved_layer, Case.resolved_at,
        seconds_between(session, Case.submitted_at, Case.resolved_at), Case.place_unit_id,
    ).where(Case.resolved_at.isnot(None))
    accept = select(
        Case.id, literal("accept"), CaseEvent.to_layer, CaseEvent.at,
        seconds_between(session, Case.submitted_at, CaseEvent.at), Case.place_unit_id,
    ).join(CaseEvent, and_(CaseEvent.case_id == Case.id, CaseEvent.action == "accept",
                           CaseEvent.at == Case.first_accepted_at))
    return [resolve, accept]


def _clock_rows(session: Session) -> list[tuple[Any, ...]]:
    return [tuple(r) for q in _clock_queries(session) for r in session.execute(q)]


def kept(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """What the summary tables hold now, in the shape of `recount` (rows of zeros dropped:
    a case that moved away leaves its old row at zero)."""
    counts = select(CaseMonthCount.month, CaseMonthCount.place_unit_id,
                    *(getattr(CaseMonthCount, n) for n in MONTH_COUNTS))
    categories = select(CaseMonthCategory).with_only_columns(
        CaseMonthCategory.month, CaseMonthCategory.complex_id, CaseMonthCategory.category,
        CaseMonthCategory.cases,
    )
    clocks = select(CaseClockTime.case_id, CaseClockTime.clock, CaseClockTime.layer,
                    CaseClockTime.at, CaseClockTime.seconds, CaseClockTime.place_unit_id)
    return {
        "case_month_counts": sorted(tuple(r) for r in session.execute(counts) if r[2]),
        "case_month_categories": sorted(tuple(r) for r in session.execute(categories) if r[3]),
        "case_clock_times": sorted(tuple(r) for r in session.execute(clocks)),
        "case_clock_seconds": sorted(
            (c, layer, float(s), m, n) for c, layer, s, m, n in session.execute(select(
                CaseClockSeconds.clock, CaseClockSeconds.layer, CaseClockSeconds.seconds,
                CaseClockSeconds.month, CaseClockSeconds.cases)) if n),
    }


def rebuild(uow: UnitOfWork, progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Empty the summary tables and count them again from `cases`, one local month at a
    time (in one transaction: readers see the old summary until it commits)."""
    session = uow.session
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        # After a bulk load or a restore the planner may know nothing of these tables yet.
        session.execute(text("ANALYZE cases, case_events"))
        # Row by row, the per-duration triggers would update the same few rows thousands of
        # times in one transaction (each update a new row version to step over): off, and
        # case_clock_seconds is counted set-based below instead.
        session.execute(text("ALTER TABLE case_clock_times DISABLE TRIGGER USER"))
    for model in (CaseMonthCount, CaseMonthCategory, CaseClockTime):
        session.execute(delete(model))
    months = _recount_months(session, progress)
    clock_columns = ["case_id", "clock", "layer", "at", "seconds", "place_unit_id"]
    for query in _clock_queries(session):
        session.execute(insert(CaseClockTime).from_select(clock_columns, query))
    session.execute(delete(CaseClockSeconds))  # SQLite's triggers filled it: count afresh
    month = local_bucket(session, CaseClockTime.at, "month")
    layer = func.coalesce(CaseClockTime.layer, "")
    per_value = select(CaseClockTime.clock, layer, CaseClockTime.seconds, month, func.count())
    session.execute(insert(CaseClockSeconds).from_select(
        ["clock", "layer", "seconds", "month", "cases"],
        per_value.group_by(CaseClockTime.clock, layer, CaseClockTime.seconds, month)))
    if pg:
        session.execute(text("ALTER TABLE case_clock_times ENABLE TRIGGER USER"))
    progress("clock times")
    uow.commit()
    return {"months": months, "clock times": session.scalar(
        select(func.count()).select_from(CaseClockTime)) or 0}


def _recount_months(session: Session, progress: Callable[[str], None]) -> int:
    """Fill case_month_counts and case_month_categories, month by month; how many months."""
    month = local_bucket(session, Case.submitted_at, "month")
    months = sorted(m for m in session.scalars(select(month).distinct()) if m)
    complex_id = complex_of(Case.place_unit_id)
    for name in months:
        first = date.fromisoformat(f"{name}-01")
        following = (first + timedelta(days=32)).replace(day=1)
        mine = submitted_in(Period.from_dates(first, following - timedelta(days=1)))
        counts = select(literal(name), Case.place_unit_id, *flag_sums()).where(mine)
        session.execute(insert(CaseMonthCount).from_select(
            ["month", "place_unit_id", *MONTH_COUNTS], counts.group_by(Case.place_unit_id)))
        categories = select(literal(name), complex_id, Case.category, func.count()).where(mine)
        session.execute(insert(CaseMonthCategory).from_select(
            ["month", "complex_id", "category", "cases"],
            categories.group_by(complex_id, Case.category)))
        progress(name)
    return len(months)
