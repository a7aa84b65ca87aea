""""Overdue" and "warning" as SQL: the one definition of caseflow.domain.due, for queries.

Every list, filter, sort, report, export and count that asks whether a case is overdue uses
these expressions, so the figures of every edge agree with each other and with the case
page (tests/test_figures_agree.py, tests/services/test_due.py). They read `overdue_from` and
`warning_from`, which actions write with the deadlines; `next_due_at`/`next_warning_at` are
the sweep's work queue and mean nothing to a reader.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal, or_

from caseflow.models import Case

# The same test for hand-written SQL (reporting.baselines): `{c}` is the cases alias.
OVERDUE_SQL = "{c}.overdue_from <= :now"


def _columns(table: Any | None) -> tuple[Any, Any]:
    """The two columns, of `Case` or of a Core table or alias of `cases`."""
    if table is None:
        return Case.overdue_from, Case.warning_from
    return table.c.overdue_from, table.c.warning_from


def overdue(now: datetime, table: Any | None = None) -> ColumnElement[bool]:
    """True for cases some running clock of which is past its deadline at `now`."""
    overdue_from, _ = _columns(table)
    due: ColumnElement[bool] = overdue_from <= now
    return due


def not_overdue(now: datetime, table: Any | None = None) -> ColumnElement[bool]:
    """The complement of `overdue`, including cases with no running clock (NULL)."""
    overdue_from, _ = _columns(table)
    return or_(overdue_from.is_(None), overdue_from > now)


def warning(now: datetime, table: Any | None = None) -> ColumnElement[bool]:
    """True for cases not overdue whose running clock is past its warning point at `now`."""
    _, warning_from = _columns(table)
    return and_(not_overdue(now, table), warning_from <= now)


def due_status(now: datetime, table: Any | None = None) -> ColumnElement[str]:
    """'overdue', 'warning', 'on_time' or 'none', as caseflow.domain.due.due_status."""
    overdue_from, warning_from = _columns(table)
    return case(
        (overdue(now, table), literal("overdue")),
        (warning_from <= now, literal("warning")),
        (and_(overdue_from.is_(None), warning_from.is_(None)), literal("none")),
        else_=literal("on_time"),
    )


def urgency(table: Any | None = None) -> list[Any]:
    """The "urgency" order: overdue first (earliest deadline first), cases with no running
    clock last. Overdue cases have the earliest `overdue_from`, so one ascending order on it
    puts them first whatever `now` is; written as NULLS LAST (not `IS NULL` first), both
    databases read it from ix_cases_overdue_from in order instead of sorting every case."""
    overdue_from, _ = _columns(table)
    return [overdue_from.asc().nulls_last()]
