"""The shared lifecycle machine: transitions, guards and the actions an actor may take."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from caseflow.domain import lifecycle
from caseflow.domain.errors import ActionNotAllowed
from caseflow.domain.lifecycle import CaseState, actions_in_state, fire
from caseflow.domain.policy import ABOVE, HOLDER, OUTSIDE, OWNER, Actor, CaseFacts, allowed_actions

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
WINDOW = timedelta(days=15)


@pytest.mark.parametrize(
    ("state", "action", "data", "expected"),
    [
        ("submitted", "accept", {}, "accepted"),
        ("accepted", "start", {}, "in_progress"),
        ("in_progress", "hold", {}, "on_hold"),
        ("on_hold", "resume", {}, "in_progress"),
        ("in_progress", "deliberate", {}, "deliberating"),
        ("deliberating", "record_decision", {"outcome": "continue"}, "in_progress"),
        ("deliberating", "record_decision", {"outcome": "resolved"}, "resolved"),
        ("deliberating", "record_decision", {"outcome": "escalate"}, "submitted"),
        ("in_progress", "resolve", {}, "resolved"),
        ("resolved", "evaluate", {"satisfaction": "satisfied"}, "closed"),
        ("resolved", "evaluate", {"satisfaction": "basically_satisfied"}, "closed"),
        ("resolved", "evaluate", {"satisfaction": "unsatisfied"}, "in_progress"),
        ("resolved", "evaluate", {"satisfaction": "unsatisfied", "climb": True}, "submitted"),
        ("in_progress", "escalate", {}, "submitted"),
        ("submitted", "return", {}, "submitted"),
        ("in_progress", "defer", {}, "deferred"),
        ("deferred", "resume", {}, "in_progress"),
        ("submitted", "reject", {}, "rejected"),
        ("on_hold", "withdraw", {}, "withdrawn"),
        ("in_progress", "merge", {}, "merged"),
        ("resolved", "close", {}, "closed"),
        ("closed", "reopen", {}, "submitted"),
        ("in_progress", "comment", {}, "in_progress"),
        ("in_progress", "request_extension", {}, "in_progress"),
    ],
)
def test_each_transition_lands_in_the_expected_state(state, action, data, expected):
    case = CaseState(state)
    assert fire(case, action, **data) == expected
    assert case.state == expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("submitted", "resolve"),
        ("closed", "accept"),
        ("withdrawn", "reopen"),
        ("resolved", "hold"),
        ("rejected", "comment_typo"),
        ("merged", "escalate"),
    ],
)
def test_an_action_not_allowed_in_a_state_is_refused_with_the_allowed_ones(state, action):
    case = CaseState(state)
    with pytest.raises(ActionNotAllowed) as raised:
        fire(case, action)
    assert case.state == state
    assert sorted(raised.value.allowed) == sorted(actions_in_state(state))


def test_final_states_allow_only_comments_and_reopen():
    assert actions_in_state("closed") == {"comment", "reopen"}
    for state in ("withdrawn", "merged", "rejected"):
        assert actions_in_state(state) == {"comment"}


def test_firing_never_adds_the_case_to_the_machine():
    case = CaseState("submitted")
    fire(case, "accept")
    assert lifecycle.MACHINE.models == []
    assert not hasattr(case, "trigger")


def test_lifecycle_is_pure_python():
    for name in ("flask", "sqlalchemy", "marshmallow"):
        assert not any(
            getattr(module, "__name__", "").startswith(name) for module in vars(lifecycle).values()
        )
    source = Path(lifecycle.__file__).read_text(encoding="utf-8")
    assert "sqlalchemy" not in source and "flask" not in source


def test_domain_package_imports_no_framework(tmp_path):
    import subprocess

    code = (
        "import sys, pkgutil, importlib, caseflow.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module('caseflow.domain.' + m.name)\n"
        "banned = ('flask', 'sqlalchemy', 'marshmallow')\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in banned]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _may_all(_role: str, _action: str) -> bool:
    return True


def test_holder_caseworker_may_work_but_not_approve_own_extension():
    actor = Actor(role="caseworker", relation=HOLDER, user_id=7)
    facts = CaseFacts(state="in_progress", extension_pending=True)
    allowed = allowed_actions(facts, actor, _may_all, NOW, WINDOW)
    assert {"resolve", "hold", "deliberate", "escalate"} <= set(allowed)
    assert "approve_extension" not in allowed and "request_extension" not in allowed


def test_the_layer_above_approves_extensions_and_reroutes_returned_cases():
    above = Actor(role="unit_lead", relation=ABOVE, user_id=9)
    assert "approve_extension" in allowed_actions(
        CaseFacts(state="in_progress", extension_pending=True), above, _may_all, NOW, WINDOW
    )
    assert allowed_actions(
        CaseFacts(state="submitted", returned=True), above, _may_all, NOW, WINDOW
    ) == ["comment", "reassign", "reroute", "unlink_duplicate"]  # it sees both of a duplicate


def test_outsiders_may_do_nothing_and_residents_only_their_part():
    outsider = Actor(role="caseworker", relation=OUTSIDE, user_id=1)
    assert allowed_actions(CaseFacts(state="in_progress"), outsider, _may_all, NOW, WINDOW) == []
    resident = Actor(role="resident", relation=OWNER)
    assert allowed_actions(CaseFacts(state="resolved"), resident, _may_all, NOW, WINDOW) == [
        "comment",
        "evaluate",
        "withdraw",
    ]


def test_reopen_only_within_the_window():
    resident = Actor(role="resident", relation=OWNER)
    recent = CaseFacts(state="closed", closed_at=NOW - timedelta(days=14))
    old = CaseFacts(state="closed", closed_at=NOW - timedelta(days=16))
    assert "reopen" in allowed_actions(recent, resident, _may_all, NOW, WINDOW)
    assert "reopen" not in allowed_actions(old, resident, _may_all, NOW, WINDOW)


def test_role_permissions_filter_actions():
    leader = Actor(role="leader", relation=HOLDER, user_id=3)
    only_comment = lambda role, action: action == "comment"  # noqa: E731
    assert allowed_actions(CaseFacts(state="submitted"), leader, only_comment, NOW, WINDOW) == [
        "comment"
    ]
