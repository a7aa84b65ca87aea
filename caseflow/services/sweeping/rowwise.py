"""The per-case sweep steps: the fallback for the rare case the set-based path does not
cover (a stale `next_*` instant, a ladder rung with no unit, an unusual state).

Each case is read as a CaseRow and written by caserow.write_change, like an action: one
versioned UPDATE with its event and outbox row, in the sweep batch's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from caseflow.domain import lifecycle
from caseflow.domain.deadlines import overdue_clocks, warning_clocks
from caseflow.domain.metrics import late_clocks
from caseflow.domain.policy import SYSTEM
from caseflow.rules import RuleSet
from caseflow.services.caserow import CaseRow, load_case_row, save_case_row, write_change
from caseflow.services.casework import move_up, refresh_deadlines
from caseflow.services.charges import charge_late_clocks
from caseflow.services.sweeping.report import SweepReport
from caseflow.services.uow import UnitOfWork

Before = tuple[str | None, str | None, int | None]


def _mark(case: CaseRow, names: list[str], flag: str) -> None:
    deadlines = {name: dict(entry) for name, entry in case.deadlines.items()}
    for name in names:
        deadlines[name][flag] = True
    case.deadlines = deadlines


def _before(case: CaseRow) -> Before:
    return case.state, case.layer, case.unit_id


def warn(uow: UnitOfWork, case: CaseRow, rules: RuleSet, now: datetime,
         report: SweepReport) -> bool:
    """Warn once about clocks past their warning point; whether an event was written."""
    conn = uow.connection()
    refresh_deadlines(conn, case, rules, now)
    names = warning_clocks(case.deadlines, now)
    if not names:
        return False
    _mark(case, names, "warned")
    before = _before(case)
    refresh_deadlines(conn, case, rules, now)
    write_change(uow, case, SYSTEM, "warn", now, before,
                 data={"kind": "warning", "clocks": names})
    report.warned += 1
    return True


def overdue(uow: UnitOfWork, case: CaseRow, rules: RuleSet, now: datetime,
            report: SweepReport) -> bool:
    """Escalate, supervise or note an overdue case, as escalation.yaml says."""
    conn, session = uow.connection(), uow.session
    refresh_deadlines(conn, case, rules, now)
    names = overdue_clocks(case.deadlines, now)
    if not names:
        return False
    before = _before(case)
    late = late_clocks(case.deadlines, now)  # where they ran, before the case climbs
    climbing = [n for n in names if rules.escalation.on_overdue.get(n) == "escalate"]
    if climbing and move_up(session, case, rules, now, f"{climbing[0]}_overdue"):
        _charge(conn, case, before, late, now)
        lifecycle.fire(case, "escalate")
        refresh_deadlines(conn, case, rules, now, pending=(now, "escalate", case.state))
        write_change(uow, case, SYSTEM, "escalate", now, before,
                     data={"reason": f"{climbing[0]}_overdue", "clocks": names})
        report.escalated += 1
        return True
    _mark(case, names, "overdue_noted")
    refresh_deadlines(conn, case, rules, now)
    if climbing:
        case.supervised = True
        report.supervised += 1
    else:
        report.overdue += 1
    action = "supervise" if climbing else "warn"
    write_change(uow, case, SYSTEM, action, now, before,
                 data={"kind": "overdue", "clocks": names})
    return True


def _charge(conn: Connection, case: CaseRow, before: Before, late: dict[str, datetime],
            now: datetime) -> None:
    """The escalation ends the late clocks: charge them where they ran, and the case can no
    longer be accepted (resolved) on time (docs/metrics.md §On time)."""
    # A case in the sweep always has a holder and a layer (both NOT NULL once submitted).
    charge_late_clocks(conn, case.id, before[2] or 0, before[1] or "", late, now, "escalate")
    if "accept" in late:
        case.accepted_on_time = False
    if "resolve" in late:
        case.resolved_on_time = False


def auto_close(uow: UnitOfWork, case: CaseRow, rules: RuleSet, now: datetime,
               report: SweepReport) -> bool:
    """Close a resolved case nobody evaluated in time."""
    before = _before(case)
    lifecycle.fire(case, "close")
    case.closed_at, case.auto_close_at = now, None
    write_change(uow, case, SYSTEM, "close", now, before,
                 note="closed automatically: no evaluation in time", data={"auto": True})
    report.auto_closed += 1
    return True


Step = Callable[[UnitOfWork, CaseRow, RuleSet, datetime, SweepReport], bool]


def run_rowwise(
    session: Session,
    ids: Sequence[int],
    step: Step,
    rules: RuleSet,
    now: datetime,
    report: SweepReport,
) -> None:
    """Apply `step` to already claimed cases one by one, in the caller's transaction.

    A case the step wrote no event for still has its refreshed deadlines and time saved.
    """
    if not ids:
        return
    uow = UnitOfWork.joining(session)
    conn = uow.connection()
    for case_id in sorted(ids):
        case = load_case_row(uow, conn, case_id)
        case.updated_at = now
        with session.no_autoflush:
            if not step(uow, case, rules, now, report):
                save_case_row(uow, case)
