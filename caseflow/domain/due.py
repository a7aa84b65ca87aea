"""What "overdue" and "warning" mean: the one definition, evaluated at the moment of asking.

A case is overdue when some RUNNING clock of it (not paused by a hold, a deferral or
deliberation, not stopped) is past its deadline; it is in warning when it is not overdue and
some running clock is past its warning point. Both follow from two instants stored on the
case whenever an action recomputes its deadlines:

- `overdue_from`: the earliest `due_at` among the running clocks (None when none runs);
- `warning_from`: the earliest `warning_at` among the running clocks.

Only actions start, stop, pause or resume a clock, so between two actions these instants do
not move, and "overdue" is simply `overdue_from <= now`. The sweep's marks (`warned`,
`overdue_noted`) record what the sweep did and play no part here.
`caseflow.services.due` holds the same definition as SQL; a test checks that they agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

DueStatus = Literal["overdue", "warning", "on_time", "none"]
ClockDueStatus = Literal["overdue", "warning", "on_time", "paused", "met", "late"]


def due_status(
    overdue_from: datetime | None, warning_from: datetime | None, now: datetime
) -> DueStatus:
    """The case's standing at `now`: overdue, warning, on time, or none (no clock runs)."""
    if overdue_from is not None and overdue_from <= now:
        return "overdue"
    if warning_from is not None and warning_from <= now:
        return "warning"
    if overdue_from is None and warning_from is None:
        return "none"
    return "on_time"


def is_overdue(overdue_from: datetime | None, now: datetime) -> bool:
    """True when a running clock of the case is past its deadline at `now`."""
    return due_status(overdue_from, None, now) == "overdue"


def is_warning(overdue_from: datetime | None, warning_from: datetime | None, now: datetime) -> bool:
    """True when the case is not overdue but a running clock is past its warning point."""
    return due_status(overdue_from, warning_from, now) == "warning"


def _at(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def is_running(entry: Mapping[str, Any]) -> bool:
    """A stored clock entry that is neither paused nor stopped."""
    return not entry.get("stopped_at") and not entry.get("paused")


def running_instants(
    entries: Mapping[str, Mapping[str, Any]],
) -> tuple[datetime | None, datetime | None]:
    """(overdue_from, warning_from) of a case's stored deadlines, whatever the sweep noted."""
    running = [entry for entry in entries.values() if is_running(entry)]
    due = [at for entry in running if (at := _at(entry.get("due_at"))) is not None]
    warn = [at for entry in running if (at := _at(entry.get("warning_at"))) is not None]
    return min(due, default=None), min(warn, default=None)


def clock_due_status(entry: Mapping[str, Any], now: datetime) -> ClockDueStatus:
    """One clock's standing at `now`, as the case page shows it.

    A stopped clock is met or late (stopped after its deadline); a paused one is paused;
    a running one is overdue, warning or on time by the same rule as the case.
    """
    due_at, stopped_at = _at(entry.get("due_at")), _at(entry.get("stopped_at"))
    if stopped_at is not None:
        return "late" if due_at is not None and stopped_at > due_at else "met"
    if entry.get("paused"):
        return "paused"
    status = due_status(due_at, _at(entry.get("warning_at")), now)
    return "on_time" if status == "none" else status


# -- Beyond the case clocks: a deferral's review date and a meeting task's due date -----
# They are part of the same one truth (services.due, the inbox, the sweep): a deferred case
# whose review date has come is overdue until its holder acts on it; a meeting task is in
# warning from `warn_before` ahead of its due date and overdue from then on, until done.


def deferral_instants(
    review_at: datetime | None, warn_before: timedelta
) -> tuple[datetime | None, datetime | None]:
    """(overdue_from, warning_from) of a deferred case: its review date, and ahead of it."""
    if review_at is None:
        return None, None
    return review_at, review_at - warn_before


def task_due_status(
    due_at: datetime | None, warn_before: timedelta, done: bool, now: datetime
) -> DueStatus:
    """A meeting task's standing at `now`: none when done or without a due date."""
    if done or due_at is None:
        return "none"
    return due_status(due_at, due_at - warn_before, now)
