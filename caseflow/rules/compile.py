"""Validate-and-compile the richer files: deadlines.yaml, routing.yaml and escalation.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from caseflow.domain.clocks import ClockSpec
from caseflow.domain.conditions import compile_condition, is_unconditional
from caseflow.domain.durations import Duration, parse_duration
from caseflow.domain.overlap import RuleShape, analyse, shape
from caseflow.domain.routing import CATEGORY_LAYER, RoutingRule
from caseflow.rules.loader import FileCheck, LDict, RuleIssue, empty_mapping
from caseflow.rules.ruleset import (
    ClockOverride,
    DeadlineTable,
    EscalationPolicy,
    Settings,
    SkipRule,
)
from caseflow.rules.validate import ACTIONS, STATES, Refs, check_condition

PAUSES = frozenset({"on_hold", "deferred"})
_TERMINAL = frozenset({"withdraw", "merge", "reject", "close"})
# What the shorthand `name: <duration>` means for the clocks every practice has. Moving actions
# (escalate, return, reroute) are not listed: a move replaces the clocks with fresh ones, and the
# moving event must not stop the new layer's clocks it starts.
SHORTHAND_ENDS = {
    "accept": frozenset({"accept"}) | _TERMINAL,
    "resolve": frozenset({"resolve"}) | _TERMINAL,
    "meeting": frozenset({"record_decision"}) | _TERMINAL,
}
OVERDUE_ACTIONS = ("escalate", "warn_only", "supervise")
ESCALATION_REASONS = ("overdue", "unsatisfied", "reopened", "problem_case", "mediation_failed",
                      "manual")


def default_pauses(ends_on: frozenset[str]) -> frozenset[str]:
    """on_hold and deferred pause every clock; deliberating also pauses resolve-type clocks."""
    return PAUSES | {"deliberating"} if "resolve" in ends_on else PAUSES


def _templates(data: LDict) -> dict[str, ClockSpec]:
    """Clock names whose ends_on is known: the shorthand ones plus any full form in the file."""
    out = {n: ClockSpec(n, Duration(1, "days"), e, default_pauses(e))
           for n, e in SHORTHAND_ENDS.items()}
    bodies = [c for layer in (data.get("layers") or {}).values() if isinstance(layer, dict)
              for c in layer.items()]
    bodies += [c for o in (data.get("overrides") or []) if isinstance(o, dict)
               and isinstance(o.get("clocks"), dict) for c in o["clocks"].items()]
    for name, body in bodies:
        if isinstance(name, str) and name not in out and isinstance(body, dict) \
                and isinstance(body.get("ends_on"), list):
            ends = frozenset(a for a in body["ends_on"] if isinstance(a, str))
            pauses = body.get("pauses_in")
            pauses = frozenset(pauses) if isinstance(pauses, list) else default_pauses(ends)
            out[name] = ClockSpec(name, Duration(1, "days"), ends, pauses)
    return out


def _clock(fc: FileCheck, name: Any, body: Any, line: int, templates: Mapping[str, ClockSpec]
           ) -> ClockSpec | None:
    if not fc.ident(name, line, "clock name"):
        return None
    if isinstance(body, str | int) and not isinstance(body, bool):
        within = fc.duration(body, line, f"clock {name!r}")
        if name not in templates:
            fc.issue(line, f"clock {name!r} needs the full form {{within, ends_on}} "
                           "(only accept, resolve and meeting have defaults)")
            return None
        base = templates[name]
        return ClockSpec(name, within, base.ends_on, base.pauses_in) if within else None
    m = fc.mapping(body, line, f"clock {name!r}")
    if m is None:
        return None
    fc.keys(m, ["within", "ends_on", "pauses_in", "calendar"],
            ["within"] + ([] if name in templates else ["ends_on"]), f"clock {name!r}")
    within = fc.duration(m["within"], m.line_of("within"), f"clock {name!r}") \
        if "within" in m else None
    ends = frozenset(fc.names(m, "ends_on", ACTIONS, "action")) if "ends_on" in m \
        else templates[name].ends_on if name in templates else frozenset()
    if "ends_on" in m and not ends:
        fc.issue(m.line_of("ends_on"), f"clock {name!r}: ends_on needs at least one action")
    pauses = frozenset(fc.names(m, "pauses_in", STATES, "state")) if "pauses_in" in m \
        else default_pauses(ends)
    calendar = fc.ident(m["calendar"], m.line_of("calendar"), f"clock {name!r} calendar") \
        if "calendar" in m else None
    return ClockSpec(name, within, ends, pauses, calendar) if within and ends else None


def _clock_map(fc: FileCheck, value: Any, line: int, what: str,
               templates: Mapping[str, ClockSpec]) -> dict[str, ClockSpec]:
    m = fc.mapping(value, line, what) or empty_mapping(line)
    clocks = (_clock(fc, n, b, m.line_of(n), templates) for n, b in m.items())
    return {spec.name: spec for spec in clocks if spec is not None}


def build_deadlines(fc: FileCheck, data: LDict, refs: Refs) -> DeadlineTable:
    """deadlines.yaml: per-layer clocks, ordered overrides, green-channel factor, meeting."""
    fc.keys(data, ["warning_at", "layers", "overrides", "green_channel", "meeting",
                   "departments"], ["layers"], "deadlines.yaml")
    templates = _templates(data)
    warning = _fraction(fc, data, "warning_at", 0.8, upper_ok=False)
    layers: dict[str, Mapping[str, ClockSpec]] = {}
    table = fc.mapping(data["layers"], data.line_of("layers"), "layers") if "layers" in data \
        else None
    for lid in table or empty_mapping():
        assert table is not None  # noqa: S101 (type narrowing: the loop runs only on a table)
        if fc.ref(lid, refs.layers, table.line_of(lid), "layer"):
            clocks = _clock_map(fc, table[lid], table.line_of(lid), f"layer {lid!r}", templates)
            for needed in ("accept", "resolve"):
                if needed not in clocks and isinstance(table[lid], dict) \
                        and needed not in table[lid]:
                    fc.issue(table.line_of(lid), f"layer {lid!r} has no {needed!r} clock")
            layers[lid] = MappingProxyType(clocks)
    for lid in refs.layers or () if table is not None else ():
        if lid not in layers and table is not None:
            fc.issue(table.line, f"layer {lid!r} has no clocks")
    overrides = tuple(_override(fc, item, line, refs, templates) for line, item in
                      fc.items(data["overrides"], data.line_of("overrides"), "overrides")
                      ) if "overrides" in data else ()
    green = fc.mapping(data["green_channel"], data.line_of("green_channel"), "green_channel") \
        if "green_channel" in data else None
    if green is not None:
        fc.keys(green, ["factor"], ["factor"], "green_channel")
    factor = _fraction(fc, green, "factor", 0.5, upper_ok=True) if green else 0.5
    meeting = _clock(fc, "meeting", data.get("meeting", "15 days"), data.line_of("meeting"),
                     templates)
    return DeadlineTable(warning, MappingProxyType(layers), tuple(o for o in overrides if o),
                         factor, meeting or templates["meeting"], MappingProxyType(templates),
                         _department_clocks(fc, data))


DEPARTMENT_CLOCKS = {"accept": "1 working day", "resolve": "10 working days"}


def _department_clocks(fc: FileCheck, data: LDict) -> Mapping[str, Duration]:
    """deadlines.yaml `departments`: a dispatch's own accept and resolve clocks (部门解题)."""
    found = fc.mapping(data["departments"], data.line_of("departments"), "departments") \
        if "departments" in data else None
    if found is not None:
        fc.keys(found, list(DEPARTMENT_CLOCKS), [], "departments")
    clocks = {}
    for name, default in DEPARTMENT_CLOCKS.items():
        raw = found.get(name, default) if found is not None else default
        line = found.line_of(name) if found is not None and name in found else data.line
        clocks[name] = fc.duration(raw, line, f"departments.{name}") or parse_duration(default)
    return MappingProxyType(clocks)


def _fraction(fc: FileCheck, m: LDict, key: str, default: float, upper_ok: bool) -> float:
    value = fc.get(m, key, (int, float), "deadlines", default)
    if not (0 < value < 1 or (upper_ok and value == 1)):
        fc.issue(m.line_of(key), f"{key} must be between 0 and 1, not {value!r}")
        return default
    return float(value)


def _override(fc: FileCheck, item: Any, line: int, refs: Refs,
              templates: Mapping[str, ClockSpec]) -> ClockOverride | None:
    m = fc.mapping(item, line, "an override")
    if m is None:
        return None
    fc.keys(m, ["match", "clocks", "description"], ["match", "clocks"], "override")
    match = (fc.mapping(m["match"], m.line_of("match"), "match") if "match" in m else None) \
        or empty_mapping()
    crit: dict[str, Any] = {}
    known = {"category": refs.categories, "priority": refs.priorities, "layer": refs.layers}
    for key, value in match.items():
        kline = match.line_of(key)
        if key == "green_channel":
            if fc.typed(value, bool, kline, "match.green_channel"):
                crit[key] = value
        elif key in known:
            if fc.typed(value, str, kline, f"match.{key}") and fc.ref(value, known[key], kline,
                                                                      key):
                crit[key] = value
        else:
            fc.issue(kline, f"unknown key {key!r} in match (expected: category, green_channel, "
                            "layer, priority)")
    clocks = _clock_map(fc, m.get("clocks"), m.line_of("clocks"), "clocks", templates)
    return ClockOverride(MappingProxyType(clocks), line=line, **crit)


def build_routing(fc: FileCheck, data: LDict, refs: Refs) -> tuple[RoutingRule, ...]:
    """routing.yaml: ordered first-match rules, with the unreachable and overlap checks."""
    fc.keys(data, ["rules", "hit_policy"], ["rules"], "routing.yaml")
    policy = data.get("hit_policy", "first")
    _one_of(fc, policy, HIT_POLICIES, data.line_of("hit_policy"))
    rules: list[RoutingRule] = []
    shapes: list[RuleShape] = []
    seen: dict[str, int] = {}
    catch_all: tuple[str, int] | None = None
    for line, item in fc.items(data.get("rules", []), data.line_of("rules"), "rules"):
        m = fc.mapping(item, line, "a routing rule")
        if m is None:
            continue
        fc.keys(m, ["id", "description", "when", "then"], ["id"], "routing rule")
        rid = fc.ident(m.get("id"), m.line_of("id"), "rule id") if "id" in m else None
        if rid in seen:
            fc.issue(m.line_of("id"), f"duplicate rule id {rid!r} (first at line {seen[rid]})")
        if catch_all:
            fc.issue(line, f"unreachable: rule {catch_all[0]!r} at line {catch_all[1]} always "
                           f"matches first (rule {rid or '?'!r} can never match)")
        before = len(fc.issues)
        when = m.get("when")
        check_condition(fc, when, m.line_of("when"), refs)
        then = _then(fc, m, refs)
        if rid and rid not in seen:
            seen[rid] = line
            if len(fc.issues) == before and then is not None:
                rules.append(RoutingRule(rid, compile_condition(when), line=line, **then))
                shapes.append(shape(rid, line, when, _result(then), refs.category_parents or {}))
        if is_unconditional(when) and catch_all is None:
            catch_all = (rid or "?", line)
    _report_overlaps(fc, shapes, policy == "unique", refs)
    return tuple(rules)


HIT_POLICIES = ("first", "unique")


def _result(then: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a rule decides, comparable between rules (tags in any order)."""
    return (then["start_layer"], then["role"], then["green_channel"], frozenset(then["tags"]),
            then["priority"], tuple(sorted((k, str(v)) for k, v in
                                           then["clock_overrides"].items())),
            then["department"])


def _report_overlaps(fc: FileCheck, shapes: list[RuleShape], unique: bool, refs: Refs) -> None:
    """Shadowed rules are errors; overlaps are warnings, or errors under `hit_policy: unique`."""
    for found in analyse(shapes, unique=unique):
        rule, where = found.rule, f"{fc.file}:{found.rule.line}"
        others = ", ".join(f"{r.id!r} ({fc.file}:{r.line})" for r in found.earlier)
        if found.kind == "shadowed":
            fc.issue(rule.line, f"shadowed: rule {rule.id!r} ({where}) can never match, every "
                                f"case it matches is taken first by {others}")
            continue
        on = f" on {', '.join(found.fields)}" if found.fields else ""
        if unique:
            fc.issue(rule.line, f"overlap under hit_policy unique: rule {rule.id!r} ({where}) "
                                f"and {others} may both match{on}")
        else:
            refs.warnings.append(RuleIssue(
                fc.file, rule.line, f"overlap: rule {rule.id!r} ({where}) and {others} may both "
                                    f"match{on} with different results; the earlier one wins"))


def _empty(near: LDict) -> LDict:
    """An empty mapping standing in for an absent section, located at its parent."""
    out = LDict()
    out.line, out.key_lines = near.line, {}
    return out


def _then(fc: FileCheck, rule: LDict, refs: Refs) -> dict[str, Any] | None:
    m = fc.mapping(rule["then"], rule.line_of("then"), "then") if "then" in rule else _empty(rule)
    if m is None:
        return None
    fc.keys(m, ["start_layer", "role", "green_channel", "tags", "deadlines", "priority",
                "department"], [], "then")
    out: dict[str, Any] = {"start_layer": fc.get(m, "start_layer", str, "then", CATEGORY_LAYER)}
    if out["start_layer"] != CATEGORY_LAYER:
        fc.ref(out["start_layer"], refs.layers, m.line_of("start_layer"), "layer")
    out["role"] = fc.get(m, "role", str, "then", "caseworker")
    fc.ref(out["role"], refs.roles, m.line_of("role"), "role")
    out["green_channel"] = fc.get(m, "green_channel", bool, "then", False)
    out["tags"] = tuple(t for line, t in fc.items(m.get("tags", []), m.line_of("tags"), "tags")
                        if fc.typed(t, str, line, "tag"))
    out["priority"] = fc.get(m, "priority", str, "then", None)
    if out["priority"] is not None:
        fc.ref(out["priority"], refs.priorities, m.line_of("priority"), "priority")
    deadlines = (fc.mapping(m["deadlines"], m.line_of("deadlines"), "then.deadlines")
                 if "deadlines" in m else None) or empty_mapping()
    overrides: dict[str, Duration | None] = {}
    for name, text in deadlines.items():
        dline = deadlines.line_of(name)
        if fc.ref(name, refs.clocks, dline, "clock"):
            overrides[name] = fc.duration(text, dline, f"deadline {name!r}")
    out["clock_overrides"] = MappingProxyType({k: v for k, v in overrides.items() if v})
    out["department"] = _department(fc, m)
    return out


def _department(fc: FileCheck, then: LDict) -> str | None:
    """`then.department`: the code of a unit of kind department (units live in the database,
    so the code's shape is checked here and its existence when a case is routed)."""
    code: str | None = fc.get(then, "department", str, "then", None)
    if code is not None and not code.strip():
        fc.issue(then.line_of("department"), "department must name a department's unit code")
        return None
    return code


def build_escalation(fc: FileCheck, data: LDict, refs: Refs) -> tuple[EscalationPolicy, Settings]:
    """escalation.yaml: what overdue clocks do, thresholds, layer skips and settings."""
    fc.keys(data, ["on_overdue", "default_on_overdue", "unsatisfied_before_escalation",
                   "reopens_before_escalation", "problem_case_after_handlings", "skip",
                   "top_layer_action", "settings"], ["on_overdue"], "escalation.yaml")
    table = (fc.mapping(data["on_overdue"], data.line_of("on_overdue"), "on_overdue")
             if "on_overdue" in data else None) or empty_mapping()
    on_overdue = {}
    for clock, action in table.items():
        line = table.line_of(clock)
        if fc.ref(clock, refs.clocks, line, "clock") and _one_of(fc, action, OVERDUE_ACTIONS, line):
            on_overdue[clock] = action
    default = data.get("default_on_overdue", "warn_only")
    _one_of(fc, default, OVERDUE_ACTIONS, data.line_of("default_on_overdue"))
    top = data.get("top_layer_action", "supervise")
    _one_of(fc, top, ("supervise", "warn_only"), data.line_of("top_layer_action"))
    counts = {key: _count(fc, data, key, dflt) for key, dflt in (
        ("unsatisfied_before_escalation", 2), ("reopens_before_escalation", 1),
        ("problem_case_after_handlings", 3))}
    skips = tuple(s for line, item in fc.items(data.get("skip", []), data.line_of("skip"), "skip")
                  if (s := _skip(fc, item, line, refs)) is not None)
    policy = EscalationPolicy(MappingProxyType(on_overdue), default, top_layer_action=top,
                              skips=skips, **counts)
    return policy, _settings(fc, data, counts["problem_case_after_handlings"])


def _one_of(fc: FileCheck, value: Any, allowed: tuple[str, ...], line: int) -> bool:
    if value in allowed:
        return True
    fc.issue(line, f"{value!r} must be one of: {', '.join(allowed)}")
    return False


def _count(fc: FileCheck, data: LDict, key: str, default: int) -> int:
    value: int = fc.get(data, key, int, "escalation", default)
    if value < 0 or (value == 0 and key != "reopens_before_escalation"):
        fc.issue(data.line_of(key), f"{key} must be a positive whole number, not {value}")
        return default
    return value


def _skip(fc: FileCheck, item: Any, line: int, refs: Refs) -> SkipRule | None:
    m = fc.mapping(item, line, "a skip rule")
    if m is None:
        return None
    fc.keys(m, ["id", "description", "when", "from", "to", "reasons"], ["from", "to"], "skip")
    before = len(fc.issues)
    check_condition(fc, m.get("when"), m.line_of("when"), refs)
    ends = [fc.get(m, k, str, "skip") for k in ("from", "to")]
    for key, value in zip(("from", "to"), ends, strict=True):
        if value is not None:
            fc.ref(value, refs.layers, m.line_of(key), "layer")
    reasons = frozenset(fc.names(m, "reasons", ESCALATION_REASONS, "reason")) \
        if "reasons" in m else None
    layers = refs.layers or ()
    if len(fc.issues) == before and all(ends) and refs.layers is not None:
        if layers.index(ends[1]) <= layers.index(ends[0]):
            fc.issue(m.line_of("to"), f"skip must climb: {ends[1]!r} is not above {ends[0]!r}")
    if len(fc.issues) != before or not all(ends):
        return None
    return SkipRule(ends[0], ends[1], compile_condition(m.get("when")), reasons, line)


def _settings(fc: FileCheck, data: LDict, problem_threshold: int) -> Settings:
    m = fc.mapping(data["settings"], data.line_of("settings"), "settings") \
        if "settings" in data else None
    values: dict[str, Any] = {"problem_case_threshold": problem_threshold}
    keys = ("auto_close_after", "reopen_window", "duplicate_window")
    if m is not None:
        fc.keys(m, keys, [], "settings")
        for key in keys:
            if key in m and (d := fc.duration(m[key], m.line_of(key), key)) is not None:
                values[key] = d
    return Settings(**values)
