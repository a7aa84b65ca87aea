"""Scenario 2b: rule evaluation alone — caseflow's router vs lambdas, zen-engine, rule-engine."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench import tables
from bench.context import Context
from bench.harness import Result, check, rate
from caseflow.rules import RuleSet, load_rules, load_rules_from_texts
from caseflow.rules.loader import read_directory
from caseflow.services.runtime import DEFAULT_RULES_DIR

FACTS = 2_000


def decisions_per_second(decide: Callable[[Any], Any], facts: list[Any], budget: float = 0.5,
                         ) -> float:
    """Decide every fact, again and again until `budget` seconds have passed."""
    count, start = 0, time.perf_counter()
    while True:
        for fact in facts:
            decide(fact)
        count += len(facts)
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            return rate(count, elapsed)


def first_match(lambdas: tables.Lambdas) -> Callable[[Any], str]:
    """The hand-written baseline: try each predicate in order."""
    def decide(facts: Any) -> str:
        for rule_id, predicate in lambdas:
            if predicate(facts):
                return rule_id
        return "$default"

    return decide


def generated_ruleset(table: list[tables.GeneratedRule]) -> RuleSet:
    """The shipped rules with routing.yaml replaced by the generated table."""
    files = dict(read_directory(DEFAULT_RULES_DIR))
    files["routing.yaml"] = tables.generated_yaml(table)
    return load_rules_from_texts(files)


def engines(table: list[tables.GeneratedRule]) -> dict[str, Callable[[Any], Any]]:
    """zen-engine and rule-engine deciding the generated table."""
    import rule_engine
    import zen

    decision = zen.ZenEngine().create_decision(tables.generated_zen(table))
    compiled = [(rule_id, rule_engine.Rule(text))
                for rule_id, text in tables.generated_rule_engine(table)]

    def by_rule_engine(facts: Any) -> str:
        return next(rule_id for rule_id, rule in compiled if rule.matches(facts))

    return {"zen-engine": decision.evaluate, "rule-engine": by_rule_engine}


def _alternate(ctx: Context, ours: Callable[[Any], Any], theirs: Callable[[Any], Any],
               facts: list[Any], budget: float) -> tuple[list[float], list[float]]:
    """Both rates, one run of each in turn: load from other processes hits both alike."""
    runs = [(decisions_per_second(ours, facts, budget), decisions_per_second(theirs, facts, budget))
            for _ in range(ctx.repeat)]
    return [a for a, _ in runs], [b for _, b in runs]


def run(ctx: Context) -> list[Result]:
    """Decisions per second for the shipped and a 200-rule table, with every baseline."""
    shipped = load_rules(DEFAULT_RULES_DIR)
    facts = tables.sample_facts(shipped, 200 if ctx.quick else FACTS)
    budget = 0.1 if ctx.quick else 0.5
    lambdas = tables.shipped_lambdas(shipped)
    ours, theirs = _alternate(ctx, shipped.route, first_match(lambdas), facts, budget)
    results = [check(Result(
        "routing: shipped table", "decisions/s", ours, "Python lambdas", theirs, "≥ 0.4×",
        note=f"{len(lambdas)} rules; RuleSet.route adds the category family to the facts per "
        "call, as the service does; repeat counts are computed before (see submit)"),
        minimum_ratio=0.4)]
    table = tables.generated_rules(shipped)
    generated = generated_ruleset(table)
    ours, theirs = _alternate(ctx, generated.route, first_match(tables.generated_lambdas(table)),
                              facts, budget)
    results.append(check(Result(
        "routing: 200-rule table", "decisions/s", ours, "Python lambdas", theirs, "≥ 0.4×"),
        minimum_ratio=0.4))
    few = facts[:100 if ctx.quick else 300]  # the engines are slow: fewer facts, same budget
    for name, decide in engines(table).items():
        results.append(Result(
            f"routing: 200-rule table vs {name}", "decisions/s", ours, name,
            [decisions_per_second(decide, few, budget) for _ in range(ctx.repeat)],
            "(side by side)",
            note=f"{name} evaluates the same 200 rules, translated from the same spec",
        ))
    return results
