"""Case classes: clocks, deadlines and event history computed once per class with the real rules.

A class is (layer, category, green channel, state, overdue, age bucket). Every case of a class
shares its clock start, its event offsets and therefore its stored clocks and deadlines JSON,
which the real `compute_deadlines` produced from that very history — so the sweep and the
services, recomputing them, agree with what the generator wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from caseflow.domain.deadlines import clocks_to_json, compute_deadlines
from caseflow.rules import RuleSet

# A Monday 09:00 in Beijing: every benchmark runs "as of" this instant.
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

# The actions a case took at its current layer to reach each state.
PATHS: dict[str, tuple[str, ...]] = {
    "submitted": (),
    "accepted": ("accept",),
    "in_progress": ("accept", "start"),
    "on_hold": ("accept", "start", "hold"),
    "deliberating": ("accept", "start", "deliberate"),
    "resolved": ("accept", "start", "resolve"),
    "deferred": ("accept", "start", "defer"),
    "closed": ("accept", "start", "resolve", "evaluate"),
    "withdrawn": ("withdraw",),
    "rejected": ("reject",),
}
# Share of all cases in each state; 73% open, the rest final.
STATE_WEIGHTS = {
    "submitted": 15, "accepted": 8, "in_progress": 30, "on_hold": 4, "deliberating": 3,
    "resolved": 8, "deferred": 2, "closed": 25, "withdrawn": 3, "rejected": 2,
}
# States whose running accept/resolve clock can be overdue; 10% of all cases are.
OVERDUE_STATES = ("submitted", "accepted", "in_progress")
OVERDUE_SHARE = 0.10
FINAL_STATES = ("closed", "withdrawn", "rejected")
# How long ago an open case entered its layer: the oldest bucket that is neither due nor
# warned is used, so that only the deliberately overdue 10% have anything for the sweep.
FRESH_AGES = (timedelta(days=2), timedelta(hours=4), timedelta(hours=1), timedelta(minutes=3))
OVERDUE_AGE = timedelta(days=45)
FINAL_AGES = (timedelta(days=30), timedelta(days=90), timedelta(days=180), timedelta(days=300))


def iso_sql(value: datetime | None) -> str | None:
    """A UTC time the way SQLAlchemy stores it in SQLite (naive text)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if value else None


@dataclass(frozen=True)
class CaseClass:
    """Everything the cases of one class share."""

    layer: str
    category: str
    priority: str
    green: bool
    state: str
    started_at: datetime
    clocks: str  # JSON
    deadlines: str  # JSON
    next_due_at: datetime | None
    next_warning_at: datetime | None
    overdue_from: datetime | None
    warning_from: datetime | None
    events: tuple[tuple[datetime, str, str, str], ...]  # at, action, from_state, to_state

    def at(self, action: str) -> datetime | None:
        """When this class's history took `action`, if it did."""
        return next((at for at, name, _, _ in self.events if name == action), None)


def _history(started: datetime, state: str,
             step: timedelta) -> list[tuple[datetime, str, str, str]]:
    events, current = [], "submitted"
    for n, action in enumerate(PATHS[state], start=1):
        events.append((started + step * n, action, current, _after(action, current)))
        current = events[-1][3]
    return events


def _after(action: str, state: str) -> str:
    return {
        "accept": "accepted", "start": "in_progress", "hold": "on_hold",
        "deliberate": "deliberating", "resolve": "resolved", "defer": "deferred",
        "evaluate": "closed", "withdraw": "withdrawn", "reject": "rejected",
    }.get(action, state)


@dataclass(frozen=True)
class Timing:
    """The part of a class that depends only on its clock specs, state and age."""

    started_at: datetime
    clocks: str
    deadlines: str
    next_due_at: datetime | None
    next_warning_at: datetime | None
    overdue_from: datetime | None
    warning_from: datetime | None
    events: tuple[tuple[datetime, str, str, str], ...]


def build_timing(rules: RuleSet, specs: tuple, state: str, overdue: bool, bucket: int) -> Timing:
    """Compute clocks and deadlines from a class's history with the real domain code."""
    if state in FINAL_STATES:
        ages: tuple[timedelta, ...] = (FINAL_AGES[bucket % len(FINAL_AGES)],)
    else:
        ages = (OVERDUE_AGE,) if overdue else FRESH_AGES
    for age in ages:
        started = NOW - age
        step = min(age / 10, timedelta(minutes=2))
        events = _history(started, state, step)
        clocks = clocks_to_json(specs, started)
        result = compute_deadlines(
            clocks, [(at, a, to) for at, a, _, to in events], NOW, rules.calendars,
            rules.warning_fraction,
        )
        fresh = all(t is None or t > NOW for t in (result.next_due_at, result.next_warning_at))
        if overdue or state in FINAL_STATES or fresh:
            break
    return Timing(started, json.dumps(clocks), json.dumps(result.clocks), result.next_due_at,
                  result.next_warning_at, result.overdue_from, result.warning_from,
                  tuple(events))


class Classes:
    """A lazy cache of case classes: thousands of classes, each computed once."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._cache: dict[tuple, CaseClass] = {}
        # Most categories share their layer's clocks: compute each distinct timing once.
        self._timings: dict[tuple, Timing] = {}

    def get(self, layer: str, category: str, green: bool, state: str, overdue: bool,
            bucket: int) -> CaseClass:
        """The class for this key, computed on first use."""
        key = (layer, category, green, state, overdue, bucket if state in FINAL_STATES else 0)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._build(*key)
        return found

    def _build(self, layer: str, category: str, green: bool, state: str, overdue: bool,
               bucket: int) -> CaseClass:
        priority = self.rules.categories[category].priority
        specs = self.rules.clocks_for(layer, category, priority, green)
        key = (specs, state, overdue, bucket)
        timing = self._timings.get(key)
        if timing is None:
            timing = self._timings[key] = build_timing(self.rules, *key)
        return CaseClass(layer, category, priority, green, state, timing.started_at,
                         timing.clocks, timing.deadlines, timing.next_due_at,
                         timing.next_warning_at, timing.overdue_from, timing.warning_from,
                         timing.events)
