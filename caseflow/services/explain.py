"""Why a grievance goes where it goes: the one full routing trace for the CLI, API and pages.

Every edge that explains a route calls `explain_facts`, so the CLI's `rules explain`, the
API's `POST /rules/explain` and the rules page's dry run show the same lines: each rule
tried, matched or not, with the first condition that failed. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.routing import trace_lines
from caseflow.rules import RuleSet
from caseflow.services.cases import parse_submission, routing_facts
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork


def explain_facts(rules: RuleSet, facts: Mapping[str, Any]) -> dict[str, Any]:
    """Route `facts` with every rule traced; the decision, its clocks and the trace lines."""
    decision = rules.route(facts, explain=True)
    priority = decision.priority or rules.facts_for(facts).get("priority")
    specs = rules.clocks_for(decision.start_layer, facts.get("category"), priority,
                             decision.green_channel, dict(decision.clock_overrides))
    return {
        "version": rules.version,
        "rule": decision.rule_id,
        "start_layer": decision.start_layer,
        "green_channel": decision.green_channel,
        "priority": decision.priority,
        "tags": list(decision.tags),
        "department": decision.department,
        "clocks": {spec.name: str(spec.within) for spec in specs},
        "trace": trace_lines(decision.trace),
    }


def explain_route(uow: UnitOfWork, rules: RuleSet, raw: dict[str, Any]) -> dict[str, Any]:
    """Where `rules` would send this grievance (as submitted), with the full trace."""
    sub = parse_submission(raw, rules)
    try:
        place = get_unit(uow.session, sub.unit)
    except NotFound:
        raise InvalidInput("case.unit", f"unknown unit {sub.unit!r}") from None
    priority = sub.priority or rules.categories[sub.category].priority
    return explain_facts(rules, routing_facts(sub, place, priority, repeat_count=0))
