"""voting.yaml and meetings.yaml are validated with file and line."""

from __future__ import annotations

import pytest

from caseflow.rules import check_rules
from tests.rules.test_shipped import texts


def issues_for(name: str, old: str, new: str) -> list[str]:
    files = texts()
    assert old in files[name]
    files[name] = files[name].replace(old, new, 1)
    return [str(issue) for issue in check_rules(files)]


def test_the_shipped_files_are_valid():
    assert check_rules(texts()) == []


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("voting.yaml", 'area: "2/3"', 'area: "two thirds"', "voting.yaml:15: participation area"),
        ("voting.yaml", 'area: "3/4"', 'area: "4/3"', "at most 1"),
        (
            "voting.yaml",
            "threshold: major, spending",
            "threshold: huge, spending",
            "voting.yaml:41: matter",
        ),
        ("voting.yaml", 'inclusive: true        # ">= 3/4"', "inclusive: maybe", "true or false"),
        ("voting.yaml", "notice_days: 7", "notice_days: 0", "notice_days"),
        ("meetings.yaml", "notice_days: 7", "notice_days: a week", "meetings.yaml"),
    ],
)
def test_malformed_entries_are_reported_with_their_line(name, old, new, expected):
    found = issues_for(name, old, new)
    assert any(expected in text for text in found), found
