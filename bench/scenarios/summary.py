"""What the report summary costs the write path: act and sweep with and without its triggers.

Migration 0008's triggers keep `case_month_counts`, `case_month_categories` and
`case_clock_times` in step with every write of `cases` and `case_events`. Here the same
actions (accept → start → comment → resolve, as in the act scenario) and the same sweep run
on two identical copies of the data, one of them without those triggers and without the
partial indexes the reports added to `cases`; the ratio is the share of the write rate the
reports' summary leaves.
"""

from __future__ import annotations

from sqlalchemy import text

from bench.classes import NOW
from bench.context import Context
from bench.harness import Result, rate
from bench.scenarios.act import PER_ROUND, caseworkers, fresh_cases, run_service
from bench.scenarios.sweep import run_sweep
from caseflow.domain.clock import FrozenClock
from caseflow.services.runtime import Runtime

SUMMARIES = ("case_month_counts", "case_month_categories", "case_clock_times")
TRIGGERS = [
    (f"{summary}_{suffix}", "case_events" if suffix == "ae" else "cases")
    for summary in SUMMARIES for suffix in ("ai", "ad", "au", "ae")
]


# Partial indexes on `cases` the reports added (migration 0008): writes pay for them too.
INDEXES = ("ix_cases_awaiting_accept", "ix_cases_open", "ix_cases_open_submitted")


def drop_triggers(runtime: Runtime) -> None:
    """Remove the summary's triggers, and the reports' partial indexes on `cases`, from one
    copy of the data."""
    pg = runtime.engine.dialect.name == "postgresql"
    with runtime.engine.begin() as conn:
        for name, table in TRIGGERS:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if pg else "")))
        for index in INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {index}"))


def _act(ctx: Context) -> Result:
    """The act cycle on the same cases of two copies, rounds alternating between them."""
    kept_url, bare_url = ctx.dataset.clone(), ctx.dataset.clone()
    try:
        kept = Runtime.from_url(kept_url, clock=FrozenClock(NOW))
        bare = Runtime.from_url(bare_url, clock=FrozenClock(NOW))
        drop_triggers(bare)
        with kept.uow() as uow:
            pool = fresh_cases(uow.session, ctx.repeat * PER_ROUND)
            kept_workers = caseworkers(uow.session)
        with bare.uow() as uow:
            bare_workers = caseworkers(uow.session)
        per_round = max(1, len(pool) // ctx.repeat)
        with_triggers, without = [], []
        for n in range(ctx.repeat):
            cases = pool[n * per_round:(n + 1) * per_round]
            with_triggers.append(rate(*run_service(kept, cases, kept_workers)))
            without.append(rate(*run_service(bare, cases, bare_workers)))
        kept.engine.dispose()
        bare.engine.dispose()
    finally:
        ctx.dataset.drop(kept_url)
        ctx.dataset.drop(bare_url)
    return Result(
        f"act with the report summary ({ctx.backend})", "actions/s", with_triggers,
        "without the summary's triggers and indexes", without, "(reported)",
        note=f"{per_round} cases × 4 actions per round on two copies of the data; accept "
        "and resolve change counted flags and clock times, start and comment fire nothing",
    )


def _sweep(ctx: Context) -> Result:
    """One sweep as of NOW on a copy with the triggers and on one without."""
    kept_url, bare_url = ctx.dataset.clone(), ctx.dataset.clone()
    try:
        bare = Runtime.from_url(bare_url, clock=FrozenClock(NOW))
        drop_triggers(bare)
        bare.engine.dispose()
        with_triggers, changed, _ = run_sweep(kept_url)
        without, _, _ = run_sweep(bare_url)
    finally:
        ctx.dataset.drop(kept_url)
        ctx.dataset.drop(bare_url)
    return Result(
        f"sweep with the report summary ({ctx.backend})", "s", [with_triggers],
        "without the summary's triggers and indexes", [without], "(reported)",
        higher_is_better=False,
        note=f"{changed:,} cases changed; escalation changes no counted flag, so the "
        "triggers' WHEN clauses keep them quiet",
    )


def run(ctx: Context) -> list[Result]:
    """The write path's cost of the summary: act and sweep, with and without its triggers."""
    return [_act(ctx), _sweep(ctx)]
