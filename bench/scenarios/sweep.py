"""Scenario 3: sweep the overdue 10% — the service vs a bare UPDATE and vs a naive ORM loop."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from bench.classes import NOW
from bench.context import Context
from bench.harness import Result, check, profile_of
from bench.replay import connect
from caseflow.domain.clock import FrozenClock
from caseflow.models import Case, CaseEvent
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep

ROOT = Path(__file__).resolve().parent.parent.parent
NAIVE_SAMPLE = 2_000
# The sweep writes `state` only where it changes (naming it costs SQLite the summary
# trigger's check on every row), so the floor does the same: two statements, one per kind.
BARE_UPDATE = (
    "UPDATE cases SET {state}escalation_count = escalation_count + 1, "
    "version = version + 1, next_due_at = NULL, updated_at = {now} "
    "WHERE next_due_at <= {now} AND state {test} 'submitted'"
)
BARE_UPDATES = (
    BARE_UPDATE.format(state="state = 'submitted', ", test="<>", now="{now}"),
    BARE_UPDATE.format(state="", test="=", now="{now}"),
)


# Peak RSS (MiB) of the last sweeping process per template URL: the memory scenario reuses it
# rather than sweep a million cases once more.
PEAK_RSS: dict[str, float] = {}


def run_sweep(url: str, summaries: bool = True) -> tuple[float, int, float]:
    """The service sweep as of NOW in a fresh process: (seconds, cases changed, peak MiB);
    `summaries=False`: its writers count nothing in the report summaries."""
    extra = [] if summaries else ["--summaries-off"]
    out = subprocess.run([sys.executable, "-m", "bench.sweeper", url, *extra], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    return report["seconds"], report["changed"], report["peak_rss_kib"] / 1024


def run_bare(url: str) -> tuple[float, int]:
    """Seconds one set-based UPDATE of the same rows takes (no events, no new deadlines)."""
    conn = connect(url)
    pg = url.startswith("postgresql")
    now = "%s" if pg else "?"
    moment = NOW if pg else NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
    cursor = conn.cursor()
    start = time.perf_counter()
    cursor.execute("BEGIN")
    count = 0
    for statement in BARE_UPDATES:
        cursor.execute(statement.format(now=now), (moment, moment))
        count += cursor.rowcount
    cursor.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds, count


def run_naive(url: str, sample_size: int = NAIVE_SAMPLE) -> tuple[float, int, int]:
    """The naive loop on a sample: (seconds, sample size, overdue total) for extrapolation."""
    runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
    rules = runtime.rules()
    with runtime.uow() as uow:
        ids = list(uow.session.scalars(select(Case.id).where(Case.next_due_at <= NOW)))
    sample = ids[:sample_size]
    start = time.perf_counter()
    for case_id in sample:
        with runtime.uow() as uow:
            case = uow.session.get(Case, case_id)
            assert case is not None
            target = rules.next_layer(case.layer) or case.layer
            before = (case.state, case.layer)
            case.state, case.layer = "submitted", target
            case.escalation_count += 1
            case.next_due_at, case.updated_at = None, NOW
            uow.session.add(CaseEvent(
                case_id=case.id, at=NOW, actor_role="system", actor_label="system",
                action="escalate", from_state=before[0], to_state="submitted",
                from_layer=before[1], to_layer=target, note="", data={},
            ))
            uow.commit()
    seconds = time.perf_counter() - start
    runtime.engine.dispose()
    return seconds, len(sample), len(ids)


def _on_copy(ctx: Context, fn):  # type: ignore[no-untyped-def]
    url = ctx.dataset.clone()
    try:
        return fn(url)
    finally:
        ctx.dataset.drop(url)


def _profiled_sweep(ctx: Context) -> tuple[str, str]:
    """The top of a profile of the service sweep, in this process, on a fresh copy."""
    url = ctx.dataset.clone()
    try:
        runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
        rules = runtime.rules()
        found = profile_of(lambda: sweep(runtime.uow, rules, NOW), lines=10)
        runtime.engine.dispose()
        return found
    finally:
        ctx.dataset.drop(url)


def run(ctx: Context) -> list[Result]:
    """Each run on a fresh copy of the data (a sweep changes it); the naive loop's sample is
    timed in the same rounds, after the sweep and its bare UPDATE."""
    # Each run needs its own copy of the whole database (3 GB and minutes at a million cases).
    repeat = 1 if ctx.dataset.size >= 500_000 else max(1, min(ctx.repeat, 3))
    service, bare, naive, changed = [], [], [], 0
    sample, overdue, naive_seconds = 0, 0, 0.0
    for _ in range(repeat):
        seconds, changed, peak = _on_copy(ctx, run_sweep)
        PEAK_RSS[ctx.dataset.url] = peak
        service.append(seconds)
        bare.append(_on_copy(ctx, run_bare)[0])
        naive_seconds, sample, overdue = _on_copy(
            ctx, lambda url: run_naive(url, 200 if ctx.quick else NAIVE_SAMPLE))
        naive.append(naive_seconds / max(sample, 1) * overdue)
    size = f"{ctx.dataset.size:,}"
    vs_bare = check(Result(
        f"sweep {size} ({ctx.backend})", "s", service, "bare UPDATE", bare, "≤ 2×",
        higher_is_better=False,
        note=f"{changed:,} cases changed (escalated, supervised, warned) of {overdue:,} overdue;"
        " the bare UPDATE writes no events and no new deadlines",
    ), maximum_ratio=2.0)
    if vs_bare.ok is False and not ctx.quick:
        top, body = _profiled_sweep(ctx)
        vs_bare.limits = (
            "per escalated case the sweep writes four rows (the case with fresh deadlines "
            "through its 13 indexes, an event, a notification, the late clocks' charges), "
            "reads it back for each and checkpoints them; the bare UPDATE writes one row "
            "and fewer indexes, so the sweep's statements alone are ~2.8× it (docs/"
            f"performance.md, issue 18); profile: most time in {top}")
        vs_bare.profile = body
    vs_naive = Result(
        f"sweep vs naive loop ({ctx.backend})", "s", service,
        "naive loop (extrapolated)", naive, "(reported)", higher_is_better=False,
        note=f"naive: session.get + event + commit per case, timed on {sample:,} cases "
        f"({naive_seconds:.1f} s) in the same rounds and extrapolated to {overdue:,}",
    )
    return [vs_bare, vs_naive]
