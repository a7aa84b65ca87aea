"""The sweep: warnings, overdue escalation and auto-close, as of `now`.

Candidates are found by indexed range queries (`next_warning_at`, `next_due_at`,
`auto_close_at` <= now) and claimed in batches; on PostgreSQL with `FOR UPDATE SKIP LOCKED`
so several workers never take the same case. Each batch is one transaction: a worker that
dies mid-batch leaves nothing half-done. Running it twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from caseflow.domain import lifecycle
from caseflow.domain.deadlines import overdue_clocks, warning_clocks
from caseflow.domain.policy import SYSTEM
from caseflow.models import Case
from caseflow.rules import RuleSet
from caseflow.services.casework import move_up, record_event, refresh_deadlines
from caseflow.services.uow import UnitOfWork

BATCH = 500


@dataclass
class SweepReport:
    """How many cases each part of the sweep touched."""

    warned: int = 0
    overdue: int = 0
    escalated: int = 0
    supervised: int = 0
    auto_closed: int = 0
    details: list[str] = field(default_factory=list)

    def total(self) -> int:
        """Every case change the sweep made."""
        return self.warned + self.overdue + self.escalated + self.supervised + self.auto_closed


def _claim(session: Session, query: Select[tuple[Case]]) -> list[Case]:
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Case)
    return list(session.scalars(query.limit(BATCH)))


def _mark(case: Case, names: list[str], flag: str) -> None:
    deadlines = {name: dict(entry) for name, entry in case.deadlines.items()}
    for name in names:
        deadlines[name][flag] = True
    case.deadlines = deadlines


def _warn(session: Session, case: Case, rules: RuleSet, now: datetime, report: SweepReport) -> None:
    refresh_deadlines(session, case, rules, now)
    names = warning_clocks(case.deadlines, now)
    if not names:
        return
    _mark(case, names, "warned")
    before = (case.state, case.layer, case.unit_id)
    refresh_deadlines(session, case, rules, now)
    record_event(
        session, case, SYSTEM, "warn", now, before, data={"kind": "warning", "clocks": names}
    )
    report.warned += 1


def _overdue(
    session: Session, case: Case, rules: RuleSet, now: datetime, report: SweepReport
) -> None:
    refresh_deadlines(session, case, rules, now)
    names = overdue_clocks(case.deadlines, now)
    if not names:
        return
    before = (case.state, case.layer, case.unit_id)
    climbing = [n for n in names if rules.escalation.on_overdue.get(n) == "escalate"]
    if climbing and move_up(session, case, rules, now, f"{climbing[0]}_overdue"):
        lifecycle.fire(case, "escalate")
        refresh_deadlines(session, case, rules, now, pending=(now, "escalate", case.state))
        record_event(
            session,
            case,
            SYSTEM,
            "escalate",
            now,
            before,
            data={"reason": f"{climbing[0]}_overdue", "clocks": names},
        )
        report.escalated += 1
        return
    _mark(case, names, "overdue_noted")
    refresh_deadlines(session, case, rules, now)
    action = "supervise" if climbing else "warn"
    record_event(
        session, case, SYSTEM, action, now, before, data={"kind": "overdue", "clocks": names}
    )
    if climbing:
        case.supervised = True
        report.supervised += 1
    else:
        report.overdue += 1


def _auto_close(
    session: Session, case: Case, rules: RuleSet, now: datetime, report: SweepReport
) -> None:
    before = (case.state, case.layer, case.unit_id)
    lifecycle.fire(case, "close")
    case.closed_at, case.auto_close_at = now, None
    record_event(
        session,
        case,
        SYSTEM,
        "close",
        now,
        before,
        note="closed automatically: no evaluation in time",
        data={"auto": True},
    )
    report.auto_closed += 1


Step = Callable[[Session, Case, RuleSet, datetime, SweepReport], None]


def _run(
    uow_factory: Callable[[], UnitOfWork],
    query: Select[tuple[Case]],
    step: Step,
    rules: RuleSet,
    now: datetime,
    report: SweepReport,
) -> None:
    seen: set[int] = set()
    while True:
        with uow_factory() as uow:
            cases = [case for case in _claim(uow.session, query) if case.id not in seen]
            for case in cases:
                with uow.session.no_autoflush:  # one UPDATE per case, written at commit
                    step(uow.session, case, rules, now, report)
                case.updated_at = now
                seen.add(case.id)
            uow.commit()
        # A short or already-seen batch means nothing due is left for this worker.
        if len(cases) < BATCH:
            return


def sweep(uow_factory: Callable[[], UnitOfWork], rules: RuleSet, now: datetime) -> SweepReport:
    """Warn, escalate and auto-close everything due as of `now`; safe to run concurrently."""
    report = SweepReport()
    by_due = select(Case).where(Case.next_due_at <= now).order_by(Case.next_due_at, Case.id)
    _run(uow_factory, by_due, _overdue, rules, now, report)
    by_warning = (
        select(Case).where(Case.next_warning_at <= now).order_by(Case.next_warning_at, Case.id)
    )
    _run(uow_factory, by_warning, _warn, rules, now, report)
    closing = select(Case).where(Case.auto_close_at <= now).order_by(Case.auto_close_at, Case.id)
    _run(uow_factory, closing, _auto_close, rules, now, report)
    return report
