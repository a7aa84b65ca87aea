"""meetings.yaml `joint:` — joint meetings on a rhythm and what makes a case hard for them.

    joint:
      plan_ahead: 7 days          # a series' next sitting is planned this long before it
      hard_cases:
        open_longer_than: 30 days
        problem_cases: true       # problem cases (问题件) and cases overdue now
        escalated_above: complex  # cases held above this layer
        repeat_complaints: {min_cases: 3, within: 90 days}
        limit: 30                 # at most this many cases on one agenda
      hotspot: true               # the area's most reported category of the month (每月一题)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from caseflow.domain.durations import parse_duration
from caseflow.domain.rhythm import HardCaseRules
from caseflow.rules.loader import FileCheck, LDict, RuleIssue

DEFAULTS: Mapping[str, Any] = {
    "plan_ahead": "7 days",
    "hard_cases": {
        "open_longer_than": "30 days",
        "problem_cases": True,
        "escalated_above": "complex",
        "repeat_complaints": {"min_cases": 3, "within": "90 days"},
        "limit": 30,
    },
    "hotspot": True,
}
_HARD_KEYS = ("open_longer_than", "problem_cases", "escalated_above", "repeat_complaints",
              "limit")


def _wall(text: str) -> timedelta:
    return parse_duration(text).as_timedelta()


def joint_section(meetings: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `joint` section with its defaults filled in."""
    given = meetings.get("joint") or {}
    hard = {**DEFAULTS["hard_cases"], **(given.get("hard_cases") or {})}
    return {**DEFAULTS, **given, "hard_cases": hard}


def plan_ahead(meetings: Mapping[str, Any]) -> timedelta:
    """How long before a sitting its meeting (and agenda) is planned."""
    return _wall(str(joint_section(meetings)["plan_ahead"]))


def hard_case_rules(meetings: Mapping[str, Any]) -> HardCaseRules:
    """The hard-case criteria of a validated meetings.yaml."""
    hard = joint_section(meetings)["hard_cases"]
    repeat = hard.get("repeat_complaints") or {}
    return HardCaseRules(
        open_longer_than=_wall(str(hard["open_longer_than"])),
        problem_cases=bool(hard["problem_cases"]),
        escalated_above=hard.get("escalated_above") or None,
        repeat_min_cases=int(repeat.get("min_cases") or 0),
        repeat_within=_wall(str(repeat.get("within") or "90 days")),
        limit=int(hard["limit"]),
    )


def check_joint(meetings: Any, layers: tuple[str, ...] | None, issues: list[RuleIssue]) -> None:
    """Report, with its line, every malformed entry of meetings.yaml's `joint` section."""
    if not isinstance(meetings, LDict) or "joint" not in meetings:
        return
    fc = FileCheck("meetings.yaml", issues)
    joint = fc.mapping(meetings["joint"], meetings.line_of("joint"), "joint")
    if joint is None:
        return
    fc.keys(joint, ("plan_ahead", "hard_cases", "hotspot"), (), "joint")
    if "plan_ahead" in joint:
        _wall_duration(fc, joint["plan_ahead"], joint.line_of("plan_ahead"), "joint.plan_ahead")
    fc.get(joint, "hotspot", bool, "joint")
    hard = fc.mapping(joint.get("hard_cases", LDict()), joint.line_of("hard_cases"),
                      "joint.hard_cases")
    if hard is None:
        return
    fc.keys(hard, _HARD_KEYS, (), "joint.hard_cases")
    if "open_longer_than" in hard:
        _wall_duration(fc, hard["open_longer_than"], hard.line_of("open_longer_than"),
                       "joint.hard_cases.open_longer_than")
    fc.get(hard, "problem_cases", bool, "joint.hard_cases")
    limit = fc.get(hard, "limit", int, "joint.hard_cases")
    if limit is not None and limit < 1:
        fc.issue(hard.line_of("limit"), "joint.hard_cases.limit must be at least 1")
    if "escalated_above" in hard and fc.typed(hard["escalated_above"], str,
                                              hard.line_of("escalated_above"),
                                              "joint.hard_cases.escalated_above"):
        fc.ref(hard["escalated_above"], layers, hard.line_of("escalated_above"), "layer")
    _check_repeat(fc, hard)


def _wall_duration(fc: FileCheck, value: Any, line: int, what: str) -> None:
    """A wall-clock duration: ages of cases are counted in days, not working time."""
    duration = fc.duration(value, line, what)
    if duration is not None and duration.working:
        fc.issue(line, f"{what} must be wall-clock time such as \"30 days\", not working time")


def _check_repeat(fc: FileCheck, hard: LDict) -> None:
    if "repeat_complaints" not in hard:
        return
    repeat = fc.mapping(hard["repeat_complaints"], hard.line_of("repeat_complaints"),
                        "joint.hard_cases.repeat_complaints")
    if repeat is None:
        return
    what = "joint.hard_cases.repeat_complaints"
    fc.keys(repeat, ("min_cases", "within"), ("min_cases", "within"), what)
    count = fc.get(repeat, "min_cases", int, what)
    if count is not None and count < 2:
        fc.issue(repeat.line_of("min_cases"), f"{what}.min_cases must be at least 2")
    if "within" in repeat:
        _wall_duration(fc, repeat["within"], repeat.line_of("within"), f"{what}.within")
