"""grid.yaml (auto-assignment, follow-up calls, reminders) and the `people:` section of
notifications.yaml (the SMS / WeCom provider, quiet hours, who is told of what): validated
like every rules file (each problem with its file and line), read into frozen settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from caseflow.domain.durations import parse_duration
from caseflow.domain.grid import QuietHours, parse_clock_time, template_problems
from caseflow.rules.loader import FileCheck, LDict, RuleIssue, parse_yaml

ASSIGN_MODES = ("none", "building", "round_robin")
AUDIENCES = ("assignee", "unit", "liaison", "butler", "building_lead", "volunteer",
             "resident", "owner")
PROVIDERS = ("sms", "wecom")
METHODS = ("GET", "POST")
# Kinds a person can be told of: the outbox's, and the reminders of the grid.
NOTICE_KINDS = ("submitted", "assigned", "warning", "overdue", "escalated", "resolved",
                "evaluated_unsatisfied", "meeting_scheduled", "review_due", "task_warning",
                "task_overdue", "follow_up_due")


@dataclass(frozen=True)
class Provider:
    """Where messages to people go: a URL template with {to} and {text}."""

    kind: str = "sms"
    url_template: str = ""
    method: str = "POST"


@dataclass(frozen=True)
class GridSettings:
    """grid.yaml and notifications.yaml `people:` as one frozen value."""

    assign_mode: str = "none"
    follow_up_after: timedelta = timedelta(days=3)
    follow_up_rate: float = 1.0
    review_warning_before: timedelta = timedelta(days=3)
    task_warning_before: timedelta = timedelta(days=2)
    provider: Provider | None = None
    quiet: QuietHours | None = None
    urgent_priorities: frozenset[str] = frozenset({"urgent", "critical"})
    urgent_kinds: frozenset[str] = frozenset({"overdue"})
    tell: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scopes: Mapping[str, frozenset[str]] = field(default_factory=dict)  # audience → unit codes


def _duration(fc: FileCheck, body: LDict, key: str, default: timedelta) -> timedelta:
    if key not in body:
        return default
    try:
        return parse_duration(str(body[key])).as_timedelta()
    except ValueError as error:
        fc.issue(body.line_of(key), f"{key}: {error}")
        return default


def _section(fc: FileCheck, data: LDict, key: str, allowed: tuple[str, ...]) -> LDict:
    body = data.get(key)
    if body is None:
        return LDict()
    checked = fc.mapping(body, data.line_of(key), key)
    if checked is None:
        return LDict()
    fc.keys(checked, allowed, (), key)
    return checked


def check_grid(grid: Any, notifications: Any, issues: list[RuleIssue]) -> GridSettings:
    """The settings of both files, adding an issue (with its line) for each problem."""
    values: dict[str, Any] = {}
    if isinstance(grid, LDict):
        fc = FileCheck("grid.yaml", issues)
        fc.keys(grid, ("auto_assign", "follow_up", "reminders"), (), "grid.yaml")
        assign = _section(fc, grid, "auto_assign", ("mode",))
        mode = assign.get("mode", "none")
        if mode not in ASSIGN_MODES:
            fc.issue(assign.line_of("mode"), f"auto_assign.mode must be one of "
                     f"{', '.join(ASSIGN_MODES)}")
        else:
            values["assign_mode"] = mode
        follow = _section(fc, grid, "follow_up", ("after", "sample_rate"))
        values["follow_up_after"] = _duration(fc, follow, "after", timedelta(days=3))
        rate = follow.get("sample_rate", 1.0)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
            fc.issue(follow.line_of("sample_rate"), "follow_up.sample_rate must be a number "
                     "from 0 to 1 (the share of cases called)")
        else:
            values["follow_up_rate"] = float(rate)
        reminders = _section(fc, grid, "reminders",
                             ("review_warning_before", "task_warning_before"))
        for key in ("review_warning_before", "task_warning_before"):
            values[key] = _duration(fc, reminders, key, getattr(GridSettings, key))
    if isinstance(notifications, LDict) and notifications.get("people") is not None:
        _check_people(FileCheck("notifications.yaml", issues), notifications, values)
    return GridSettings(**values)


def _check_people(fc: FileCheck, data: LDict, values: dict[str, Any]) -> None:
    people = _section(fc, data, "people", ("provider", "quiet_hours", "urgent_priorities",
                                           "urgent_kinds", "tell", "scopes"))
    provider = _section(fc, people, "provider", ("kind", "url_template", "method"))
    if provider:
        kind, method = provider.get("kind", "sms"), str(provider.get("method", "POST")).upper()
        if kind not in PROVIDERS:
            fc.issue(provider.line_of("kind"), f"provider.kind must be one of "
                     f"{', '.join(PROVIDERS)}")
        if method not in METHODS:
            fc.issue(provider.line_of("method"), "provider.method must be GET or POST")
        template = str(provider.get("url_template") or "")
        for problem in template_problems(template):
            fc.issue(provider.line_of("url_template"), problem)
        values["provider"] = Provider(str(kind), template, method)
    quiet = _section(fc, people, "quiet_hours", ("from", "to", "zone"))
    if quiet:
        times: list[time] = []
        for key in ("from", "to"):
            try:
                times.append(parse_clock_time(quiet.get(key, "")))
            except ValueError as error:
                fc.issue(quiet.line_of(key), f"quiet_hours.{key}: {error}")
        if len(times) == 2:
            values["quiet"] = QuietHours(times[0], times[1],
                                         str(quiet.get("zone", "Asia/Shanghai")))
    for key in ("urgent_priorities", "urgent_kinds"):
        if key in people:
            if fc.typed(people[key], list, people.line_of(key), key):
                values[key] = frozenset(str(v) for v in people[key])
    tell = _section(fc, people, "tell", NOTICE_KINDS)
    values["tell"] = {kind: _audiences(fc, tell, kind) for kind in tell}
    scopes = _section(fc, people, "scopes", AUDIENCES)
    values["scopes"] = {a: frozenset(_codes(fc, scopes, a)) for a in scopes}


def _audiences(fc: FileCheck, tell: LDict, kind: str) -> tuple[str, ...]:
    listed = tell[kind]
    if not fc.typed(listed, list, tell.line_of(kind), f"tell.{kind}"):
        return ()
    for name in listed:
        if name not in AUDIENCES:
            fc.issue(tell.line_of(kind), f"tell.{kind}: unknown audience {name!r} "
                     f"(known: {', '.join(AUDIENCES)})")
    return tuple(name for name in listed if name in AUDIENCES)


def _codes(fc: FileCheck, scopes: LDict, audience: str) -> list[str]:
    listed = scopes[audience]
    if not fc.typed(listed, list, scopes.line_of(audience), f"scopes.{audience}"):
        return []
    return [str(code) for code in listed]


_CACHE: dict[str, GridSettings] = {}


def grid_settings(rules: Any) -> GridSettings:
    """The grid settings of a rule set (read once per version)."""
    found = _CACHE.get(rules.version)
    if found is None:
        # From the files' text (with lines), as validated when the version was built.
        files = rules.files
        parsed = {name: parse_yaml(name, files[name])[0] if name in files else None
                  for name in ("grid.yaml", "notifications.yaml")}
        found = check_grid(parsed["grid.yaml"], parsed["notifications.yaml"], [])
        _CACHE[rules.version] = found
    return found
