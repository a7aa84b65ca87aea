"""Scenario 1: act on cases through the service, one action after another, vs the replayed SQL."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.classes import NOW
from bench.context import Context
from bench.harness import Result, check, rate
from bench.replay import Statement, capture, connect, replay
from caseflow.domain.clock import FrozenClock
from caseflow.models import Case, User
from caseflow.services.actions import ActionCommand, act
from caseflow.services.runtime import Runtime

CYCLE = (("accept", ""), ("start", ""), ("comment", "已联系业主，明天上门查看"), ("resolve", ""))
PER_ROUND = 250  # cases per timed round; each takes len(CYCLE) actions


def fresh_cases(session: Session, limit: int) -> list[tuple[int, str, int]]:
    """Submitted, on-time cases at the property office that entered it fresh (version 1)."""
    rows = session.execute(
        select(Case.id, Case.ref, Case.unit_id)
        .where(Case.state == "submitted", Case.layer == "property", Case.version == 1,
               Case.next_due_at > NOW, Case.id > 100)
        .order_by(Case.id).limit(limit)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def caseworkers(session: Session) -> dict[int, User]:
    """The caseworker of every holding unit, loaded once (the API would load one per token)."""
    users = session.scalars(select(User).where(User.role == "caseworker")).all()
    return {user.unit_id: user for user in users if user.unit_id is not None}


def run_service(runtime: Runtime, cases: list[tuple[int, str, int]],
                workers: dict[int, User]) -> tuple[int, float]:
    """Every action of the cycle on every case, one transaction each; (actions, seconds)."""
    rules = runtime.rules()
    start = time.perf_counter()
    for case_id, _, unit_id in cases:
        for action, note in CYCLE:
            with runtime.uow() as uow:
                act(uow, rules, ActionCommand(case_id, action, workers[unit_id], note), NOW)
    return len(cases) * len(CYCLE), time.perf_counter() - start


def capture_cycle(url: str, case: tuple[int, str, int],
                  workers: dict[int, User]) -> list[list[Statement]]:
    """The statements each action of the cycle issued, captured on one sacrificial case.

    On an engine of its own: listening once leaves an engine dispatching (empty) statement
    events for good, which would tax every timed action.
    """
    runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
    rules = runtime.rules()
    captured = []
    for action, note in CYCLE:
        with capture(runtime.engine) as found, runtime.uow() as uow:
            act(uow, rules, ActionCommand(case[0], action, workers[case[2]], note), NOW)
        captured.append(found.statements)
    runtime.engine.dispose()
    return captured


def run_replay(url: str, captured: list[list[Statement]], source: tuple[int, str, int],
               cases: list[tuple[int, str, int]], workers: dict[int, User]) -> tuple[int, float]:
    """The captured statements replayed on other cases of the same shape; (actions, seconds)."""
    conn = connect(url)
    source_user = workers[source[2]].id
    start = time.perf_counter()
    for case_id, ref, unit_id in cases:
        mapping: dict[Any, Any] = {source[0]: case_id, source[1]: ref, source[2]: unit_id,
                                   source_user: workers[unit_id].id}
        for statements in captured:
            replay(conn, statements, mapping)
    seconds = time.perf_counter() - start
    conn.close()
    return len(cases) * len(captured), seconds


def run(ctx: Context) -> list[Result]:
    """Service actions/s against the replayed statements, on a private copy of the data."""
    url = ctx.dataset.clone()
    try:
        runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
        with runtime.uow() as uow:
            workers = caseworkers(uow.session)
            pool = fresh_cases(uow.session, 1 + 2 * ctx.repeat * PER_ROUND)
        per_round = max(1, min(PER_ROUND, (len(pool) - 1) // (2 * ctx.repeat)))
        source, rest = pool[0], pool[1:]
        captured = capture_cycle(url, source, workers)
        service, baseline = [], []
        for n in range(ctx.repeat):
            mine = rest[2 * n * per_round:(2 * n + 1) * per_round]
            theirs = rest[(2 * n + 1) * per_round:(2 * n + 2) * per_round]
            service.append(rate(*run_service(runtime, mine, workers)))
            baseline.append(rate(*run_replay(url, captured, source, theirs, workers)))
        runtime.engine.dispose()
    finally:
        ctx.dataset.drop(url)
    statements = sum(len(s) for s in captured)
    result = Result(
        f"act ({ctx.backend})", "actions/s", service, "replayed SQL", baseline,
        "≥ 1,500/s and ≥ 0.4×",
        note=f"{per_round} cases × {len(CYCLE)} actions per round "
        f"({'/'.join(a for a, _ in CYCLE)}); {statements} statements per cycle",
    )
    return [check(result, minimum_ratio=0.4, minimum=1500)]
