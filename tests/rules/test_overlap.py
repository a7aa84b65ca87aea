"""Overlap analysis in `rules check`: shadowed rules are refused naming both rules' file:line,
partial overlaps are warnings that do not block, and `hit_policy: unique` refuses any overlap."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.domain.overlap import analyse, shape
from caseflow.rules import check_rules, check_rules_with_warnings, load_rules_from_texts

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
ANCHOR = "  # Everything else starts"
DANGER = """      text:
        any_word: [坠落, 掉落, 脱落砸, 高空坠物, 起火, 着火, 火灾, 冒烟, 燃气泄漏, 煤气味,
                   漏电, 触电, 坍塌, 倒塌, 电梯困人]"""


def shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.yaml")}


def with_rules(extra: str, head: str = "") -> dict[str, str]:
    files = shipped()
    text = files["routing.yaml"].replace(ANCHOR, extra + "\n" + ANCHOR)
    if head:
        text = text.replace("rules:\n", f"{head}\nrules:\n", 1)
    return {**files, "routing.yaml": text}


def line_of(text: str, needle: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)


def test_the_shipped_rules_have_no_overlap_error_and_warn_of_the_two_word_lists() -> None:
    errors, warnings = check_rules_with_warnings(RULES_DIR)
    assert errors == []
    assert [w.message.split("(")[0] for w in warnings] == ["overlap: rule 'leak_words' "]
    assert "'danger_words' (routing.yaml:" in warnings[0].message


@pytest.mark.parametrize(("extra", "shadowed", "by"), [
    ("""  - id: facilities
    when: {category_family: {contains: public_facilities}}
    then: {start_layer: community}
  - id: lights
    when: {category: lighting}
    then: {start_layer: community}""", "lights", "facilities"),
    (f"""  - id: danger_again
    when:
{DANGER}
      channel: web
    then: {{start_layer: community}}""", "danger_again", "danger_words"),
    ("""  - id: very_old
    when: {reporter.age: {ge: 80}}
    then: {start_layer: community}""", "very_old", "vulnerable_reporter"),
    ("""  - id: power_out
    when: {text: {any_word: [小区停电了]}}
    then: {start_layer: street}""", "power_out", "leak_words"),
])
def test_a_shadowed_rule_is_refused_naming_both_rules(extra: str, shadowed: str, by: str) -> None:
    files = with_rules(extra)
    issues = check_rules(files)
    text = files["routing.yaml"]
    mine, theirs = line_of(text, f"- id: {shadowed}"), line_of(text, f"- id: {by}")
    assert len(issues) == 1, issues
    issue = issues[0]
    assert (issue.file, issue.line) == ("routing.yaml", mine)
    assert issue.message.startswith("shadowed")
    assert f"'{shadowed}' (routing.yaml:{mine})" in issue.message
    assert f"'{by}' (routing.yaml:{theirs})" in issue.message


def test_a_narrower_rule_placed_first_is_fine_and_a_partial_overlap_only_warns() -> None:
    files = with_rules("""  - id: urgent_only
    when: {priority: urgent}
    then: {start_layer: community}
  - id: urgent_or_critical
    when: {priority: [urgent, critical]}
    then: {start_layer: street}
  - id: normal_phone
    when: {priority: normal, channel: phone}
    then: {start_layer: street}""")
    errors, warnings = check_rules_with_warnings(files)
    assert errors == []
    said = [w.message for w in warnings]
    assert any("'urgent_or_critical'" in m and "'urgent_only'" in m and "priority" in m
               for m in said)
    assert not any("'normal_phone'" in m for m in said)  # normal is disjoint from both
    load_rules_from_texts(files)  # warnings never block


def test_hit_policy_unique_refuses_any_overlap() -> None:
    files = with_rules("", head="hit_policy: unique")
    messages = [i.message for i in check_rules(files)]
    assert any("'leak_words'" in m and "'danger_words'" in m for m in messages)
    assert all("hit_policy unique" in m for m in messages)


def test_hit_policy_unique_accepts_disjoint_rules() -> None:
    files = shipped()
    files["routing.yaml"] = """hit_policy: unique
rules:
  - id: utilities
    when: {category_family: {contains: utilities}}
    then: {start_layer: street}
  - id: facilities
    when: {category_family: {in: [public_facilities, facade]}}
    then: {start_layer: community}
  - id: young
    when: {category: noise, reporter.age: {lt: 70}}
    then: {start_layer: community}
  - id: old
    when: {category: noise, reporter.age: {ge: 70}}
    then: {start_layer: street}
"""
    assert check_rules(files) == []


def test_an_unknown_hit_policy_is_refused_at_its_line() -> None:
    files = with_rules("", head="hit_policy: any")
    issues = check_rules(files)
    assert [(i.file, i.line) for i in issues] == [("routing.yaml", line_of(
        files["routing.yaml"], "hit_policy"))]


PARENTS = {"utilities": None, "water_supply": "utilities", "noise": None}


def test_rules_split_by_any_are_shadowed_only_when_every_branch_is_covered() -> None:
    first = shape("a", 1, {"category": "water_supply"}, "x", PARENTS)
    second = shape("b", 2, {"any": [{"category": "noise"}, {"category": "water_supply"}]},
                   "x", PARENTS)
    third = shape("c", 3, {"category": "noise"}, "y", PARENTS)
    findings = analyse([first, second, third])
    assert [(f.kind, f.rule.id, [r.id for r in f.earlier]) for f in findings] == [
        ("shadowed", "c", ["b"])]


def test_not_and_matches_are_compared_only_as_written() -> None:
    first = shape("a", 1, {"not": {"channel": "web"}}, "x", PARENTS)
    second = shape("b", 2, {"channel": "phone"}, "y", PARENTS)  # logically implied: not seen
    third = shape("c", 3, {"not": {"channel": "web"}, "priority": "urgent"}, "y", PARENTS)
    kinds = [(f.kind, f.rule.id) for f in analyse([first, second, third])]
    assert ("shadowed", "b") not in kinds and ("shadowed", "c") in kinds
