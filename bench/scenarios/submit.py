"""Scenario 2a: submit and route grievances through the service vs the replayed SQL."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bench.classes import NOW
from bench.context import Context
from bench.harness import Result, check, rate
from bench.replay import Statement, capture, connect, replay
from bench.tables import TEXTS
from caseflow.domain.clock import FrozenClock
from caseflow.domain.policy import Actor
from caseflow.models import Case, Unit
from caseflow.services.cases import REPEAT_WINDOW_DAYS, submit_case
from caseflow.services.runtime import Runtime
from caseflow.services.submission import recent_cases

RESIDENT = Actor(role="resident", relation="owner", label="resident")
PER_ROUND = 500


def submissions(runtime: Runtime, count: int, seed: int = 8) -> list[dict[str, Any]]:
    """Grievances about random complexes and buildings, in every category."""
    r = random.Random(seed)
    rules = runtime.rules()
    with runtime.uow() as uow:
        places = list(uow.session.scalars(
            select(Unit.code).where(Unit.kind.in_(("complex", "building")))))
    categories = list(rules.categories)
    return [
        {"title": r.choice(TEXTS)[:12], "description": r.choice(TEXTS),
         "category": r.choice(categories), "unit": r.choice(places),
         "reporter": {"name": "王先生", "phone": f"139{n:08d}"},
         "channel": r.choice(("web", "phone", "app", "wechat"))}
        for n in range(count)
    ]


def run_service(runtime: Runtime, bodies: list[dict[str, Any]]) -> tuple[int, float]:
    """Submit every body, one transaction each; (submissions, seconds)."""
    rules = runtime.rules()
    start = time.perf_counter()
    for body in bodies:
        with runtime.uow() as uow:
            submit_case(uow, rules, body, RESIDENT, NOW)
    return len(bodies), time.perf_counter() - start


def run_inputs(runtime: Runtime, bodies: list[dict[str, Any]]) -> tuple[int, float]:
    """Routing's database inputs alone (repeat count and likely duplicate), one read per
    submission, as `register_case` makes before routing; (reads, seconds)."""
    rules = runtime.rules()
    repeat_since = NOW - timedelta(days=REPEAT_WINDOW_DAYS)
    duplicate_since = NOW - rules.settings.duplicate_window.as_timedelta()
    with runtime.uow() as uow:
        ids: dict[str, int] = dict(uow.session.execute(select(Unit.code, Unit.id)).all())
        start = time.perf_counter()
        for body in bodies:
            recent_cases(uow.session, ids[body["unit"]], body["category"], repeat_since,
                         duplicate_since)
        return len(bodies), time.perf_counter() - start


def capture_one(runtime: Runtime, body: dict[str, Any]) -> tuple[list[Statement], int, str]:
    """The statements one submission issued, the id it created and its reference."""
    with capture(runtime.engine) as found, runtime.uow() as uow:
        case, _ = submit_case(uow, runtime.rules(), body, RESIDENT, NOW)
    return found.statements, case.id, case.ref


def run_replay(url: str, statements: list[Statement], new_id: int, ref: str, count: int,
               offset: int) -> tuple[int, float]:
    """The captured submission replayed `count` times with fresh references; (n, seconds)."""
    conn = connect(url)
    start = time.perf_counter()
    for n in range(count):
        mapping: dict[Any, Any] = {ref: f"CF-R{offset + n:010d}"}
        replay(conn, statements, mapping, new_id_of=new_id)
    seconds = time.perf_counter() - start
    conn.close()
    return count, seconds


def run(ctx: Context) -> list[Result]:
    """Submissions per second against the replayed statements, on a private copy."""
    url = ctx.dataset.clone()
    per_round = 50 if ctx.quick else PER_ROUND
    try:
        runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
        bodies = submissions(runtime, 1 + ctx.repeat * per_round)
        statements, new_id, ref = capture_one(runtime, bodies[0])
        service, baseline, inputs = [], [], []
        for n in range(ctx.repeat):
            chunk = bodies[1 + n * per_round:1 + (n + 1) * per_round]
            inputs.append(rate(*run_inputs(runtime, chunk)))
            service.append(rate(*run_service(runtime, chunk)))
            baseline.append(rate(*run_replay(url, statements, new_id, ref, per_round,
                                             n * per_round)))
        with runtime.uow() as uow:
            assert uow.session.get(Case, new_id) is not None
        runtime.engine.dispose()
    finally:
        ctx.dataset.drop(url)
    result = Result(
        f"submit ({ctx.backend})", "cases/s", service, "replayed SQL", baseline,
        "≥ 0.4×", note=f"{per_round} submissions per round; {len(statements)} statements each "
        "(place; repeat count and likely duplicate in one read, before routing; holder; case, "
        "event and outbox inserts)",
    )
    reads = Result(
        f"submit: routing inputs ({ctx.backend})", "reads/s", inputs,
        target="(timed apart)", note="repeat count and likely duplicate, read before routing "
        "(routing alone: the routing scenario)")
    return [check(result, minimum_ratio=0.4), reads]
