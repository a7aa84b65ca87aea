"""Telling people: who is told of what, scoped to the tree, quiet hours, a fake provider."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from caseflow.models import PersonNotice, User
from caseflow.services.cases import submit_case
from caseflow.services.grid.memberships import add_membership
from caseflow.services.grid.notices import fan_out, send_notices
from caseflow.services.reporting.channels import follow_up_figures, satisfaction_by_channel
from caseflow.services.reporting.common import Period
from caseflow.services.runtime import Runtime
from caseflow.services.units import get_unit
from tests.conftest import RULES_DIR
from tests.factories import RESIDENT, act_on, build_tree, submission

PEOPLE = """
people:
  provider:
    kind: sms
    url_template: https://sms.example.test/send?to={to}&text={text}
    method: GET
  quiet_hours: {from: "22:00", to: "07:30"}
  urgent_priorities: [urgent, critical]
  urgent_kinds: [overdue]
  tell:
    submitted: [unit, liaison, butler]
    assigned: [assignee]
    resolved: [resident, liaison]
  scopes:
    unit: [rhine]
"""


class FakeProvider:
    """The local provider: records what it was asked to send, answers 200 (or a status)."""

    def __init__(self, status: int = 200) -> None:
        self.sent: list[tuple[str, str]] = []
        self.status = status

    def __call__(self, method: str, url: str, timeout: float) -> int:
        query = parse_qs(urlparse(url).query)
        self.sent.append((query["to"][0], query["text"][0]))
        return self.status


@pytest.fixture
def people_runtime(database_url, clock, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "notifications.yaml").write_text("webhooks: []\n" + PEOPLE, encoding="utf-8")
    rt = Runtime.from_url(database_url, rules, clock)
    yield rt
    rt.engine.dispose()


@pytest.fixture
def grid(people_runtime):
    users = build_tree(people_runtime)
    with people_runtime.uow() as uow:
        session = uow.session
        b3 = get_unit(session, "rhine-b3").id
        for name, phone, unit in (("liaison-b3", "13900000001", b3),
                                  ("butler-b3", "13900000002", b3)):
            session.add(User(username=name, display_name=name, role="caseworker", unit_id=unit,
                             phone=phone))
        session.get(User, users["butler"].id).phone = "13900000003"
        session.get(User, users["lotus-butler"].id).phone = "13900000004"
        uow.commit()
    with people_runtime.uow() as uow:
        add_membership(uow, "liaison-b3", "rhine-b3", "liaison")
    with people_runtime.uow() as uow:
        add_membership(uow, "butler-b3", "rhine-b3", "butler")
    return users


def submit(rt, **overrides):
    with rt.uow() as uow:
        return submit_case(uow, rt.rules(), submission(**overrides), RESIDENT, rt.now())[0]


def notices(rt):
    with rt.uow() as uow:
        return [(n.audience, n.address, n.unit_id, n.send_after, n.status) for n in
                uow.session.scalars(select(PersonNotice).order_by(PersonNotice.id))]


def test_a_buildings_liaison_and_butler_are_told_of_its_new_cases_and_nobody_else(
        people_runtime, grid):
    rt = people_runtime
    submit(rt, unit="rhine-b3")
    submit(rt, unit="lotus")
    with rt.uow() as uow:
        report = fan_out(uow, rt.rules(), rt.now())
    assert report.fanned_out == 2
    told = {(audience, address) for audience, address, *_ in notices(rt)}
    # the Rhine office's people (scoped to the Rhine complex) and the building's liaison and
    # butler; the Lotus case tells nobody: its unit lies outside the `unit` scope
    assert told == {("unit", "13900000003"), ("liaison", "13900000001"),
                    ("butler", "13900000002")}
    with rt.uow() as uow:  # fanned out once
        assert fan_out(uow, rt.rules(), rt.now()).fanned_out == 0


def test_a_case_about_another_building_does_not_reach_this_buildings_liaison(
        people_runtime, grid):
    rt = people_runtime
    submit(rt, unit="rhine")  # about the complex, not building 3
    with rt.uow() as uow:
        fan_out(uow, rt.rules(), rt.now())
    assert {a for a, *_ in notices(rt)} == {"unit"}


def test_quiet_hours_hold_what_is_not_urgent_and_let_urgent_messages_through(
        people_runtime, grid, clock):
    rt = people_runtime
    clock.advance(timedelta(hours=14))  # 15:00 UTC = 23:00 in Beijing: quiet
    submit(rt, unit="rhine-b3")
    submit(rt, unit="rhine-b3", priority="urgent", title="电梯困人")
    with rt.uow() as uow:
        fan_out(uow, rt.rules(), rt.now())
    morning = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # 07:30 the next day in Beijing
    times = [after for *_, after, _ in notices(rt)]
    assert sorted(set(times)) == [rt.now(), morning]
    now_count = times.count(rt.now())  # the urgent case's (the building's two at least)
    provider = FakeProvider()
    with rt.uow() as uow:
        assert send_notices(uow, rt.rules(), rt.now(), provider).sent == now_count >= 2
    assert all(to.startswith("139") for to, _ in provider.sent)
    clock.advance(timedelta(hours=8))  # 07:00: still quiet
    with rt.uow() as uow:
        assert send_notices(uow, rt.rules(), rt.now(), provider).sent == 0
    clock.advance(timedelta(minutes=30))
    with rt.uow() as uow:
        assert send_notices(uow, rt.rules(), rt.now(), provider).sent == len(times) - now_count
    assert {status for *_, status in notices(rt)} == {"sent"}


def test_the_resident_is_told_in_plain_words_and_a_failing_provider_is_retried(
        people_runtime, grid):
    rt = people_runtime
    case = submit(rt, unit="rhine-b3")
    with rt.uow() as uow:
        fan_out(uow, rt.rules(), rt.now())
    for action in ("accept", "start", "resolve"):
        with rt.uow() as uow:
            act_on(uow, rt.rules(), case.ref, action, grid["butler"], rt.now())
    with rt.uow() as uow:
        fan_out(uow, rt.rules(), rt.now())
    failing = FakeProvider(status=503)
    with rt.uow() as uow:
        report = send_notices(uow, rt.rules(), rt.now(), failing)
    assert report.failed == len(failing.sent) and report.sent == 0
    to_resident = [text for to, text in failing.sent if to == "13800000001"]
    assert to_resident == [f"您反映的诉求（{case.ref}）已办结，请对处理结果进行评价。"]
    assert {status for *_, status in notices(rt)} == {"pending"}  # retried later


def test_satisfaction_rates_are_shown_by_channel(people_runtime, grid):
    rt = people_runtime
    for satisfaction in ("satisfied", "unsatisfied"):
        case = submit(rt)
        for action in ("accept", "start", "resolve"):
            with rt.uow() as uow:
                act_on(uow, rt.rules(), case.ref, action, grid["butler"], rt.now())
        with rt.uow() as uow:
            act_on(uow, rt.rules(), case.ref, "evaluate", RESIDENT, rt.now(),
                        data={"satisfaction": satisfaction})
    with rt.uow() as uow:
        [resident] = satisfaction_by_channel(uow, None, Period.month_of(rt.now()))
        lotus = get_unit(uow.session, "lotus").id
        assert satisfaction_by_channel(uow, lotus, Period.month_of(rt.now())) == []
        assert follow_up_figures(uow, None, Period.month_of(rt.now())).opened == 0
    assert (resident.channel, resident.evaluated, resident.satisfaction_rate) == (
        "resident", 2, 0.5)
