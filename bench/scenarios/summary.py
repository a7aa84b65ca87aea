"""What the report summaries cost the write path: act and sweep, three ways, side by side.

The same actions (accept → start → comment → resolve, as in the act scenario) and the same
sweep run on identical copies of the data:

- **counted by the writers** (migration 0016, caseflow/services/reporting/summaries.py): what
  caseflow does;
- **kept by triggers**: migration 0008's UPDATE triggers put back (0016's downgrade), the
  writers' counting switched off: how the summaries were kept before;
- **without summaries**: every summary trigger dropped and the writers' counting off.

The target is on the first against the last. The reports' partial indexes on `cases`
(0008) stay in all three: they serve the unresolved report, not the summaries.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from sqlalchemy import Engine, event, text

from bench.classes import NOW
from bench.context import Context
from bench.harness import Result, check, explain, rate
from bench.scenarios.act import CYCLE, PER_ROUND, caseworkers, fresh_cases, run_service
from bench.scenarios.sweep import run_sweep
from caseflow.domain.clock import FrozenClock
from caseflow.models import User
from caseflow.services.reporting.summaries import OFF
from caseflow.services.runtime import Runtime

VERSIONS = Path(__file__).resolve().parents[2] / "caseflow" / "migrations" / "versions"
# Every trigger that keeps a summary (migration 0008): on cases, case_events, clock times.
TRIGGERS = [
    *((f"{summary}_{suffix}", "cases")
      for summary in ("case_month_counts", "case_month_categories", "case_clock_times")
      for suffix in ("ai", "ad", "au")),
    ("case_clock_times_ae", "case_events"),
    ("case_clock_seconds_ai", "case_clock_times"), ("case_clock_seconds_ad", "case_clock_times"),
]
WAYS = ("writers", "triggers", "none")
PROFILED = 25  # cases acted on under the profiler when the target is missed


def summaries_off(engine: Engine) -> None:
    """The writers on this engine count nothing in the summaries."""
    event.listen(engine, "connect", lambda _dbapi, record: record.info.__setitem__(OFF, True))


def _migration_0016() -> ModuleType:
    path = VERSIONS / "0022_summaries.py"
    spec = importlib.util.spec_from_file_location("bench_migration_0016", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(url: str, way: str) -> None:
    """Make a fresh copy of the data keep its summaries `way`."""
    if way == "writers":
        return
    engine = Runtime.from_url(url, clock=FrozenClock(NOW)).engine
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if way == "triggers":
            from alembic.migration import MigrationContext
            from alembic.operations import Operations

            migration = _migration_0016()
            migration.op = Operations(MigrationContext.configure(conn))  # type: ignore[attr-defined]
            migration.downgrade()
        else:
            for name, table in TRIGGERS:
                on = f" ON {table}" if pg else ""
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}{on}"))
    engine.dispose()


def runtime_for(url: str, way: str) -> Runtime:
    """A runtime on a prepared copy; the writers count only on the `writers` copy."""
    runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
    if way != "writers":
        summaries_off(runtime.engine)
    return runtime


def _cycles(runtimes: dict[str, Runtime], workers: dict[str, dict[int, User]],
            cases: list[tuple[int, str, int]]) -> dict[str, float]:
    """Seconds each way spent on the act cycle of `cases`, interleaved case by case (the
    order of the ways turning with each case), so a load swing on this shared machine
    falls on all three alike."""
    spent = dict.fromkeys(runtimes, 0.0)
    ways = list(runtimes)
    for n, case in enumerate(cases):
        for way in ways[n % len(ways):] + ways[:n % len(ways)]:
            spent[way] += run_service(runtimes[way], [case], workers[way])[1]
    return spent


def _act(ctx: Context) -> list[Result]:
    """The act cycle on the same cases of three copies."""
    urls = {way: ctx.dataset.clone() for way in WAYS}
    try:
        runtimes, workers = {}, {}
        for way, url in urls.items():
            prepare(url, way)
            runtimes[way] = runtime_for(url, way)
            with runtimes[way].uow() as uow:
                workers[way] = caseworkers(uow.session)
                pool = fresh_cases(uow.session, ctx.repeat * PER_ROUND + PROFILED)
        spare, pool = pool[-PROFILED:], pool[:-PROFILED]
        per_round = max(1, len(pool) // ctx.repeat)
        rates: dict[str, list[float]] = {way: [] for way in WAYS}
        for n in range(ctx.repeat):
            spent = _cycles(runtimes, workers, pool[n * per_round:(n + 1) * per_round])
            for way in WAYS:
                rates[way].append(rate(per_round * len(CYCLE), spent[way]))
        note = (f"{per_round} cases × 4 actions per round on three copies of the data, "
                "interleaved case by case; accept and resolve change counted flags and clock "
                "times, start and comment count nothing")
        kept = explain(check(Result(
            f"act with the summaries ({ctx.backend})", "actions/s", rates["writers"],
            "without summaries", rates["none"], "≥ 0.91× (costs ≤ 10%)", note=note),
            minimum_ratio=1 / 1.1),
            lambda: run_service(runtimes["writers"], spare, workers["writers"]),
            "an accept writes one summary row and a resolve one row and one clock time, with "
            "their B-tree pages written again at commit")
        for runtime in runtimes.values():
            runtime.engine.dispose()
    finally:
        for url in urls.values():
            ctx.dataset.drop(url)
    return [
        kept,
        Result(f"act, summaries kept by triggers ({ctx.backend})", "actions/s",
               rates["triggers"], "without summaries", rates["none"], "(the old way)"),
    ]


def _sweep(ctx: Context) -> list[Result]:
    """One sweep as of NOW on a copy kept each way, in a fresh process each; at most three
    rounds (one at 500,000 cases and more), the ways alternating within each."""
    rounds = 1 if ctx.dataset.size >= 500_000 else max(1, min(ctx.repeat, 3))
    seconds: dict[str, list[float]] = {way: [] for way in WAYS}
    changed = 0
    for n in range(rounds):
        for way in WAYS[n % 3:] + WAYS[:n % 3]:
            url = ctx.dataset.clone()
            try:
                prepare(url, way)
                took, changed, _ = run_sweep(url, summaries=way == "writers")
                seconds[way].append(took)
            finally:
                ctx.dataset.drop(url)
    note = (f"{changed:,} cases changed; an escalation for a missed accept or resolve clock "
            "clears an on-time flag (counted), the others count nothing")
    return [
        explain(check(Result(
            f"sweep with the summaries ({ctx.backend})", "s", seconds["writers"],
            "without summaries", seconds["none"], "≤ 1.1× (costs ≤ 10%)",
            higher_is_better=False, note=note), maximum_ratio=1.1), None,
            "one INSERT…SELECT per group of escalations that clear an on-time flag (the "
            "sweep's own profile is under its row vs the bare UPDATE)"),
        Result(f"sweep, summaries kept by triggers ({ctx.backend})", "s", seconds["triggers"],
               "without summaries", seconds["none"], "(the old way)", higher_is_better=False),
    ]


def run(ctx: Context) -> list[Result]:
    """The write path's cost of the summaries: act and sweep, counted by the writers, kept by
    triggers, and not kept at all."""
    return [*_act(ctx), *_sweep(ctx)]
