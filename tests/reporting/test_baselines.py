"""The benchmark's hand-written SQL agrees with the services on the hand-made dataset."""

from __future__ import annotations

from sqlalchemy import select

from caseflow.models import Unit
from caseflow.services.reporting import baselines
from caseflow.services.reporting.common import Period
from tests.conftest import START
from tests.reporting.helpers import NOVEMBER, rows, run

PERIOD = Period.from_dates(*NOVEMBER)
NOV = (PERIOD.start, PERIOD.end)


def _street(runtime) -> int:
    with runtime.uow() as uow:
        return uow.session.scalar(select(Unit.id).where(Unit.code == "jiazhou-street"))


def test_baselines_match_the_services(runtime, dataset):
    scope = _street(runtime)
    with runtime.engine.connect() as conn:
        layers = baselines.unresolved_by_layer(conn, START, scope)
        (month, *counts), = baselines.rate_counts(conn, *NOV, START, scope)
        closed = dict(baselines.closed_by_layer(conn, *NOV, scope))
        flow = baselines.escalation_flow(conn, *NOV, scope)
        places = baselines.hotspots_by_complex(conn, *NOV, scope)
        ranking = baselines.ranking_counts(conn, *NOV, START, "complex", scope)
        companies = baselines.company_counts(conn, *NOV, START, None)
        clocks = baselines.clock_percentiles(conn, *NOV, scope)
        areas = baselines.cases_by_area(conn, *NOV, "community", scope)
    assert sorted((k, n, int(o)) for k, n, o in layers) == [("complex", 1, 0), ("property", 2, 1)]
    # … resolved 3, on time 2, … and due to resolve: resolved 3 + C4 open and overdue.
    assert [int(v) for v in counts] == [6, 5, 5, 3, 3, 2, 2, 2, 2, 1, 4]
    assert closed == {
        r["layer"]: r["closed"] for r in rows(run(runtime, "containment", "jiazhou-street"),
                                              "by_layer")}
    assert len(flow) == 4  # three climbs and C5's return, which the service leaves out
    assert sorted((a, c, n, n - d) for a, c, n, d in places) == [
        ("lotus", "garbage", 2, 0), ("rhine", "noise", 4, 2)]
    assert sorted((u, n) for u, n, *_ in ranking) == [("lotus", 2), ("rhine", 4)]
    assert month == "2026-11"
    # the company's cases and those of them resolved on time
    assert sorted((n, int(c[4])) for _, n, *c in companies) == [(1, 1), (6, 2)]
    durations = rows(run(runtime, "rates", "jiazhou-street"), "durations")
    assert sorted((c, layer, n) for c, layer, n, _ in clocks) == sorted(
        (r["clock"], r["layer"], r["cases"]) for r in durations)
    issue = rows(run(runtime, "hotspots", "jiazhou-street"), "monthly_issue")
    assert [(r["area"], r["category"], r["cases"]) for r in issue] == [
        max(areas, key=lambda a: (a[2], [-ord(ch) for ch in a[1]]))]


def test_the_percentile_baseline_over_whole_months_counts_as_the_service(runtime, dataset):
    with runtime.engine.connect() as conn:
        clocks = baselines.clock_percentiles(conn, *NOV, None)
    durations = rows(run(runtime, "rates"), "durations")
    assert sorted((c, layer, n) for c, layer, n, _ in clocks) == sorted(
        (r["clock"], r["layer"], r["cases"]) for r in durations)
