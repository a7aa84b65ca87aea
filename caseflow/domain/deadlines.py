"""A case's clocks as stored on its row, and the deadlines recomputed from its history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from caseflow.domain.calendar import BusinessCalendar
from caseflow.domain.calendar_book import CalendarBook
from caseflow.domain.clocks import ClockSpec, clock_status
from caseflow.domain.due import running_instants
from caseflow.domain.durations import parse_duration
from caseflow.domain.lifecycle import FINAL_STATES, RESOLVED

History = Sequence[tuple[datetime, str, str]]
# Reaching these states stops clocks whatever the action that got there (e.g. a meeting's
# decision that resolves the case stops the resolve clock; closing stops every clock).
_FINAL = "__final__"


def _as_clock_events(history: History) -> list[tuple[datetime, str, str]]:
    """Name events by their effect: entering `resolved` resolves, a final state ends all."""
    events = []
    for at, action, state in history:
        if state in FINAL_STATES:
            action = _FINAL
        elif state == RESOLVED:
            action = "resolve"
        events.append((at, action, state))
    return events


def clocks_to_json(specs: Iterable[ClockSpec], started_at: datetime) -> dict[str, Any]:
    """Freeze clock specs onto the case so later rule changes do not move its deadlines.

    The calendar is frozen by name (when the spec has one): its hours and holidays are read
    from the active rules at each recompute, so an imported year counts for open cases too.
    """
    return {
        spec.name: {
            "within": str(spec.within),
            "ends_on": sorted(spec.ends_on),
            "pauses_in": sorted(spec.pauses_in),
            "started_at": started_at.isoformat(),
            **({"calendar": spec.calendar} if spec.calendar else {}),
        }
        for spec in specs
    }


def spec_from_json(name: str, raw: Mapping[str, Any]) -> ClockSpec:
    """Rebuild a ClockSpec from its stored form."""
    return ClockSpec(
        name=name,
        within=parse_duration(raw["within"]),
        ends_on=frozenset(raw["ends_on"]),
        pauses_in=frozenset(raw["pauses_in"]),
        calendar=raw.get("calendar"),
    )


@dataclass(frozen=True)
class Deadlines:
    """Computed deadlines, the two instants the sweep looks for, and the two that say what
    "overdue" and "warning" mean (caseflow.domain.due: the sweep's marks do not move them)."""

    clocks: dict[str, Any]
    next_due_at: datetime | None
    next_warning_at: datetime | None
    overdue_from: datetime | None = None
    warning_from: datetime | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def compute_deadlines(
    clocks: Mapping[str, Any],
    history: History,
    now: datetime,
    calendar: BusinessCalendar | CalendarBook,
    warning_fraction: float,
    previous: Mapping[str, Any] | None = None,
) -> Deadlines:
    """Recompute every clock from the events since the case entered its layer.

    With a CalendarBook each clock runs on the calendar frozen on it by name (the default
    one when it names none); a single BusinessCalendar serves every clock.

    `previous` carries the sweep's marks (warned, overdue noted) so that a clock is warned
    about and reported overdue once, however often deadlines are recomputed.
    """
    previous = previous or {}
    result: dict[str, Any] = {}
    due_candidates: list[datetime] = []
    warn_candidates: list[datetime] = []
    events = _as_clock_events(history)
    for name, raw in clocks.items():
        started = datetime.fromisoformat(raw["started_at"])
        since = [event for event in events if event[0] >= started]
        spec = spec_from_json(name, raw)
        status = clock_status(
            replace(spec, ends_on=spec.ends_on | {_FINAL}),
            started,
            since,
            now,
            calendar.get(spec.calendar) if isinstance(calendar, CalendarBook) else calendar,
            warning_fraction=warning_fraction,
        )
        marks = previous.get(name, {})
        entry = {
            "due_at": _iso(status.due_at),
            "stopped_at": _iso(status.stopped_at),
            "paused": status.paused,
            "warning_at": _iso(status.warning_at),
            "warned": bool(marks.get("warned")),
            "overdue_noted": bool(marks.get("overdue_noted")),
        }
        result[name] = entry
        running = status.stopped_at is None and not status.paused
        if running and status.due_at and not entry["overdue_noted"]:
            due_candidates.append(status.due_at)
        if running and status.warning_at and not entry["warned"] and not entry["overdue_noted"]:
            warn_candidates.append(status.warning_at)
    return Deadlines(result, min(due_candidates, default=None), min(warn_candidates, default=None),
                     *running_instants(result))


def _entry(previous: Mapping[str, Any], stopped_at: str | None) -> dict[str, Any]:
    """A stored clock entry in the exact shape compute_deadlines writes."""
    return {
        "due_at": previous["due_at"],
        "stopped_at": stopped_at,
        "paused": bool(previous["paused"]),
        "warning_at": previous["warning_at"],
        "warned": bool(previous.get("warned")),
        "overdue_noted": bool(previous.get("overdue_noted")),
    }


def _advanced_entry(
    raw: Mapping[str, Any], previous: Mapping[str, Any] | None, event: tuple[datetime, str, str]
) -> dict[str, Any] | None:
    """One clock's entry after `event`, or None when the stored entry cannot tell."""
    if previous is None or not {"due_at", "stopped_at", "paused", "warning_at"} <= previous.keys():
        return None
    at, action, state = event
    if at < datetime.fromisoformat(raw["started_at"]):
        return None  # an event before the clock started: only the history can place it
    if previous["stopped_at"]:
        return _entry(previous, previous["stopped_at"])  # stopped for good at its first end
    ends = action == _FINAL or action in raw["ends_on"]
    pauses = state in raw["pauses_in"]
    if previous["paused"]:
        # Still paused: nothing moves. Resuming or ending needs the time left, which only the
        # history knows (the stored entry keeps no remaining budget).
        return None if ends or not pauses else _entry(previous, None)
    if previous["due_at"] is None:
        return None
    if ends:
        # A running clock stopped now keeps the deadline it was running to.
        return _entry(previous, at.astimezone(UTC).isoformat())
    return None if pauses else _entry(previous, None)


def advance_deadlines(
    clocks: Mapping[str, Any], deadlines: Mapping[str, Any], event: tuple[datetime, str, str]
) -> Deadlines | None:
    """The deadlines after one more event, from the stored ones — or None to recompute.

    Equal to `compute_deadlines` over the whole history when `deadlines` were computed from
    that history with these `clocks`, and no event so far is later than `event` (the caller
    vouches for both). A running clock's deadline does not move while it keeps running (its
    budget is spent from the same start), and a stop keeps the deadline it ran to; pausing,
    resuming and stops while paused need the time left, so they return None.
    """
    (at, action, state), = _as_clock_events([event])
    result: dict[str, Any] = {}
    for name, raw in clocks.items():
        entry = _advanced_entry(raw, deadlines.get(name), (at, action, state))
        if entry is None:
            return None
        result[name] = entry
    return Deadlines(result, *_next_instants(result), *running_instants(result))


def _next_instants(entries: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """The earliest due and warning instants of running clocks the sweep still has to act on."""
    due: list[datetime] = []
    warn: list[datetime] = []
    for entry in entries.values():
        if entry["stopped_at"] or entry["paused"] or entry["overdue_noted"]:
            continue
        if entry["due_at"]:
            due.append(datetime.fromisoformat(entry["due_at"]))
        if entry["warning_at"] and not entry["warned"]:
            warn.append(datetime.fromisoformat(entry["warning_at"]))
    return min(due, default=None), min(warn, default=None)


def overdue_clocks(deadlines: Mapping[str, Any], now: datetime) -> list[str]:
    """Names of running clocks past due that the sweep has not yet dealt with."""
    return [
        name
        for name, entry in deadlines.items()
        if entry["due_at"]
        and not entry["stopped_at"]
        and not entry["paused"]
        and not entry["overdue_noted"]
        and datetime.fromisoformat(entry["due_at"]) <= now
    ]


def warning_clocks(deadlines: Mapping[str, Any], now: datetime) -> list[str]:
    """Names of running clocks past their warning point and not yet warned about."""
    return [
        name
        for name, entry in deadlines.items()
        if entry["warning_at"]
        and not entry["stopped_at"]
        and not entry["paused"]
        and not entry["warned"]
        and not entry["overdue_noted"]
        and datetime.fromisoformat(entry["warning_at"]) <= now
    ]
