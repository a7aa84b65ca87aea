"""Many overdue cases, fast: one case through the service, cloned with Core executemany."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from caseflow.models import Case
from caseflow.services.cases import submit_case
from caseflow.services.runtime import Runtime
from caseflow.services.units import get_unit
from tests.factories import RESIDENT, submission

CHUNK = 5_000


def clone_cases(runtime: Runtime, count: int) -> datetime:
    """`count` copies of a fresh case, alternating between two complexes; returns the
    instant just after their accept deadline."""
    with runtime.uow() as uow:
        case = submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]
        uow.commit()
    table = Case.__table__
    with runtime.uow() as uow:
        template = dict(uow.session.execute(select(table).where(table.c.id == case.id)).one()
                        ._mapping)
        places = [get_unit(uow.session, code).id for code in ("rhine", "lotus")]
        template.pop("id")
        rows = [
            {**template, "ref": f"T{n:08d}", "place_unit_id": places[n % 2]}
            for n in range(count - 1)
        ]
        for start in range(0, len(rows), CHUNK):
            uow.session.execute(insert(table), rows[start:start + CHUNK])
        uow.commit()
    return datetime.fromisoformat(case.deadlines["accept"]["due_at"]) + timedelta(minutes=1)
