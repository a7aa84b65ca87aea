"""Rules: load a directory of YAML files, validate it with file:line issues, compile it.

Public API: `load_rules(directory)`, `load_rules_from_texts({filename: text})` (both raise
`RulesInvalid` with every issue; nothing partial is ever returned) and `check_rules(source)`
(the issues only). The pipeline lives here because it ties every other module together.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from caseflow.domain.errors import RulesInvalid
from caseflow.domain.routing import RouteDecision, TraceStep
from caseflow.rules.calendar_check import (
    build_calendars,
    calendar_names,
    check_clock_calendars,
)
from caseflow.rules.compile import build_deadlines, build_escalation, build_routing
from caseflow.rules.grid_check import check_grid
from caseflow.rules.joint import check_joint
from caseflow.rules.loader import (
    KNOWN_FILES,
    OPTIONAL_FILES,
    REQUIRED_FILES,
    FileCheck,
    LDict,
    RuleIssue,
    as_texts,
    parse_yaml,
)
from caseflow.rules.meetings_check import check_meetings_and_voting
from caseflow.rules.reporting_check import check_ratings_and_ranking
from caseflow.rules.ruleset import (
    ClockOverride,
    DeadlineTable,
    EscalationPolicy,
    RuleSet,
    Settings,
    SkipRule,
    content_version,
)
from caseflow.rules.validate import (
    Category,
    Layer,
    Refs,
    build_categories,
    build_layers,
    build_roles,
    freeze,
)

__all__ = [
    "Category", "ClockOverride", "DeadlineTable", "EscalationPolicy", "KNOWN_FILES", "Layer",
    "OPTIONAL_FILES", "REQUIRED_FILES", "RouteDecision", "RuleIssue", "RuleSet", "RulesInvalid",
    "Settings", "SkipRule", "TraceStep", "check_rules", "check_rules_with_warnings",
    "content_version", "load_rules", "load_rules_from_texts",
]


def load_rules(directory: str | os.PathLike[str]) -> RuleSet:
    """Load, validate and compile every `*.yaml` in a directory."""
    return load_rules_from_texts(as_texts(directory))


def load_rules_from_texts(files: Mapping[str, str]) -> RuleSet:
    """Validate and compile {filename: text}; raise RulesInvalid with every issue."""
    ruleset, issues, _warnings = _build(dict(files))
    if issues or ruleset is None:
        raise RulesInvalid(issues or [RuleIssue("-", 0, "rules could not be compiled")])
    return ruleset


def check_rules(source: str | os.PathLike[str] | Mapping[str, str]) -> list[RuleIssue]:
    """Every issue in a rules directory or {filename: text} mapping ([] when valid)."""
    try:
        texts = as_texts(source)
    except RulesInvalid as error:  # undecodable files: nothing more can be read
        return list(error.issues)
    return _build(texts)[1]


def check_rules_with_warnings(
    source: str | os.PathLike[str] | Mapping[str, str],
) -> tuple[list[RuleIssue], list[RuleIssue]]:
    """(errors, warnings): warnings (e.g. overlapping routing rules) never block activation."""
    _, issues, warnings = _build(as_texts(source))
    return issues, sorted(warnings, key=_issue_order)


def _parse_all(files: dict[str, str], issues: list[RuleIssue]) -> dict[str, LDict | None]:
    """Parse each known file; unknown or missing files and non-mapping tops are issues."""
    parsed: dict[str, LDict | None] = {}
    for name in sorted(files):
        if name not in KNOWN_FILES:
            issues.append(RuleIssue(name, 0, "unknown rules file (expected one of: "
                                              f"{', '.join(KNOWN_FILES)})"))
    for name in KNOWN_FILES:
        if name not in files:
            if name in REQUIRED_FILES:
                issues.append(RuleIssue(name, 0, "required rules file is missing"))
            continue
        data, found = parse_yaml(name, files[name])
        issues.extend(found)
        if found and data is None:
            parsed[name] = None
        elif not isinstance(data, LDict):
            issues.append(RuleIssue(name, getattr(data, "line", 1),
                                    "the file must contain a mapping (key: value) at the top"))
            parsed[name] = None
        else:
            parsed[name] = data
    return parsed


def _build(files: dict[str, str]) -> tuple[RuleSet | None, list[RuleIssue], list[RuleIssue]]:
    issues: list[RuleIssue] = []
    parsed = _parse_all(files, issues)
    refs = Refs()
    out: dict[str, Any] = {}

    def run(name: str, builder: Any, *args: Any) -> Any:
        data = parsed.get(name)
        return builder(FileCheck(name, issues), data, *args) if data is not None else None

    out["layers"] = run("layers.yaml", build_layers) or None
    refs.layers = tuple(layer.id for layer in out["layers"]) if out["layers"] else None
    cats = run("categories.yaml", build_categories, refs)
    refs.categories = frozenset(c.id for c in cats) if cats is not None else None
    roles = run("roles.yaml", build_roles)
    refs.roles = frozenset(roles[0]) if roles else None
    book = run("calendar.yaml", build_calendars)
    out["calendar"] = book.default if book is not None else None
    out["deadlines"] = run("deadlines.yaml", build_deadlines, refs)
    if parsed.get("deadlines.yaml") is not None:
        check_clock_calendars(FileCheck("deadlines.yaml", issues), parsed["deadlines.yaml"],
                              calendar_names(parsed.get("calendar.yaml")))
    if out["deadlines"] is not None:
        refs.clocks = frozenset(out["deadlines"].templates)
    out["routing"] = run("routing.yaml", build_routing, refs)
    esc = run("escalation.yaml", build_escalation, refs)
    extras = {name[:-5]: freeze(parsed[name]) for name in OPTIONAL_FILES if parsed.get(name)}
    _check_meetings(parsed.get("meetings.yaml"), issues)
    check_joint(parsed.get("meetings.yaml"), refs.layers, issues)
    check_meetings_and_voting(parsed.get("meetings.yaml"), parsed.get("voting.yaml"), issues)
    check_ratings_and_ranking(parsed.get("ratings.yaml"), parsed.get("ranking.yaml"), issues)
    check_grid(parsed.get("grid.yaml"), parsed.get("notifications.yaml"), issues)
    if issues or None in (cats, roles, esc, *out.values()):
        return None, sorted(issues, key=_issue_order), refs.warnings
    return RuleSet(
        version=content_version(files), files=MappingProxyType(dict(files)),
        layers=out["layers"], categories=MappingProxyType({c.id: c for c in cats}),
        priorities=refs.priorities, natures=refs.natures,
        roles=freeze(roles[0]), grants=roles[1], routing=out["routing"],
        deadlines=out["deadlines"], escalation=esc[0], settings=esc[1],
        calendar=out["calendar"], extras=MappingProxyType(extras), calendars=book,
    ), [], refs.warnings


def _issue_order(issue: RuleIssue) -> tuple[int, str, int]:
    order = KNOWN_FILES.index(issue.file) if issue.file in KNOWN_FILES else len(KNOWN_FILES)
    return order, issue.file, issue.line


def _check_meetings(data: LDict | None, issues: list[RuleIssue]) -> None:
    """meetings.yaml is another team's; only the per-kind `clock` is read here, so check it."""
    kinds = data.get("kinds") if data is not None else None
    if not isinstance(kinds, dict):
        return
    fc = FileCheck("meetings.yaml", issues)
    for kind, body in kinds.items():
        if isinstance(body, LDict) and "clock" in body:
            fc.duration(body["clock"], body.line_of("clock"), f"meeting kind {kind!r} clock")
