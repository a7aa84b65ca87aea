"""The sweep's department step: a dispatch whose own clock ran out climbs the department's
own line (caseflow.services.dispatch.handlers.escalate), never the territorial ladder.

Dispatches are few beside cases (a share of street-level cases), so each overdue one is
taken through the ordinary action path, one short transaction each: its event, the case's
version and the dispatch's marks commit together. Claimed with SKIP LOCKED on PostgreSQL,
so two sweepers never take the same dispatch; a clock escalated once is marked
(`escalated_clock`) and never taken again, so the step is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select

from caseflow.domain.errors import CaseflowError
from caseflow.domain.lifecycle import HANDLING
from caseflow.domain.policy import SYSTEM
from caseflow.models import Case, Dispatch
from caseflow.rules import RuleSet
from caseflow.services.actions import ActionCommand, act
from caseflow.services.sweeping.report import SweepReport
from caseflow.services.uow import UnitOfWork

# One sweep takes at most this many overdue dispatches; the next sweep takes the rest.
LIMIT = 500


def _overdue(now: datetime) -> ColumnElement[bool]:
    """Dispatches with a running clock past due that was not escalated here yet."""
    return or_(
        and_(Dispatch.state == "submitted", Dispatch.accept_due_at <= now,
             or_(Dispatch.escalated_clock.is_(None), Dispatch.escalated_clock != "accept")),
        and_(Dispatch.state == "accepted", Dispatch.resolve_due_at <= now,
             or_(Dispatch.escalated_clock.is_(None), Dispatch.escalated_clock != "resolve")),
    )


def sweep_dispatches(uow_factory: Callable[[], UnitOfWork], rules: RuleSet, now: datetime,
                     report: SweepReport) -> None:
    """Escalate every overdue dispatch clock once, inside its department's line."""
    with uow_factory() as uow:
        due = [(row.id, row.case_id, row.state) for row in uow.session.execute(
            select(Dispatch.id, Dispatch.case_id, Dispatch.state)
            .join(Case, Case.id == Dispatch.case_id)
            .where(_overdue(now), Case.state.in_(HANDLING))  # a case's end ends its work
            .order_by(Dispatch.id).limit(LIMIT))]
    for dispatch_id, case_id, state in due:
        clock = "accept" if state == "submitted" else "resolve"
        with uow_factory() as uow:
            claimed = uow.session.scalar(
                select(Dispatch.id).where(Dispatch.id == dispatch_id, _overdue(now))
                .with_for_update(skip_locked=True))
            if claimed is None:  # another sweeper took it, or it moved on meanwhile
                continue
            try:
                act(uow, rules, ActionCommand(case_id, "dispatch_escalate", SYSTEM,
                                              data={"dispatch": dispatch_id, "clock": clock}),
                    now)
            except CaseflowError as error:  # e.g. the case was closed meanwhile
                report.details.append(f"dispatch {dispatch_id}: {error}")
                continue
            moved = uow.session.get_one(Dispatch, dispatch_id).escalated_clock is None
        if moved:
            report.escalated += 1
        else:
            report.supervised += 1
        report.details.append(f"dispatch {dispatch_id}: {clock} overdue")
