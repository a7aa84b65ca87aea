"""The per-case sweep steps, through the ORM: the fallback for the rare case the set-based
path does not cover (a stale `next_*` instant, a ladder rung with no unit, an unusual state).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseflow.domain import lifecycle
from caseflow.domain.deadlines import overdue_clocks, warning_clocks
from caseflow.domain.metrics import late_clocks
from caseflow.domain.policy import SYSTEM
from caseflow.models import Case
from caseflow.rules import RuleSet
from caseflow.services.casework import move_up, record_event, refresh_deadlines
from caseflow.services.charges import charge_late_clocks
from caseflow.services.sweeping.report import SweepReport


def _mark(case: Case, names: list[str], flag: str) -> None:
    deadlines = {name: dict(entry) for name, entry in case.deadlines.items()}
    for name in names:
        deadlines[name][flag] = True
    case.deadlines = deadlines


def warn(session: Session, case: Case, rules: RuleSet, now: datetime, report: SweepReport) -> None:
    """Warn once about clocks past their warning point."""
    refresh_deadlines(session.connection(), case, rules, now)
    names = warning_clocks(case.deadlines, now)
    if not names:
        return
    _mark(case, names, "warned")
    before = (case.state, case.layer, case.unit_id)
    refresh_deadlines(session.connection(), case, rules, now)
    record_event(
        session, case, SYSTEM, "warn", now, before, data={"kind": "warning", "clocks": names}
    )
    report.warned += 1


def overdue(
    session: Session, case: Case, rules: RuleSet, now: datetime, report: SweepReport
) -> None:
    """Escalate, supervise or note an overdue case, as escalation.yaml says."""
    refresh_deadlines(session.connection(), case, rules, now)
    names = overdue_clocks(case.deadlines, now)
    if not names:
        return
    before = (case.state, case.layer, case.unit_id)
    late = late_clocks(case.deadlines, now)  # where they ran, before the case climbs
    climbing = [n for n in names if rules.escalation.on_overdue.get(n) == "escalate"]
    if climbing and move_up(session, case, rules, now, f"{climbing[0]}_overdue"):
        _charge(session, case, before, late, now)
        lifecycle.fire(case, "escalate")
        pending = (now, "escalate", case.state)
        refresh_deadlines(session.connection(), case, rules, now, pending=pending)
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
    refresh_deadlines(session.connection(), case, rules, now)
    action = "supervise" if climbing else "warn"
    record_event(
        session, case, SYSTEM, action, now, before, data={"kind": "overdue", "clocks": names}
    )
    if climbing:
        case.supervised = True
        report.supervised += 1
    else:
        report.overdue += 1


def _charge(session: Session, case: Case, before: tuple[str, str, int],
            late: dict[str, datetime], now: datetime) -> None:
    """The escalation ends the late clocks: charge them where they ran, and the case can no
    longer be accepted (resolved) on time (docs/metrics.md §On time)."""
    charge_late_clocks(session.connection(), case.id, before[2], before[1], late, now,
                       "escalate")
    if "accept" in late:
        case.accepted_on_time = False
    if "resolve" in late:
        case.resolved_on_time = False


def auto_close(
    session: Session, case: Case, rules: RuleSet, now: datetime, report: SweepReport
) -> None:
    """Close a resolved case nobody evaluated in time."""
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


def run_rowwise(
    session: Session,
    ids: Sequence[int],
    step: Step,
    rules: RuleSet,
    now: datetime,
    report: SweepReport,
) -> None:
    """Apply `step` to already claimed cases one by one, in the caller's transaction."""
    if not ids:
        return
    for case in session.scalars(select(Case).where(Case.id.in_(list(ids))).order_by(Case.id)):
        with session.no_autoflush:  # one UPDATE per case, written at flush
            step(session, case, rules, now, report)
        case.updated_at = now
    session.flush()  # the set-based statements that follow read these rows
