"""Scenario 7: what-if — every case replayed through a candidate rule set vs reading the rows.

The baseline is the time to just stream the same columns of the same cases (the cost no
replay can avoid); the figure is `caseflow.services.whatif.replay` over every case, routing
each one by the active rules and by a candidate that sends noise to the community first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bench.classes import NOW
from bench.context import Context
from bench.harness import Result, check, warm_samples
from caseflow.domain.clock import FrozenClock
from caseflow.models import Case
from caseflow.rules import load_rules_from_texts
from caseflow.services import whatif
from caseflow.services.runtime import Runtime

SINCE = NOW - timedelta(days=3650)  # every generated case
LAST_MONTH = NOW - timedelta(days=30)  # what `caseflow rules whatif` replays by default
NOISE_FIRST = """  - id: noise_to_community
    when: {category_family: {contains: noise}}
    then: {start_layer: community}
"""



def run(ctx: Context) -> list[Result]:
    """Seconds to replay every case vs seconds to stream the same columns."""
    runtime = Runtime.from_url(ctx.dataset.url, clock=FrozenClock(NOW))
    active = runtime.rules()
    files = dict(active.files)
    files["routing.yaml"] = files["routing.yaml"].replace("rules:\n", "rules:\n" + NOISE_FIRST, 1)
    candidate = load_rules_from_texts(files)
    found: dict[str, int] = {}

    def replay(since: Any) -> Callable[[], None]:
        def run_once() -> None:
            with runtime.uow() as uow:
                result = whatif.replay(uow, active, candidate, since, NOW + timedelta(days=1))
            found.update(cases=result.cases, moved=result.moved)
        return run_once

    def read_rows(since: Any) -> Callable[[], None]:
        statement = (select(*whatif.COLUMNS)
                     .where(Case.submitted_at >= since, Case.submitted_at < NOW + timedelta(days=1))
                     .order_by(Case.submitted_at, Case.id)
                     .execution_options(yield_per=whatif.BATCH))

        def run_once() -> None:
            with runtime.uow() as uow:
                for _row in uow.session.execute(statement):
                    pass
        return run_once

    results = []
    for label, since in (("every case", SINCE), ("the last 30 days", LAST_MONTH)):
        ours = warm_samples(replay(since), ctx.repeat)
        baseline = warm_samples(read_rows(since), ctx.repeat)
        results.append(check(Result(
            f"what-if: replay {label} ({ctx.backend})", "s", ours, "stream the same rows",
            baseline, "≤ 6×", higher_is_better=False,
            note=f"{found.get('cases', 0):,} cases replayed, {found.get('moved', 0):,} moved; "
                 "each case is routed twice (active and candidate)"), maximum_ratio=6.0))
    runtime.engine.dispose()
    return results
