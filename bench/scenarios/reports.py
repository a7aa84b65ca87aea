"""Scenario 4: dashboard queries on every case vs hand-written SQL for the same figures.

When the reporting issue's `caseflow.services.reporting.baselines` exists, each of its
hand-written queries is the baseline of the report it names; until then, the unresolved
report by each dimension is compared with a GROUP BY written here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from bench.classes import NOW
from bench.context import Context
from bench.harness import Result, check, explain, warm_samples
from caseflow.domain.clock import FrozenClock
from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.services.reporting.unresolved import unresolved_counts
from caseflow.services.runtime import Runtime

OPEN = ", ".join(f"'{s}'" for s in OPEN_STATES)
YEAR = (date(2025, 12, 1), date(2026, 11, 30))
HAND_WRITTEN = {
    "layer": "layer",
    "category": "category",
    "state": "state",
    "overdue": "CASE WHEN overdue_from <= :now THEN 'overdue' ELSE 'on_time' END",
    "unit": "(SELECT code FROM units WHERE units.id = cases.unit_id)",
    "green_channel": "green_channel",
    "age": ("CASE WHEN submitted_at > :d1 THEN '<1d' WHEN submitted_at > :d3 THEN '1-3d' "
            "WHEN submitted_at > :d7 THEN '3-7d' WHEN submitted_at > :d30 THEN '7-30d' "
            "ELSE '>30d' END"),
}
AGES = {"d1": 1, "d3": 3, "d7": 7, "d30": 30}
TARGET = "≤ 1.5× and < 0.5 s"


# By unit, the best hand-written SQL counts per holder first and joins the few hundred
# groups with their codes after (a code looked up per open case is ~7× slower on
# PostgreSQL); SQLite groups in the order of ix_cases_open (layer, category, unit) rather
# than sort every open case by holder, then adds the groups up per code.
BY_UNIT = (
    "SELECT u.code AS key, sum(s.open) AS open, sum(s.overdue) AS overdue FROM (SELECT "
    "unit_id, count(*) AS open, sum(CASE WHEN overdue_from <= :now THEN 1 ELSE 0 END) AS "
    "overdue FROM cases WHERE state IN ({open}) GROUP BY {groups}) s "
    "JOIN units u ON u.id = s.unit_id GROUP BY u.code"
)


def hand_written(by: str, pg: bool = False) -> str:
    """Open cases and overdue ones grouped by one dimension, written by hand."""
    if by == "unit":
        return BY_UNIT.format(open=OPEN, groups="unit_id" if pg else
                              "layer, category, unit_id")
    key = HAND_WRITTEN[by]
    return (f"SELECT {key} AS key, count(*) AS open, "
            f"sum(CASE WHEN overdue_from <= :now THEN 1 ELSE 0 END) AS overdue "
            f"FROM cases WHERE state IN ({OPEN}) GROUP BY {key}")



def _baselines_module() -> Any | None:
    try:
        return importlib.import_module("caseflow.services.reporting.baselines")
    except ImportError:
        return None


def run(ctx: Context) -> list[Result]:
    """Each unresolved dimension: the report service vs the hand-written GROUP BY."""
    runtime = Runtime.from_url(ctx.dataset.url, clock=FrozenClock(NOW))
    def stamp(at: datetime) -> Any:
        return at if ctx.dataset.is_pg else at.strftime("%Y-%m-%d %H:%M:%S.%f")

    params = {"now": stamp(NOW)} | {k: stamp(NOW - timedelta(days=n)) for k, n in AGES.items()}
    results = []
    for by in HAND_WRITTEN:
        def service(by: str = by) -> Any:
            with runtime.uow() as uow:
                return unresolved_counts(uow, by, NOW)

        def baseline(by: str = by) -> Any:
            with runtime.engine.connect() as conn:
                return conn.execute(text(hand_written(by, ctx.dataset.is_pg)), params).all()

        assert sum(r["open"] for r in service()) == sum(r.open for r in baseline())
        results.append(explain(check(Result(
            f"report unresolved by {by} ({ctx.backend})", "s", warm_samples(service, ctx.repeat),
            "hand-written SQL", warm_samples(baseline, ctx.repeat), TARGET,
            higher_is_better=False), maximum_ratio=1.5, maximum=0.5), service))
    module = _baselines_module()
    if module is None:
        results[0].note = ("caseflow.services.reporting.baselines has not landed: the baselines "
                           "are GROUP BYs written in bench/scenarios/reports.py")
    else:
        results.extend(dashboard(ctx, runtime, module))
    runtime.engine.dispose()
    return results


def dashboard(ctx: Context, runtime: Runtime, baselines: Any) -> list[Result]:
    """Every report of the dashboard vs its query in caseflow/services/reporting/baselines.py."""
    from caseflow.services.reporting.common import Period
    from caseflow.services.reporting.service import Request, run_report

    period = Period.from_dates(*YEAR)
    span = (period.start, period.end)
    pairs: dict[str, tuple[Request, Callable[[Any], Any]]] = {
        "unresolved": (Request("unresolved", None, *YEAR),
                       lambda c: baselines.unresolved_by_layer(c, NOW, None)),
        "rates": (Request("rates", None, *YEAR),
                  lambda c: (baselines.rate_counts(c, *span, NOW, None),
                             baselines.clock_percentiles(c, *span, None))),
        "containment": (Request("containment", None, *YEAR),
                        lambda c: (baselines.closed_by_layer(c, *span, None),
                                   baselines.escalation_flow(c, *span, None))),
        "hotspots": (Request("hotspots", None, *YEAR),
                     lambda c: (baselines.hotspots_by_complex(c, *span, None),
                                baselines.cases_by_area(c, *span, "community", None))),
        "ranking": (Request("ranking", None, *YEAR, (("level", "complex"),)),
                    lambda c: baselines.ranking_counts(c, *span, NOW, "complex", None)),
        "property-ratings": (Request("property-ratings", None, *YEAR),
                             lambda c: baselines.company_counts(c, *span, NOW, None)),
    }
    rules = runtime.rules()
    results = []
    for name, (request, sql) in pairs.items():
        def service(request: Request = request) -> Any:
            with runtime.uow() as uow:
                return run_report(uow, rules, request, NOW)

        def baseline(sql: Callable[[Any], Any] = sql) -> Any:
            with runtime.engine.connect() as conn:
                return sql(conn)

        results.append(explain(check(Result(
            f"report {name} ({ctx.backend})", "s", warm_samples(service, ctx.repeat),
            "reporting/baselines.py", warm_samples(baseline, ctx.repeat), TARGET,
            higher_is_better=False), maximum_ratio=1.5, maximum=0.5), service))
    results[0].note = f"period {YEAR[0]} – {YEAR[1]}, whole forest (no scope)"
    return results
