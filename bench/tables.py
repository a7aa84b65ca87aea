"""Routing tables for the rule-evaluation scenario, each written for every evaluator.

The shipped table (rules/routing.yaml) is translated by hand into Python lambdas; the
generated 200-rule table is produced from one spec as caseflow YAML, Python lambdas, a
zen-engine decision table (hit policy "first") and rule-engine expressions.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from caseflow.rules import RuleSet

Facts = Mapping[str, Any]
Lambdas = list[tuple[str, Callable[[Facts], bool]]]
CHANNEL_SETS = (("web", "app"), ("phone", "hotline_12345"), ("wechat",), ("walk_in", "web"))
DANGER = ["坠落", "掉落", "脱落砸", "高空坠物", "起火", "着火", "火灾", "冒烟", "燃气泄漏",
          "煤气味", "漏电", "触电", "坍塌", "倒塌", "电梯困人"]
LEAKS = ["漏水", "渗水", "爆管", "水管破裂", "停水", "停电"]
TEXTS = ("快递柜夜间提示音扰民，影响休息", "外墙瓷砖脱落砸到车辆", "楼上卫生间漏水到我家",
         "电动车在楼道充电冒烟", "车位被长期占用", "垃圾堆放三天未清运", "物业费收支不公开")


def sample_facts(rules: RuleSet, count: int, seed: int = 8) -> list[dict[str, Any]]:
    """Realistic routing inputs (repeat counts already computed, as the service does)."""
    r = random.Random(seed)
    categories = list(rules.categories)
    return [
        {
            "category": r.choice(categories),
            "priority": None,
            "channel": r.choice(("web", "phone", "app", "wechat", "hotline_12345", "walk_in")),
            "tags": [],
            "text": r.choice(TEXTS),
            "reporter": {"elderly": True} if r.random() < 0.05 else {},
            "place": {"kind": "complex", "code": f"c{r.randrange(648)}",
                      "households": r.randrange(100, 3000)},
            "green_channel": False,
            "repeat_count": r.choice((0, 0, 0, 1, 2, 3)),
        }
        for _ in range(count)
    ]


def shipped_lambdas(rules: RuleSet) -> Lambdas:
    """rules/routing.yaml written by hand as Python, in the same order."""
    family = {c: set(rules.category_family(c)) for c in rules.categories}
    danger = re.compile("|".join(sorted(DANGER, key=len, reverse=True))).search
    leaks = re.compile("|".join(sorted(LEAKS, key=len, reverse=True))).search
    return [
        ("safety_hazard", lambda f: bool(family.get(f["category"], set())
                                         & {"falling_tiles", "construction_safety"})),
        ("danger_words", lambda f: danger(f["text"]) is not None),
        ("vulnerable_reporter", lambda f: f["reporter"].get("elderly") is True
         or f["reporter"].get("disabled") is True or f["reporter"].get("age", 0) >= 70),
        ("utilities", lambda f: "utilities" in family.get(f["category"], ())),
        ("repeat_complaint", lambda f: f["repeat_count"] >= 3),
        ("leak_words", lambda f: leaks(f["text"]) is not None),
        ("default", lambda f: True),
    ]


@dataclass(frozen=True)
class GeneratedRule:
    """One rule of the generated table: category, channels and a households floor."""

    id: str
    category: str
    channels: tuple[str, ...]
    min_households: int


def generated_rules(rules: RuleSet, count: int = 200, seed: int = 8) -> list[GeneratedRule]:
    """`count - 1` specific rules and a catch-all last.

    Each later rule of a category asks for fewer households than the earlier ones, so no rule
    is shadowed by an earlier one (`rules check` refuses a table with a shadowed rule).
    """
    r = random.Random(seed)
    categories = list(rules.categories)
    step = 2900 // (count // len(categories) + 1)
    return [
        GeneratedRule(f"gen_{n:03d}", categories[n % len(categories)], r.choice(CHANNEL_SETS),
                      3000 - step * (n // len(categories)) - r.randrange(0, max(step // 2, 1)))
        for n in range(count - 1)
    ]


def generated_yaml(table: list[GeneratedRule]) -> str:
    """The table as caseflow's routing.yaml."""
    rules = [
        {"id": g.id, "when": {"all": [{"category": g.category}, {"channel": list(g.channels)},
                                      {"place.households": {"ge": g.min_households}}]},
         "then": {"start_layer": "complex"}}
        for g in table
    ]
    rules.append({"id": "default", "then": {"start_layer": "$category"}})
    return yaml.safe_dump({"rules": rules}, allow_unicode=True, sort_keys=False)


def generated_lambdas(table: list[GeneratedRule]) -> Lambdas:
    """The table as a list of Python lambdas (closures over each rule's values)."""
    def rule(g: GeneratedRule) -> Callable[[Facts], bool]:
        channels, category, floor = frozenset(g.channels), g.category, g.min_households
        return lambda f: (f["category"] == category and f["channel"] in channels
                          and f["place"].get("households", 0) >= floor)

    return [(g.id, rule(g)) for g in table] + [("default", lambda f: True)]


def generated_zen(table: list[GeneratedRule]) -> str:
    """The table as a zen-engine JDM decision table, first hit."""
    rows = [
        {"_id": g.id, "c": json.dumps(g.category),
         "ch": ", ".join(json.dumps(c) for c in g.channels),
         "h": f">= {g.min_households}", "o": json.dumps(g.id)}
        for g in table
    ] + [{"_id": "default", "c": "", "ch": "", "h": "", "o": '"default"'}]
    node = {"hitPolicy": "first", "rules": rows,
            "inputs": [{"id": "c", "name": "category", "field": "category"},
                       {"id": "ch", "name": "channel", "field": "channel"},
                       {"id": "h", "name": "households", "field": "place.households"}],
            "outputs": [{"id": "o", "name": "rule", "field": "rule"}]}
    return json.dumps({
        "nodes": [{"id": "in", "type": "inputNode", "name": "request"},
                  {"id": "t", "type": "decisionTableNode", "name": "routing", "content": node},
                  {"id": "out", "type": "outputNode", "name": "response"}],
        "edges": [{"id": "e1", "sourceId": "in", "targetId": "t", "type": "edge"},
                  {"id": "e2", "sourceId": "t", "targetId": "out", "type": "edge"}],
    })


def generated_rule_engine(table: list[GeneratedRule]) -> list[tuple[str, str]]:
    """The table as rule-engine expressions, tried in order."""
    return [
        (g.id, f"category == {json.dumps(g.category)} and channel in "
               f"[{', '.join(json.dumps(c) for c in g.channels)}] "
               f"and place['households'] >= {g.min_households}")
        for g in table
    ] + [("default", "true")]
