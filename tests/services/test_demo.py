"""`seed-demo`: the units, users and case stories of the articles, loaded once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import func, select

from caseflow.domain.clock import FrozenClock
from caseflow.domain.lifecycle import STATES
from caseflow.models import Case, CaseEvent, PropertyCompany, RuleActivation, Unit, User
from caseflow.services.demo import (
    ADMIN_PASSWORD,
    DATA_DIR,
    DEMO_PASSWORD,
    DEMO_USERS,
    load_stories,
    seed_demo,
    span,
    timeline,
)
from caseflow.services.demo_assessments import DATA as ASSESSMENTS
from caseflow.services.dispatch.demo import department_stories
from caseflow.services.runtime import Runtime
from caseflow.services.units import parse_units
from caseflow.services.users import check_password, find_user

TABLES = (Unit, PropertyCompany, User, Case, CaseEvent, RuleActivation)


def _table_counts(runtime: Runtime) -> dict[str, int]:
    with runtime.uow() as uow:
        return {model.__name__: uow.session.scalar(select(func.count()).select_from(model)) or 0
                for model in TABLES}


def test_seed_demo_loads_every_unit_user_and_story_with_a_history(runtime: Runtime) -> None:
    labels: list[str] = []
    counts = seed_demo(runtime, progress=labels.append)
    companies, units = parse_units((DATA_DIR / "units.yaml").read_text(encoding="utf-8"), "u")
    stories = load_stories() + department_stories()
    assert labels and counts["skipped steps"] == 0
    assert (counts["units"], counts["property companies"]) == (len(units), len(companies))
    assert (counts["users"], counts["cases"]) == (len(DEMO_USERS), len(stories))
    assert 40 <= len(stories) <= 60
    table = _table_counts(runtime)
    # The accountability demo adds the Lishui complexes the tree lacks (each with its office)
    # and the assessment panel (caseflow/demo/assessments.yaml); the departments demo a 城管
    # and a 住建 per district, each with a user.
    lishui = yaml.safe_load(ASSESSMENTS.read_text(encoding="utf-8"))
    added = sum(1 for unit in lishui["units"] if not unit.get("code"))
    assert counts["assessed units"] == len(lishui["units"]) == 39
    assert (table["Unit"], table["User"], table["Case"]) == (
        len(units) + 2 * added + counts["departments"],
        len(DEMO_USERS) + len(lishui["panel"]) + counts["department users"], len(stories))
    with runtime.uow() as uow:
        cases = list(uow.session.scalars(select(Case)))
    found = {case.title: (case.state, case.layer) for case in cases}
    for story in stories:
        state, layer = found[story["title"]]
        expected = story["expect"]
        assert (state, layer) == (expected["state"], expected.get("layer", layer)), story["key"]
    assert set(STATES) <= {case.state for case in cases}
    assert {layer.id for layer in runtime.rules().layers} <= {case.layer for case in cases}
    _check_history(runtime)


def _check_history(runtime: Runtime) -> None:
    """Every case has events, all in the past; the demo shows what users need to see."""
    now = runtime.now()
    with runtime.uow() as uow:
        cases = list(uow.session.scalars(select(Case)))
        events = list(uow.session.scalars(select(CaseEvent)))
    actions = Counter(event.action for event in events)
    per_case = Counter(event.case_id for event in events)
    assert all(per_case[case.id] >= 1 for case in cases)
    assert max(event.at for event in events) <= now
    assert now - min(case.submitted_at for case in cases) <= timedelta(days=31)
    assert any(case.green_channel for case in cases)
    assert any(case.rework_count for case in cases)
    assert any(case.problem_case for case in cases)
    assert any(case.supervised and case.layer == "city" for case in cases)
    assert {"satisfied", "basically_satisfied", "unsatisfied"} <= {c.satisfaction for c in cases}
    by_system = Counter(event.action for event in events if event.actor_role == "system")
    assert by_system["escalate"] and actions["escalate"] > by_system["escalate"]
    assert by_system["warn"] and by_system["close"], "deadlines were missed; one auto-closed"
    for action in ("return", "reroute", "merge", "reject", "defer", "reopen", "claim",
                   "request_extension", "approve_extension", "deliberate", "close"):
        assert actions[action] > 0, action


def test_seeding_twice_changes_nothing_and_demo_passwords_verify(runtime: Runtime) -> None:
    seed_demo(runtime)
    before = _table_counts(runtime)
    labels: list[str] = []
    assert seed_demo(runtime, progress=labels.append) == {}
    assert _table_counts(runtime) == before
    assert labels == ["demo data already loaded; nothing changed"]
    checked_roles: set[str] = set()
    with runtime.uow() as uow:
        for username, _name, role, unit_code in DEMO_USERS:
            user = find_user(uow.session, username)
            assert user is not None and user.role == role
            assert (user.unit.code if user.unit else None) == unit_code
            if role not in checked_roles:  # scrypt is slow by design: one user per role
                password = ADMIN_PASSWORD if role == "admin" else DEMO_PASSWORD
                assert check_password(user, password)
                assert not check_password(user, password + "!")
                checked_roles.add(role)


def test_demo_users_cover_every_role_but_the_system() -> None:
    roles = {role for _u, _n, role, _c in DEMO_USERS}
    assert roles == {"admin", "dispatcher", "unit_lead", "caseworker", "leader",
                     "owners_committee", "resident"}


def test_story_steps_are_in_time_order_and_in_the_past(clock: FrozenClock) -> None:
    events = timeline(load_stories(), clock.now(), "Asia/Shanghai")
    moments = [at for at, *_ in events]
    assert moments == sorted(moments) and moments[-1] < clock.now()
    assert span("1d2h30m") == timedelta(days=1, hours=2, minutes=30)
    with pytest.raises(ValueError):
        span("2 weeks")
