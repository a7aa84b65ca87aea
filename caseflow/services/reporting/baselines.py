"""Hand-written SQL computing the same figures as each report, for the benchmark in bench/.

Each function takes a Connection and the report's parameters and returns plain rows; the
benchmark times it beside the service over the same tables and indexes. Scope is the
viewer's subtree through unit_closure, as in the services (None: everything).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

SCOPE = (
    " AND (CAST(:scope AS INTEGER) IS NULL OR c.place_unit_id IN "
    "(SELECT descendant_id FROM unit_closure WHERE ancestor_id = :scope))"
)
OPEN = "('submitted','accepted','in_progress','deliberating','on_hold','resolved','deferred')"


def _rows(conn: Connection, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(text(sql), params)]


def unresolved_by_layer(conn: Connection, now: datetime, scope: int | None) -> list[tuple]:
    """Open cases now per layer, and the overdue among them."""
    return _rows(conn, f"""
        SELECT c.layer, COUNT(*), SUM(CASE WHEN c.next_due_at <= :now THEN 1 ELSE 0 END)
        FROM cases c WHERE c.state IN {OPEN}{SCOPE} GROUP BY c.layer ORDER BY c.layer
    """, now=now, scope=scope)


def rate_counts(
    conn: Connection, start: datetime, end: datetime, now: datetime, scope: int | None
) -> list[tuple]:
    """The counts behind the rates of cases submitted in [start, end)."""
    return _rows(conn, f"""
        SELECT COUNT(*),
          SUM(CASE WHEN c.state NOT IN ('merged','rejected','withdrawn') THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.accepted_on_time IS NOT NULL OR (c.first_accepted_at IS NULL
                AND c.state = 'submitted' AND c.next_due_at <= :now) THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.accepted_on_time THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.state IN ('resolved','closed') THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.state IN ('resolved','closed') AND c.resolved_on_time
                THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.state = 'closed' THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.satisfaction IS NOT NULL THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.satisfaction IN ('satisfied','basically_satisfied')
                THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.reopen_count > 0 THEN 1 ELSE 0 END)
        FROM cases c WHERE c.submitted_at >= :start AND c.submitted_at < :end{SCOPE}
    """, start=start, end=end, now=now, scope=scope)


def closed_by_layer(
    conn: Connection, start: datetime, end: datetime, scope: int | None
) -> list[tuple]:
    """Cases closed in [start, end) by the layer that resolved them."""
    return _rows(conn, f"""
        SELECT COALESCE(c.resolved_layer, c.layer), COUNT(*) FROM cases c
        WHERE c.state = 'closed' AND c.closed_at >= :start AND c.closed_at < :end{SCOPE}
        GROUP BY COALESCE(c.resolved_layer, c.layer)
    """, start=start, end=end, scope=scope)


def escalation_flow(
    conn: Connection, start: datetime, end: datetime, scope: int | None
) -> list[tuple]:
    """Layer changes in [start, end) by from → to (the partial index holds only these)."""
    return _rows(conn, f"""
        SELECT e.from_layer, e.to_layer, COUNT(*) FROM case_events e
        JOIN cases c ON c.id = e.case_id
        WHERE e.from_layer != e.to_layer AND e.at >= :start AND e.at < :end{SCOPE}
        GROUP BY e.from_layer, e.to_layer
    """, start=start, end=end, scope=scope)


def hotspots_by_complex(
    conn: Connection, start: datetime, end: datetime, scope: int | None
) -> list[tuple]:
    """Cases and distinct reporters per (complex, category) submitted in [start, end)."""
    return _rows(conn, f"""
        SELECT u.code, c.category, COUNT(*), COUNT(DISTINCT c.reporter_phone)
        FROM cases c JOIN unit_closure uc ON uc.descendant_id = c.place_unit_id
        JOIN units u ON u.id = uc.ancestor_id AND u.kind = 'complex'
        WHERE c.submitted_at >= :start AND c.submitted_at < :end{SCOPE}
        GROUP BY u.code, c.category
    """, start=start, end=end, scope=scope)


def ranking_counts(
    conn: Connection, start: datetime, end: datetime, level: str, scope: int | None
) -> list[tuple]:
    """Per unit of kind `level`: submitted, accepted on time, resolved, evaluated."""
    return _rows(conn, f"""
        SELECT u.code, COUNT(*), SUM(CASE WHEN c.accepted_on_time THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.state IN ('resolved','closed') THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.satisfaction IS NOT NULL THEN 1 ELSE 0 END)
        FROM cases c JOIN unit_closure uc ON uc.descendant_id = c.place_unit_id
        JOIN units u ON u.id = uc.ancestor_id AND u.kind = :level
        WHERE c.submitted_at >= :start AND c.submitted_at < :end{SCOPE}
        GROUP BY u.code
    """, start=start, end=end, level=level, scope=scope)


def company_counts(
    conn: Connection, start: datetime, end: datetime, scope: int | None
) -> list[tuple]:
    """Per property company: cases in the complexes its offices serve, resolved on time."""
    return _rows(conn, f"""
        SELECT o.property_company_id, COUNT(*),
          SUM(CASE WHEN c.state IN ('resolved','closed') AND c.resolved_on_time
                THEN 1 ELSE 0 END)
        FROM cases c JOIN unit_closure uc ON uc.descendant_id = c.place_unit_id
        JOIN units o ON o.parent_id = uc.ancestor_id AND o.kind = 'property_office'
             AND o.property_company_id IS NOT NULL
        WHERE c.submitted_at >= :start AND c.submitted_at < :end{SCOPE}
        GROUP BY o.property_company_id
    """, start=start, end=end, scope=scope)
