"""YAML loading with line numbers, and the error tree's JSON bodies."""

from __future__ import annotations

import pickle

from caseflow.domain.errors import (
    ActionNotAllowed,
    CaseflowError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RulesInvalid,
    StaleVersion,
)
from caseflow.rules import RuleIssue
from caseflow.rules.loader import LDict, LList, parse_yaml

TEXT = """\
# comment
top:
  name: 物业
  items:
    - a
    - {id: b, n: 2}

    - c
base: &base
  x: 1
child:
  <<: *base
  y: 2
time: 13:30
quoted: "13:30"
"""


def test_lines_of_keys_and_items() -> None:
    data, issues = parse_yaml("f.yaml", TEXT)
    assert issues == []
    assert isinstance(data, LDict) and data.line == 2
    assert data.line_of("top") == 2 and data.line_of("child") == 11
    top = data["top"]
    assert top.line == 3 and top.line_of("name") == 3 and top.line_of("items") == 4
    items = top["items"]
    assert isinstance(items, LList) and items.item_lines == [5, 6, 8]
    assert items[1].line_of("n") == 6 and items.line_of(9) == items.line
    assert data.line_of("missing") == data.line
    assert data["child"] == {"x": 1, "y": 2}  # merge keys work
    assert data["time"] == 810 and data["quoted"] == "13:30"  # why times must be quoted


def test_duplicate_keys_are_issues() -> None:
    data, issues = parse_yaml("f.yaml", "a: 1\nb:\n  c: 1\n  c: 2\n")
    assert issues == [RuleIssue("f.yaml", 4, "duplicate key 'c'")]
    assert data["b"]["c"] == 2


def test_syntax_errors_and_empty_files() -> None:
    data, issues = parse_yaml("f.yaml", "a: 1\nb: [1, 2\nc: 3\n")
    assert data is None and len(issues) == 1 and issues[0].line == 3
    assert "line 2" in issues[0].message
    data, issues = parse_yaml("f.yaml", "a: 1\n\tb: 2\n")
    assert data is None and issues[0].line == 2
    assert parse_yaml("f.yaml", "") == (None, [])
    assert parse_yaml("f.yaml", "# only a comment\n") == (None, [])
    assert str(RuleIssue("f.yaml", 3, "boom")) == "f.yaml:3: boom"


def test_error_tree_codes_statuses_and_bodies() -> None:
    cases = [
        (InvalidInput("text", "must not be empty"), "invalid_input", 422,
         {"field": "text"}),
        (NotFound("case ZX-1"), "not_found", 404, {"what": "case ZX-1"}),
        (PermissionDenied("not your unit"), "forbidden", 403, {}),
        (StaleVersion(7), "stale_version", 409, {"current_version": 7}),
        (ActionNotAllowed("resolve", "submitted", ["accept", "return"]), "action_not_allowed",
         422, {"action": "resolve", "state": "submitted", "allowed": ["accept", "return"]}),
        (RulesInvalid([RuleIssue("a.yaml", 3, "bad")]), "rules_invalid", 422,
         {"issues": [{"file": "a.yaml", "line": 3, "message": "bad"}]}),
        (Conflict("idempotency key reused"), "conflict", 409, {}),
    ]
    for error, code, status, extra in cases:
        assert isinstance(error, CaseflowError)
        assert (error.code, error.status) == (code, status)
        body = error.to_dict()
        assert body == {"code": code, "message": error.message, **extra}
        assert str(error) == error.message
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and copy.to_dict() == body
    assert "a.yaml:3: bad" in str(RulesInvalid([RuleIssue("a.yaml", 3, "bad")]))
    assert "2 more" in str(RulesInvalid([RuleIssue("a", 1, "x")] * 3))
    assert RulesInvalid([{"file": "b", "line": 1, "message": "m"}]).to_dict()["issues"][0] == {
        "file": "b", "line": 1, "message": "m"}
