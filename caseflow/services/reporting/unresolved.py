"""Unresolved cases now: counts by one dimension, and the oldest and most overdue cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, ColumnElement, bindparam, func, literal, select, union_all
from sqlalchemy import case as when
from sqlalchemy.orm import aliased

from caseflow.domain.due import is_overdue
from caseflow.domain.errors import InvalidInput
from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.domain.metrics import AGE_BUCKETS
from caseflow.models import Case, Unit, UnitClosure
from caseflow.services import due
from caseflow.services.reporting.common import Report, dialect, scoped, table
from caseflow.services.uow import UnitOfWork

UNRESOLVED_DIMENSIONS = ("layer", "category", "unit", "state", "age", "overdue", "green_channel")
LISTED = 10  # how many oldest / most overdue cases are listed


def open_case() -> ColumnElement[bool]:
    """The case is open, with the states written into the SQL: SQLite uses the partial
    indexes ix_cases_open and ix_cases_open_submitted only for the literal list."""
    states: BindParameter[list[str]] = bindparam(
        "open_states", list(OPEN_STATES), expanding=True, literal_execute=True
    )
    return Case.state.in_(states)


def _age_key(now: datetime) -> ColumnElement[str]:
    """The age bucket as SQL: compare submitted_at with fixed instants (index-friendly)."""
    whens = [
        (Case.submitted_at > now - bound, label) for label, bound in AGE_BUCKETS if bound
    ]
    return when(*whens, else_=AGE_BUCKETS[-1][0])


def unresolved_counts(
    uow: UnitOfWork,
    by: str,
    now: datetime,
    scope_unit_id: int | None = None,
    level: str | None = None,
) -> list[dict[str, Any]]:
    """Open cases now grouped by one dimension, with how many are overdue.

    `by=unit` rolls the holder units up to the ancestor of kind `level` (default: the holder
    itself), so a street leader can see open cases per community.
    """
    if by not in UNRESOLVED_DIMENSIONS:
        raise InvalidInput("by", f"must be one of {', '.join(UNRESOLVED_DIMENSIONS)}")
    overdue = due.overdue(now)
    counts = [func.count().label("open"), func.sum(when((overdue, 1), else_=0)).label("late")]
    if by in ("age", "green_channel"):
        rows = (_by_age if by == "age" else _by_green)(uow, now, scope_unit_id)
    elif by == "unit":
        rows = _by_unit(uow, counts, scope_unit_id, level)
    else:
        # Grouped by a prefix of ix_cases_open's columns, SQLite streams the groups in index
        # order instead of sorting every open case; the groups are then added up per key.
        prefix = PREFIXES[by]
        query = select(*prefix, *counts).group_by(*prefix).where(open_case())
        grouped = uow.session.execute(scoped(query, scope_unit_id)).all()
        rows = _folded(by, grouped, len(prefix))
    out = [{"key": row.key, "open": row.open, "overdue": int(row.late or 0)} for row in rows]
    if by == "unit":  # the holder's code, and its name for readers
        out = [r | {"key": r["key"][0], "name": r["key"][1]} for r in out]
    order = [label for label, _ in AGE_BUCKETS] if by == "age" else None
    if order:
        return sorted(out, key=lambda r: order.index(r["key"]))
    return sorted(out, key=lambda r: (-r["open"], str(r["key"])))


# Each dimension's columns of ix_cases_open, in index order, ending at the one it needs.
PREFIXES: dict[str, tuple[Any, ...]] = {
    "layer": (Case.layer,),
    "overdue": (Case.layer,),
    "category": (Case.layer, Case.category),
    # SQLite: streamed from the index, then added up per holder (grouping by the holder
    # alone sorts every open case: ~10× slower at a million): `_by_unit`.
    "unit": (Case.layer, Case.category, Case.unit_id),
    "state": (Case.state,),
}


def _folded(by: str, grouped: Sequence[Sequence[Any]], width: int) -> list[Row]:
    """Rows (key, open, late) added up from the prefix groups."""
    totals: dict[Any, list[int]] = {}

    def add(key: Any, n: int, late: int) -> None:
        if n:
            entry = totals.setdefault(key, [0, 0])
            entry[0] += n
            entry[1] += late

    for row in grouped:
        value, n, late = row[width - 1], row[width], int(row[width + 1] or 0)
        if by == "overdue":
            add("overdue", late, late)
            add("on_time", n - late, 0)
        else:
            add(value, n, late)
    return [Row(key, n, late) for key, (n, late) in totals.items()]


def _by_age(uow: UnitOfWork, now: datetime, scope: int | None) -> list[Row]:
    """Open cases per age bucket, and how many are overdue. SQLite: each bucket is one range
    of ix_cases_open_submitted (submitted_at, id, overdue_from), read without the table.
    PostgreSQL: one pass grouped by the bucket (five index range scans cost it twice that)."""
    overdue = func.sum(when((due.overdue(now), 1), else_=0))
    if dialect(uow.session) == "postgresql":
        key = _age_key(now)
        grouped = uow.session.execute(scoped(
            select(key, func.count(), overdue).where(open_case()).group_by(key), scope))
        found_by_label = {label: (n, late or 0) for label, n, late in grouped}
        return [Row(label, *found_by_label[label]) for label, _ in AGE_BUCKETS
                if label in found_by_label]
    newest: datetime | None = None
    parts = []
    for n, (_, bound) in enumerate(AGE_BUCKETS):
        oldest = None if bound is None else now - bound
        in_bucket = [open_case()]
        if oldest is not None:
            in_bucket.append(Case.submitted_at > oldest)
        if newest is not None:
            in_bucket.append(Case.submitted_at <= newest)
        parts.append(scoped(select(literal(n), func.count(), overdue).where(*in_bucket), scope))
        newest = oldest
    found = {n: (count, late or 0) for n, count, late in uow.session.execute(union_all(*parts))}
    return [Row(label, *found[n]) for n, (label, _) in enumerate(AGE_BUCKETS) if found[n][0]]


def _by_green(uow: UnitOfWork, now: datetime, scope: int | None) -> list[Row]:
    """Green-channel and other open cases in one pass without grouping."""
    overdue = due.overdue(now)
    green = Case.green_channel.is_(True)
    sums = [func.count(), func.sum(when((overdue, 1), else_=0)),
            func.sum(when((green, 1), else_=0)), func.sum(when((green & overdue, 1), else_=0))]
    n, late, g, g_late = (int(v or 0) for v in uow.session.execute(
        scoped(select(*sums).where(open_case()), scope)).one())
    return [Row(k, a, b) for k, a, b in (("green", g, g_late), ("normal", n - g, late - g_late))
            if a]


def _by_unit(uow: UnitOfWork, counts: list[Any], scope: int | None,
             level: str | None) -> list[Row]:
    """Open cases per holder's code, or per its ancestor of kind `level` (holders above that
    kind drop out): counted per holder first, the groups then joined with the units in SQL,
    not 22,000 groups sent to Python (~7× slower on PostgreSQL)."""
    # SQLite groups in ix_cases_open's order (layer, category, holder) rather than sort
    # every open case by holder; the outer GROUP BY adds those groups up.
    keys = (Case.unit_id,) if dialect(uow.session) == "postgresql" else PREFIXES["unit"]
    per_holder = scoped(select(Case.unit_id, *counts).where(open_case())
                        .group_by(*keys), scope).subquery("per_holder")
    area = aliased(Unit)
    query = (
        select(area.code, area.name, func.sum(per_holder.c.open), func.sum(per_holder.c.late))
        .join_from(per_holder, UnitClosure, UnitClosure.descendant_id == per_holder.c.unit_id)
        .join(area, area.id == UnitClosure.ancestor_id)
        .where(area.kind == level if level else UnitClosure.depth == 0)
        .group_by(area.code, area.name)
    )
    # Keyed by the (code, name) of the unit: the code for programs, the name for readers.
    return [Row((code, name), int(n), int(late or 0))
            for code, name, n, late in uow.session.execute(query)]


class Row(NamedTuple):
    """One count of open cases, as the grouped query returns it."""

    key: Any
    open: int
    late: int


def _listed(
    uow: UnitOfWork, order: Any, where: Any, now: datetime, scope: int | None
) -> list[dict[str, Any]]:
    query = (
        select(Case.ref, Case.title, Case.layer, Case.state, Unit.code, Unit.name,
               Case.submitted_at, Case.overdue_from)
        .join(Unit, Unit.id == Case.unit_id)
        .where(open_case(), where)
        .order_by(order, Case.id)
        .limit(LISTED)
    )
    return [
        {
            "ref": r.ref,
            "title": r.title,
            "layer": r.layer,
            "state": r.state,
            "unit": r.code,
            "unit_name": r.name,
            "age_days": round((now - r.submitted_at).total_seconds() / 86400, 2),
            "overdue_days": round((now - r.overdue_from).total_seconds() / 86400, 2)
            if is_overdue(r.overdue_from, now)
            else 0.0,
        }
        for r in uow.session.execute(scoped(query, scope))
    ]


def unresolved_report(
    uow: UnitOfWork,
    by: str,
    now: datetime,
    scope_unit_id: int | None = None,
    level: str | None = None,
) -> Report:
    """Counts by one dimension plus the oldest and the most overdue open cases."""
    counts = unresolved_counts(uow, by, now, scope_unit_id, level)
    total = {
        "key": "total",
        "open": sum(r["open"] for r in counts),
        "overdue": sum(r["overdue"] for r in counts),
    }
    oldest = _listed(uow, Case.submitted_at, Case.id.isnot(None), now, scope_unit_id)
    most_overdue = _listed(uow, Case.overdue_from, due.overdue(now), now, scope_unit_id)
    columns = ("ref", "title", "layer", "state", "unit", "unit_name", "age_days", "overdue_days")
    keys = ("key", "name", "open", "overdue") if by == "unit" else ("key", "open", "overdue")
    return Report(
        "unresolved",
        {"by": by, "level": level, "at": now.isoformat()},
        (
            table(f"by_{by}", [*counts, total], keys),
            table("oldest", oldest, columns),
            table("most_overdue", most_overdue, columns),
        ),
    )
