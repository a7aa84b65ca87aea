"""Hand-written SQL computing the same figures as each report, for the benchmark in bench/.

Each function takes a Connection and the report's parameters and returns plain rows; the
benchmark times it beside the service over the same tables and indexes. Scope is the
viewer's subtree through unit_closure, as in the services (None: everything).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from caseflow.models.rollups import MONTH_COUNTS
from caseflow.services.due import OVERDUE_SQL
from caseflow.services.reporting.common import Period

SCOPE = (
    " AND (CAST(:scope AS INTEGER) IS NULL OR c.place_unit_id IN "
    "(SELECT descendant_id FROM unit_closure WHERE ancestor_id = :scope))"
)
MONTH = {
    "sqlite": "strftime('%Y-%m', c.submitted_at, '+8 hours')",
    "postgresql": "to_char(c.submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
}
OVERDUE = OVERDUE_SQL.format(c="c")
OPEN = "('submitted','accepted','in_progress','deliberating','on_hold','resolved','deferred')"


def _rows(conn: Connection, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(text(sql), params)]


def unresolved_by_layer(
    conn: Connection, now: datetime, scope: int | None
) -> list[tuple[Any, ...]]:
    """Open cases now per layer, and the overdue among them."""
    return _rows(conn, f"""
        SELECT c.layer, COUNT(*), SUM(CASE WHEN {OVERDUE} THEN 1 ELSE 0 END)
        FROM cases c WHERE c.state IN {OPEN}{SCOPE} GROUP BY c.layer ORDER BY c.layer
    """, now=now, scope=scope)


# The now-dependent parts of the rates (docs/metrics.md §2, §2a), as rollup.py counts them.
AWAITING = ("c.state = 'submitted' AND c.first_accepted_at IS NULL AND "
            f"{OVERDUE} AND c.accepted_on_time IS NULL")
LATE_OPEN = (f"c.state IN {OPEN} AND c.state != 'resolved' "
             f"AND ({OVERDUE} OR c.resolved_on_time = false)")


def _months(start: datetime, end: datetime) -> str:
    """The local months wholly inside [start, end) as an SQL list; the benchmark's periods
    are whole months, so the summary alone holds their cohort."""
    from caseflow.services.reporting.rollup import split

    months, edges = split(Period(start, end))
    assert not edges, "the hand-written queries read whole months only"  # noqa: S101 (callers)
    return "(" + ", ".join(f"'{m}'" for m in months) + ")"


def rate_counts(
    conn: Connection, start: datetime, end: datetime, now: datetime, scope: int | None
) -> list[tuple[Any, ...]]:
    """Per month of [start, end) from the summary: submitted, handled, due to accept (the
    accepted, plus the cases past their accept deadline still waiting: partial index),
    accepted on time, resolved, resolved on time, closed, evaluated, satisfied or basically,
    reopened, and due to resolve (the resolved plus the open cases already late)."""
    return _rows(conn, f"""
        SELECT s.month, SUM(s.submitted), SUM(s.handled),
          SUM(s.accepted) + COALESCE(MAX(w.n), 0), SUM(s.accepted_on_time), SUM(s.resolved),
          SUM(s.resolved_on_time), SUM(s.closed), SUM(s.evaluated),
          SUM(s.satisfied + s.basically_satisfied), SUM(s.reopened),
          SUM(s.resolved) + COALESCE(MAX(l.n), 0)
        FROM case_month_counts s LEFT JOIN (
          SELECT {MONTH[conn.dialect.name]} AS month, COUNT(*) AS n FROM cases c
          WHERE {AWAITING}
            AND c.submitted_at >= :start AND c.submitted_at < :end{SCOPE} GROUP BY 1
        ) w ON w.month = s.month LEFT JOIN (
          SELECT {MONTH[conn.dialect.name]} AS month, COUNT(*) AS n FROM cases c
          WHERE {LATE_OPEN}
            AND c.submitted_at >= :start AND c.submitted_at < :end{SCOPE} GROUP BY 1
        ) l ON l.month = s.month
        WHERE s.month IN {_months(start, end)}{SCOPE.replace('c.place', 's.place')}
        GROUP BY s.month ORDER BY s.month
    """, start=start, end=end, now=now, scope=scope)


def closed_by_layer(
    conn: Connection, start: datetime, end: datetime, scope: int | None
) -> list[tuple[Any, ...]]:
    """Cases closed in [start, end) by the layer that resolved them."""
    return _rows(conn, f"""
        SELECT COALESCE(c.resolved_layer, c.layer), COUNT(*) FROM cases c
        WHERE c.state = 'closed' AND c.closed_at >= :start AND c.closed_at < :end{SCOPE}
        GROUP BY COALESCE(c.resolved_layer, c.layer)
    """, start=start, end=end, scope=scope)


def escalation_flow(
    conn: Connection, start: datetime, end: datetime, scope: int | None
) -> list[tuple[Any, ...]]:
    """Layer changes in [start, end) by from → to (the partial index holds only these)."""
    return _rows(conn, f"""
        SELECT e.from_layer, e.to_layer, COUNT(*) FROM case_events e
        JOIN cases c ON c.id = e.case_id
        WHERE e.from_layer != e.to_layer AND e.at >= :start AND e.at < :end{SCOPE}
        GROUP BY e.from_layer, e.to_layer
    """, start=start, end=end, scope=scope)


def hotspots_by_complex(
    conn: Connection, start: datetime, end: datetime, scope: int | None, top: int = 20
) -> list[tuple[Any, ...]]:
    """Cases per (complex, category) from the summary; cases and distinct reporters from
    `cases` for the top ones (ties on the last place included), one probe each."""
    counts = _rows(conn, f"""
        SELECT s.complex_id, s.category, SUM(s.cases) AS n FROM case_month_categories s
        JOIN units u ON u.id = s.complex_id AND u.kind = 'complex'
        WHERE s.month IN {_months(start, end)}{SCOPE.replace('c.place_unit_id', 's.complex_id')}
        GROUP BY s.complex_id, s.category
    """, scope=scope)
    counts.sort(key=lambda r: -r[2])
    listed = [r for r in counts if r[2] >= counts[min(top, len(counts)) - 1][2]] if counts else []
    return [
        (code, category, *_rows(conn, f"""
            SELECT COUNT(*), COUNT(DISTINCT c.reporter_phone) FROM unit_closure uc
            JOIN cases c ON c.place_unit_id = uc.descendant_id
            WHERE uc.ancestor_id = :place AND c.category = :category
              AND c.submitted_at >= :start AND c.submitted_at < :end{SCOPE}
        """, place=place, category=category, start=start, end=end, scope=scope)[0])
        for place, category, _ in listed
        for code in [conn.scalar(text("SELECT code FROM units WHERE id = :i"), {"i": place})]
    ]


def _cohort(start: datetime, end: datetime) -> str:
    """Summary rows of the whole months, and per place the cases still waiting past their
    accept deadline (partial index ix_cases_awaiting_accept) and the open cases already late,
    as one row source."""
    zeros = ", ".join(f"0 AS {n}" for n in MONTH_COUNTS)
    return f"""(
        SELECT s.place_unit_id, {', '.join(f's.{n}' for n in MONTH_COUNTS)}, 0 AS awaiting,
          0 AS late_open
        FROM case_month_counts s WHERE s.month IN {_months(start, end)}
        UNION ALL
        SELECT c.place_unit_id, {zeros}, COUNT(*), 0 FROM cases c
        WHERE {AWAITING} AND c.submitted_at >= :start AND c.submitted_at < :end
        GROUP BY c.place_unit_id
        UNION ALL
        SELECT c.place_unit_id, {zeros}, 0, COUNT(*) FROM cases c
        WHERE {LATE_OPEN} AND c.submitted_at >= :start AND c.submitted_at < :end
        GROUP BY c.place_unit_id
    ) s"""


def ranking_counts(
    conn: Connection, start: datetime, end: datetime, now: datetime, level: str,
    scope: int | None,
) -> list[tuple[Any, ...]]:
    """Per unit of kind `level`: every summary count of the period's cases, the cases
    waiting past their accept deadline and the open cases already late."""
    sums = ", ".join(f"SUM(s.{n})" for n in (*MONTH_COUNTS, "awaiting", "late_open"))
    return _rows(conn, f"""
        SELECT u.code, {sums} FROM {_cohort(start, end)}
        JOIN unit_closure uc ON uc.descendant_id = s.place_unit_id
        JOIN units u ON u.id = uc.ancestor_id AND u.kind = :level
        WHERE 1 = 1{SCOPE.replace('c.place', 's.place')}
        GROUP BY u.code
    """, start=start, end=end, now=now, level=level, scope=scope)


def company_counts(
    conn: Connection, start: datetime, end: datetime, now: datetime, scope: int | None
) -> list[tuple[Any, ...]]:
    """Per property company: every summary count of the cases in the complexes its offices
    serve, those waiting past their accept deadline and those open and already late."""
    sums = ", ".join(f"SUM(s.{n})" for n in (*MONTH_COUNTS, "awaiting", "late_open"))
    return _rows(conn, f"""
        SELECT o.property_company_id, {sums} FROM {_cohort(start, end)}
        JOIN unit_closure uc ON uc.descendant_id = s.place_unit_id
        JOIN units o ON o.parent_id = uc.ancestor_id AND o.kind = 'property_office'
             AND o.property_company_id IS NOT NULL
        WHERE 1 = 1{SCOPE.replace('c.place', 's.place')}
        GROUP BY o.property_company_id
    """, start=start, end=end, now=now, scope=scope)


def cases_by_area(
    conn: Connection, start: datetime, end: datetime, kind: str, scope: int | None
) -> list[tuple[Any, ...]]:
    """Cases per (area of `kind`, category) from the summary (每月一题 picks the largest)."""
    return _rows(conn, f"""
        SELECT u.code, s.category, SUM(s.cases) FROM case_month_categories s
        JOIN unit_closure uc ON uc.descendant_id = s.complex_id
        JOIN units u ON u.id = uc.ancestor_id AND u.kind = :kind
        WHERE s.month IN {_months(start, end)}{SCOPE.replace('c.place_unit_id', 's.complex_id')}
        GROUP BY u.code, s.category
    """, kind=kind, scope=scope)


def clock_percentiles(
    conn: Connection, start: datetime, end: datetime, scope: int | None
) -> list[tuple[Any, ...]]:
    """Per clock and layer: cases, and the values around the median and the 90th percentile:
    a running sum over case_clock_seconds for the whole forest, else read at their offsets
    of ix_case_clock_times_order."""
    if scope is None:
        return _percentiles_by_value(conn, _months(start, end))
    where = f"t.clock = :clock AND t.at >= :start AND t.at < :end{SCOPE.replace('c.', 't.')}"
    out = []
    for clock in ("accept", "resolve"):
        groups = _rows(conn, f"SELECT t.layer, COUNT(*) FROM case_clock_times t WHERE {where} "
                             "GROUP BY t.layer", clock=clock, start=start, end=end, scope=scope)
        for layer, n in groups:
            same = "t.layer IS NULL" if layer is None else "t.layer = :layer"
            values = [
                _rows(conn, f"SELECT t.seconds FROM case_clock_times t WHERE {where} "
                            f"AND {same} ORDER BY t.seconds "
                            "LIMIT 2 OFFSET :skip", clock=clock, start=start, end=end,
                      scope=scope, layer=layer, skip=int(q * (n - 1)))
                for q in (0.5, 0.9)
            ]
            out.append((clock, layer, n, values))
    return out


def _percentiles_by_value(conn: Connection, months: str) -> list[tuple[Any, ...]]:
    out = []
    for clock in ("accept", "resolve"):
        where = f"h.clock = :clock AND h.month IN {months}"
        groups = _rows(conn, f"SELECT h.layer, SUM(h.cases) FROM case_clock_seconds h "
                             f"WHERE {where} GROUP BY h.layer", clock=clock)
        for layer, n in groups:
            values = [
                _rows(conn, f"""
                    SELECT seconds, upto FROM (
                      SELECT v.seconds, SUM(v.n) OVER (ORDER BY v.seconds) AS upto FROM (
                        SELECT h.seconds, SUM(h.cases) AS n FROM case_clock_seconds h
                        WHERE {where} AND h.layer = :layer GROUP BY h.seconds) v) r
                    WHERE upto > :rank ORDER BY seconds LIMIT 2
                """, clock=clock, layer=layer, rank=int(q * (int(n) - 1)))
                for q in (0.5, 0.9)
            ]
            out.append((clock, layer or None, int(n), values))
    return out
