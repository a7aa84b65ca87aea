"""The sweep: warnings, overdue escalation and auto-close, as of `now`, set-based.

Candidates are found by indexed range queries (`next_due_at`, `next_warning_at`,
`auto_close_at` <= now) and claimed in batches as plain rows: on PostgreSQL with
`FOR UPDATE SKIP LOCKED`, so several workers never take the same case; on SQLite by taking
the single write lock first, so sweepers run one at a time. Each batch is classified in
Python, then written with three statements per group (events and their notifications by
INSERT…SELECT, cases by one UPDATE) in one transaction: a worker killed mid-batch leaves
nothing half-done, and running the sweep twice changes nothing the second time. A worker
pages on with the (instant, id) of the last row it claimed, so its memory does not grow
with the number of cases.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from caseflow.domain.deadlines import overdue_clocks, warning_clocks
from caseflow.domain.lifecycle import actions_in_state
from caseflow.models import Case
from caseflow.rules import RuleSet
from caseflow.services.sweeping import rowwise
from caseflow.services.sweeping.departments import sweep_dispatches
from caseflow.services.sweeping.escalate import Group, escalate_group
from caseflow.services.sweeping.grid import sweep_grid
from caseflow.services.sweeping.marks import Mark, apply_marks, close_unevaluated
from caseflow.services.sweeping.report import SweepReport
from caseflow.services.sweeping.sql import (
    checkpoint,
    claim,
    facts_of,
    lock_summaries,
    take_write_lock,
)
from caseflow.services.uow import UnitOfWork

__all__ = ["BATCH", "SweepReport", "sweep"]

# Big enough that per-statement costs vanish beside per-row ones, small enough that a batch's
# rows stay a few megabytes and other writers wait on SQLite's lock for well under a second.
BATCH = 5000
Rows = Sequence[Row[Any]]


class _Ladder:
    """What a climbing case's class decides, worked out once per sweep: its target (unless a
    skip rule starting at its layer must read its facts) and its group (clock specs)."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.skip_layers = {skip.from_layer for skip in rules.escalation.skips}
        self.targets: dict[tuple[str, str], str | None] = {}
        self.groups: dict[tuple[Any, ...], Group] = {}

    def target(self, row: Row[Any], reason: str) -> str | None:
        if row.layer in self.skip_layers:
            return self.rules.escalation_target(row.layer, reason, facts_of(row))
        key = (row.layer, reason)
        if key not in self.targets:
            self.targets[key] = self.rules.escalation_target(row.layer, reason)
        return self.targets[key]

    def group(self, target: str, row: Row[Any], reason: str,
              names: tuple[str, ...]) -> tuple[Any, ...]:
        key = (target, row.category, row.priority, row.green_channel, reason, names)
        if key not in self.groups:
            specs = self.rules.clocks_for(target, row.category, row.priority, row.green_channel)
            self.groups[key] = Group(target, tuple(specs), reason, names)
        return key


def _overdue(session: Session, rows: Rows, ladder: _Ladder, now: datetime,
             report: SweepReport) -> None:
    rules = ladder.rules
    climbers: dict[tuple[Any, ...], list[Row[Any]]] = defaultdict(list)
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
            target = ladder.target(row, reason)
            if target is None:
                marks.append(Mark(row, "supervise", "overdue_noted", "overdue", names, True))
                report.supervised += 1
            elif "escalate" in actions_in_state(row.state):
                climbers[ladder.group(target, row, reason, names)].append(row)
            else:
                leftovers.append(row.id)
    # Classes that share clock specs (most categories) share one set of statements.
    groups: dict[Group, list[Row[Any]]] = defaultdict(list)
    for key, members in climbers.items():
        groups[ladder.groups[key]].extend(members)
    for group, members in groups.items():
        done, rest = escalate_group(session, rules, group, members, now)
        report.escalated += done
        leftovers.extend(rest)
    apply_marks(session, marks, now)
    rowwise.run_rowwise(session, leftovers, rowwise.overdue, rules, now, report)


def _warnings(session: Session, rows: Rows, ladder: _Ladder, now: datetime,
              report: SweepReport) -> None:
    rules = ladder.rules
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


def _auto_close(session: Session, rows: Rows, ladder: _Ladder, now: datetime,
                report: SweepReport) -> None:
    rules = ladder.rules
    closing = [row.id for row in rows if "close" in actions_in_state(row.state)]
    report.auto_closed += close_unevaluated(session, closing, now)
    others = [row.id for row in rows if row.id not in set(closing)]
    rowwise.run_rowwise(session, others, rowwise.auto_close, rules, now, report)


Step = Callable[[Session, Rows, _Ladder, datetime, SweepReport], None]


def _run(uow_factory: Callable[[], UnitOfWork], instant: Any, step: Step, ladder: _Ladder,
         now: datetime, report: SweepReport, batch: int) -> None:
    after: tuple[Any, int] | None = None
    while True:
        with uow_factory() as uow:
            take_write_lock(uow.session)
            rows = claim(uow.session, instant, now, batch, after)
            lock_summaries(uow.session, rows)
            step(uow.session, rows, ladder, now, report)
            uow.commit()
        # The batch's cyclic garbage (its session, statements, rows) goes now, so memory
        # stays flat however many batches run; cheap, as the frozen heap is not scanned.
        gc.collect()
        # A short batch means nothing due is left for this worker.
        if len(rows) < batch:
            return
        after = (rows[-1].due, rows[-1].id)


@contextmanager
def _collect_young_only() -> Iterator[None]:
    """Keep the cyclic collector off what existed before the sweep (the app, its rules, the
    ORM's mappings): a sweep allocates millions of short-lived rows and tuples, and each full
    collection they trigger would otherwise walk that whole long-lived heap again (about a
    tenth of a sweep's CPU). `_run` collects each batch's garbage as it ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def sweep(uow_factory: Callable[[], UnitOfWork], rules: RuleSet, now: datetime,
          batch: int = BATCH) -> SweepReport:
    """Warn, escalate and auto-close everything due as of `now`; safe to run concurrently."""
    report, ladder = SweepReport(), _Ladder(rules)
    try:
        with _collect_young_only():
            _run(uow_factory, Case.next_due_at, _overdue, ladder, now, report, batch)
            _run(uow_factory, Case.next_warning_at, _warnings, ladder, now, report, batch)
            _run(uow_factory, Case.auto_close_at, _auto_close, ladder, now, report, batch)
            report.grid = sweep_grid(uow_factory, rules, now)  # reviews, tasks, 回访
            sweep_dispatches(uow_factory, rules, now, report)  # 部门解题: their own line
    finally:
        with uow_factory() as uow:
            checkpoint(uow.session)
    return report
