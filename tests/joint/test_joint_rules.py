"""meetings.yaml `joint`: a broken section is refused with its line; the shipped one loads."""

from __future__ import annotations

from datetime import timedelta

from caseflow.rules import check_rules, load_rules
from caseflow.rules.joint import hard_case_rules, plan_ahead
from caseflow.rules.loader import read_directory
from tests.conftest import RULES_DIR


def check(joint: str):
    files = read_directory(RULES_DIR)
    files["meetings.yaml"] = files["meetings.yaml"].split("\njoint:")[0] + "\njoint:\n" + joint
    return check_rules(files)


def test_the_shipped_rules_set_a_monthly_agenda():
    rules = load_rules(RULES_DIR)
    hard = hard_case_rules(rules.meetings)
    assert hard.open_longer_than == timedelta(days=30)
    assert (hard.escalated_above, hard.repeat_min_cases, hard.limit) == ("complex", 3, 30)
    assert plan_ahead(rules.meetings) == timedelta(days=7)
    assert "four_party" in rules.meetings["kinds"]


def test_each_mistake_is_named_with_its_line():
    issues = check(
        "  plan_ahead: 2 working days\n"
        "  hard_cases:\n"
        "    escalated_above: galaxy\n"
        "    repeat_complaints: {min_cases: 1, within: 90 days}\n"
        "    limit: 0\n"
        "    colour: red\n")
    text = "\n".join(str(i) for i in issues)
    assert all(i.file == "meetings.yaml" and i.line > 0 for i in issues), text
    assert "working time" in text and "galaxy" in text and "min_cases must be at least 2" in text
    assert "limit must be at least 1" in text and "unknown key 'colour'" in text
