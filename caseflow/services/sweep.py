"""The sweep: warnings, overdue escalation and auto-close, as of `now`, set-based.

Candidates are found by indexed range queries (`next_due_at`, `next_warning_at`,
`auto_close_at` <= now) and claimed in batches as plain rows: on PostgreSQL with
`FOR UPDATE SKIP LOCKED`, so several workers never take the same case; on SQLite by taking
the single write lock first, so sweepers run one at a time. Each batch is classified in
Python, then written with a few statements per group (events by INSERT…SELECT, cases by
one UPDATE per group) in one transaction: a worker killed mid-batch leaves nothing
half-done, and running the sweep twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from caseflow.domain.deadlines import overdue_clocks, warning_clocks
from caseflow.domain.lifecycle import actions_in_state
from caseflow.models import Case
from caseflow.rules import RuleSet
from caseflow.services.sweeping import rowwise
from caseflow.services.sweeping.escalate import Group, escalate_group, group_rows
from caseflow.services.sweeping.marks import Mark, apply_marks, close_unevaluated
from caseflow.services.sweeping.report import SweepReport
from caseflow.services.sweeping.sql import claim, facts_of, take_write_lock
from caseflow.services.uow import UnitOfWork

__all__ = ["BATCH", "SweepReport", "sweep"]

BATCH = 500
Rows = Sequence[Row[Any]]


def _overdue(session: Session, rows: Rows, rules: RuleSet, now: datetime,
             report: SweepReport) -> None:
    climbers: list[tuple[Group, Row[Any]]] = []
    marks: list[Mark] = []
    leftovers: list[int] = []
    for row in rows:
        names = tuple(overdue_clocks(row.deadlines, now))
        climbing = [n for n in names if rules.escalation.on_overdue.get(n) == "escalate"]
        if not names:
            leftovers.append(row.id)
        elif not climbing:
            marks.append(Mark(row, "warn", "overdue_noted", "overdue", names))
            report.overdue += 1
        else:
            reason = f"{climbing[0]}_overdue"
            target = rules.escalation_target(row.layer, reason, facts_of(row))
            if target is None:
                marks.append(Mark(row, "supervise", "overdue_noted", "overdue", names, True))
                report.supervised += 1
            elif "escalate" in actions_in_state(row.state):
                specs = rules.clocks_for(target, row.category, row.priority, row.green_channel)
                group = Group(target, tuple(specs), reason, names)
                climbers.append((group, row))
            else:
                leftovers.append(row.id)
    for group, members in group_rows(climbers).items():
        done, rest = escalate_group(session, rules, group, members, now)
        report.escalated += done
        leftovers.extend(rest)
    apply_marks(session, marks, now)
    rowwise.run_rowwise(session, leftovers, rowwise.overdue, rules, now, report)


def _warnings(session: Session, rows: Rows, rules: RuleSet, now: datetime,
              report: SweepReport) -> None:
    marks, leftovers = [], []
    for row in rows:
        names = tuple(warning_clocks(row.deadlines, now))
        if names:
            marks.append(Mark(row, "warn", "warned", "warning", names))
        else:
            leftovers.append(row.id)
    apply_marks(session, marks, now)
    report.warned += len(marks)
    rowwise.run_rowwise(session, leftovers, rowwise.warn, rules, now, report)


def _auto_close(session: Session, rows: Rows, rules: RuleSet, now: datetime,
                report: SweepReport) -> None:
    closing = [row.id for row in rows if "close" in actions_in_state(row.state)]
    report.auto_closed += close_unevaluated(session, closing, now)
    others = [row.id for row in rows if row.id not in set(closing)]
    rowwise.run_rowwise(session, others, rowwise.auto_close, rules, now, report)


Step = Callable[[Session, Rows, RuleSet, datetime, SweepReport], None]


def _run(uow_factory: Callable[[], UnitOfWork], instant: Any, step: Step, rules: RuleSet,
         now: datetime, report: SweepReport, batch: int) -> None:
    seen: set[int] = set()
    while True:
        with uow_factory() as uow:
            take_write_lock(uow.session)
            claimed = claim(uow.session, instant, now, batch)
            rows = [row for row in claimed if row.id not in seen]
            step(uow.session, rows, rules, now, report)
            uow.commit()
        seen.update(row.id for row in rows)
        # A short or already-seen batch means nothing due is left for this worker.
        if len(rows) < batch:
            return


def sweep(uow_factory: Callable[[], UnitOfWork], rules: RuleSet, now: datetime,
          batch: int = BATCH) -> SweepReport:
    """Warn, escalate and auto-close everything due as of `now`; safe to run concurrently."""
    report = SweepReport()
    _run(uow_factory, Case.next_due_at, _overdue, rules, now, report, batch)
    _run(uow_factory, Case.next_warning_at, _warnings, rules, now, report, batch)
    _run(uow_factory, Case.auto_close_at, _auto_close, rules, now, report, batch)
    return report
