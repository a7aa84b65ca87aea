"""The SQL of services.due and the Python of domain.due say the same of every case."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select, update

from caseflow.domain.due import due_status as python_status
from caseflow.models import Case
from caseflow.services import due
from caseflow.services.cases import submit_case
from tests.conftest import START
from tests.factories import RESIDENT, build_tree, submission

CASES = 40


def _instant(rng: random.Random) -> object:
    """None, exactly START (the boundary), or up to three days either side of it."""
    pick = rng.random()
    if pick < 0.2:
        return None
    if pick < 0.35:
        return START
    return START + timedelta(minutes=rng.randint(-3 * 24 * 60, 3 * 24 * 60))


def test_sql_and_python_agree_on_many_generated_cases(runtime):
    build_tree(runtime)
    rng = random.Random(15)
    with runtime.uow() as uow:
        ids = [submit_case(uow, runtime.rules(), submission(), RESIDENT, START)[0].id
               for _ in range(CASES)]
        uow.commit()
    instants = {case_id: (_instant(rng), _instant(rng)) for case_id in ids}
    with runtime.uow() as uow:
        for case_id, (overdue_from, warning_from) in instants.items():
            uow.session.execute(update(Case).where(Case.id == case_id).values(
                overdue_from=overdue_from, warning_from=warning_from))
        uow.commit()
    for now in (START - timedelta(days=1), START, START + timedelta(hours=5)):
        with runtime.uow() as uow:
            rows = uow.session.execute(select(
                Case.id, due.due_status(now), due.overdue(now), due.warning(now),
                due.not_overdue(now))).all()
            overdue_ids = set(uow.session.scalars(select(Case.id).where(due.overdue(now))))
        assert len(rows) == CASES
        for case_id, status, overdue, warning, not_overdue in rows:
            expected = python_status(*instants[case_id], now)
            assert status == expected, (case_id, instants[case_id], now)
            assert bool(overdue) == (expected == "overdue")
            assert bool(warning) == (expected == "warning")
            assert bool(not_overdue) == (expected != "overdue")
            assert (case_id in overdue_ids) == (expected == "overdue")
