"""First-match routing over compiled rules: which layer and role handle a new case first.

Everything that does not depend on the facts is computed when the `Router` is built: for
each rule the whole `RouteDecision` of the fast path is prebuilt (per category when the
rule defers to the category's start layer), and the rules' conditions are compiled into one
generated function that answers the index of the first rule matching, so `route(facts)` is
one call and one or two tuple and dictionary lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from caseflow.domain.conditions import Condition
from caseflow.domain.durations import Duration
from caseflow.domain.predicates import CompileErrors, first_match

CATEGORY_LAYER = "$category"  # start_layer placeholder: the category's own start layer
FALLBACK_RULE_ID = "$default"  # decision used when no rule matches
_EMPTY: Mapping[str, Duration] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One routing rule tried, and why it did or did not match."""

    rule_id: str
    matched: bool
    reason: str


def trace_lines(trace: Sequence[TraceStep]) -> list[str]:
    """The trace as shown everywhere (CLI, API, rules page): one line per rule tried."""
    return [f"{'✔' if step.matched else '✘'} {step.rule_id}: {step.reason}" for step in trace]


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Where a new case starts, with what role, channel, tags, clock overrides and priority."""

    rule_id: str
    start_layer: str
    role: str
    green_channel: bool
    tags: tuple[str, ...]
    clock_overrides: Mapping[str, Duration]
    priority: str | None
    trace: tuple[TraceStep, ...]
    # 部门解题: a functional department (unit code) the case is dispatched to at once.
    department: str | None = None


@dataclass(frozen=True, slots=True)
class RoutingRule:
    """A compiled routing rule; `start_layer` may be CATEGORY_LAYER."""

    id: str
    condition: Condition
    start_layer: str
    role: str = "caseworker"
    green_channel: bool = False
    tags: tuple[str, ...] = ()
    clock_overrides: Mapping[str, Duration] = field(default_factory=lambda: _EMPTY)
    priority: str | None = None
    line: int = 0
    department: str | None = None


class Router:
    """Evaluates routing rules in order; the first that matches decides."""

    __slots__ = ("_rules", "_steps", "_by_category", "_fallback", "_fallback_layer", "_first")

    def __init__(
        self,
        rules: Sequence[RoutingRule],
        category_layers: Mapping[str, str],
        fallback_layer: str,
        default_role: str = "caseworker",
    ) -> None:
        self._rules = tuple(rules)
        self._fallback_layer = fallback_layer
        self._by_category = dict(category_layers)
        fallback_rule = RoutingRule(FALLBACK_RULE_ID, _never(), CATEGORY_LAYER, default_role)
        self._fallback = self._prebuild(fallback_rule, "no rule matched")
        # (fixed decision or None, per-category decisions, default decision); the last
        # entry is the fallback, so index -1 (no rule matched) needs no branch.
        self._steps = (*(self._prebuild(r, "matched") for r in self._rules), self._fallback)
        self._first = _first_match(self._rules)

    @property
    def rules(self) -> tuple[RoutingRule, ...]:
        """The compiled rules, in evaluation order."""
        return self._rules

    def _prebuild(
        self, rule: RoutingRule, reason: str
    ) -> tuple[RouteDecision | None, dict[str, RouteDecision], RouteDecision]:
        trace = (TraceStep(rule.id, True, reason),)
        if rule.start_layer != CATEGORY_LAYER:
            fixed = _decision(rule, rule.start_layer, trace)
            return fixed, {}, fixed
        per_category = {c: _decision(rule, layer, trace) for c, layer in self._by_category.items()}
        return None, per_category, _decision(rule, self._fallback_layer, trace)

    def route(self, facts: Mapping[str, Any], explain: bool = False) -> RouteDecision:
        """The decision of the first matching rule; `explain` records every rule tried."""
        if explain:
            return self._route_explained(facts)
        fixed, per_category, default = self._steps[self._first(facts)]
        if fixed is not None:
            return fixed
        return per_category.get(str(facts.get("category")), default)

    def _route_explained(self, facts: Mapping[str, Any]) -> RouteDecision:
        steps: list[TraceStep] = []
        for rule, (fixed, per_category, default) in zip(self._rules, self._steps, strict=False):
            matched, reason = rule.condition.explain(facts)
            steps.append(TraceStep(rule.id, matched, reason))
            if matched:
                chosen = fixed or per_category.get(str(facts.get("category")), default)
                return replace(chosen, trace=tuple(steps))
        _, per_category, default = self._fallback
        chosen = per_category.get(str(facts.get("category")), default)
        steps.append(TraceStep(FALLBACK_RULE_ID, True, "no rule matched; category default"))
        return replace(chosen, trace=tuple(steps))


def _decision(rule: RoutingRule, layer: str, trace: tuple[TraceStep, ...]) -> RouteDecision:
    return RouteDecision(
        rule_id=rule.id,
        start_layer=layer,
        role=rule.role,
        green_channel=rule.green_channel,
        tags=tuple(rule.tags),
        clock_overrides=MappingProxyType(dict(rule.clock_overrides)),
        priority=rule.priority,
        trace=trace,
        department=rule.department,
    )


def _first_match(rules: Sequence[RoutingRule]) -> Callable[[Mapping[str, Any]], int]:
    """The generated first-match function; conditions compiled from a spec are inlined."""
    conditions = [r.condition for r in rules]
    try:
        return first_match([c.source if c.generated else c.test for c in conditions])
    except CompileErrors:  # too deep for one function: each rule's own test, in order
        tests = tuple(c.test for c in conditions)

        def first(facts: Mapping[str, Any]) -> int:
            for index, test in enumerate(tests):
                if test(facts):
                    return index
            return -1

        return first


def _never() -> Condition:
    return Condition(lambda _f: False, lambda _f: (False, "never"), False, None)


def route(
    rules: Sequence[RoutingRule],
    facts: Mapping[str, Any],
    category_layers: Mapping[str, str],
    fallback_layer: str,
    explain: bool = False,
) -> RouteDecision:
    """One-off routing without keeping a Router (slow path: rebuilds the tables)."""
    return Router(rules, category_layers, fallback_layer).route(facts, explain)
