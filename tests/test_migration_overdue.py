"""Migration 0012 fills overdue_from and warning_from from each case's stored deadlines."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseflow.db import make_engine
from caseflow.models import Case
from caseflow.services import migrations
from caseflow.services.cases import submit_case
from caseflow.services.runtime import Runtime
from tests.conftest import RULES_DIR
from tests.factories import RESIDENT, act_on, build_tree, submission


def _instants(runtime: Runtime) -> dict[str, tuple]:
    with runtime.uow() as uow:
        return {ref: (due, warn) for ref, due, warn in uow.session.execute(
            select(Case.ref, Case.overdue_from, Case.warning_from))}


def test_upgrading_to_0012_backfills_what_actions_write(database_url, clock):
    runtime = Runtime.from_url(database_url, RULES_DIR, clock)
    users = build_tree(runtime)
    refs = []
    for n, action in enumerate((None, "accept", "hold", "resolve")):  # running, paused, stopped
        # Two kinds of complaint: a fourth of one kind here would start higher up (a repeat).
        raw = submission(title=f"case {action}", category=("noise", "parking")[n % 2])
        with runtime.uow() as uow:
            case, _ = submit_case(uow, runtime.rules(), raw, RESIDENT, runtime.now())
            refs.append(case.ref)
        steps = {"accept": ["accept"], "hold": ["accept", "start", "hold"],
                 "resolve": ["accept", "start", "resolve"]}.get(action or "", [])
        for step in steps:
            clock.advance(timedelta(minutes=1))
            with runtime.uow() as uow:
                act_on(uow, runtime.rules(), case.ref, step, users["butler"],
                            runtime.now(), note="备注")
    written = _instants(runtime)
    assert written[refs[0]][0] is not None  # a new case's clocks run
    runtime.engine.dispose()

    engine = make_engine(database_url)
    migrations.downgrade(engine, "0011")
    migrations.upgrade(engine)
    engine.dispose()
    runtime = Runtime.from_url(database_url, RULES_DIR, clock)
    assert _instants(runtime) == written
    runtime.engine.dispose()
