"""部门解题 through the services, on SQLite and PostgreSQL: dispatching to departments, their
returns and results, the holder's confirmation, their own clocks, routing straight to one."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from caseflow.domain.errors import ActionNotAllowed, InvalidInput, PermissionDenied
from caseflow.models import CaseEvent, Dispatch, Evaluation
from caseflow.rules import check_rules
from caseflow.services.grid.follow_up import FollowUpAnswer, follow_ups_for, record_follow_up
from caseflow.services.queries import CaseFilters, list_cases, visible_case
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep
from caseflow.services.visibility import viewer_of
from tests.conftest import RULES_DIR
from tests.departments.helpers import act, at_street, build_departments, submit


@pytest.fixture
def users(runtime):
    return build_departments(runtime)


def dispatches(runtime, case_id):
    with runtime.uow() as uow:
        rows = uow.session.scalars(select(Dispatch).where(Dispatch.case_id == case_id)
                                   .order_by(Dispatch.id))
        return {row.department.code: row for row in rows}


def refs_seen(runtime, user, unit=None):
    with runtime.uow() as uow:
        found, _ = list_cases(uow, viewer_of(user), CaseFilters(unit=unit), now=runtime.now())
        return {case.ref for case in found}


def test_two_departments_one_returns_one_resolves_and_the_holder_confirms(runtime, users):
    case = at_street(runtime, users)
    other = submit(runtime)  # a case of the same complex that no department was sent
    act(runtime, case.ref, "dispatch", users["street"], "请拆除松动瓷砖并设置围挡",
        {"department": "shizhong-chengguan"})
    act(runtime, case.ref, "dispatch", users["dispatcher"], "请核查外墙维修资金",
        {"department": "shizhong-zhujian"})
    sent = dispatches(runtime, case.id)
    assert {code: d.state for code, d in sent.items()} == {
        "shizhong-chengguan": "submitted", "shizhong-zhujian": "submitted"}
    assert sent["shizhong-chengguan"].asked == "请拆除松动瓷砖并设置围挡"
    # Its own clocks from deadlines.yaml `departments` (1 / 10 working days).
    assert sent["shizhong-chengguan"].accept_due_at > runtime.now()
    assert sent["shizhong-chengguan"].resolve_due_at > sent["shizhong-chengguan"].accept_due_at

    # Each department sees exactly what was sent to it; a city department sees nothing.
    assert refs_seen(runtime, users["chengguan"]) == {case.ref}
    assert refs_seen(runtime, users["zhujian"]) == {case.ref}
    assert refs_seen(runtime, users["shichang"]) == set()
    assert refs_seen(runtime, users["admin"], unit="shizhong-chengguan") == {case.ref}
    with runtime.uow() as uow, pytest.raises(PermissionDenied):
        visible_case(uow, viewer_of(users["chengguan"]), other.ref)
    # The territorial holder stays responsible: it cannot resolve while work is out.
    with pytest.raises(InvalidInput) as refused:
        act(runtime, case.ref, "resolve", users["street"], "已处理")
    assert refused.value.field == "action"

    # 住建 returns it (退单) with a reason; 城管 accepts and gives its result.
    with pytest.raises(InvalidInput):
        act(runtime, case.ref, "dispatch_return", users["zhujian"], "")
    act(runtime, case.ref, "dispatch_return", users["zhujian"], "外墙维修由物业负责，非住建职责")
    with pytest.raises(ActionNotAllowed):  # only a department acts on its own dispatch
        act(runtime, case.ref, "dispatch_accept", users["street"])
    act(runtime, case.ref, "dispatch_accept", users["chengguan"])
    runtime.clock.advance(timedelta(hours=3))
    act(runtime, case.ref, "dispatch_resolve", users["chengguan"], "已拆除松动瓷砖，设置围挡")
    sent = dispatches(runtime, case.id)
    assert sent["shizhong-zhujian"].state == "returned"
    assert sent["shizhong-zhujian"].return_reason == "外墙维修由物业负责，非住建职责"
    assert sent["shizhong-chengguan"].state == "resolved"
    worked = sent["shizhong-chengguan"]
    assert worked.accepted_on_time and worked.resolved_on_time

    # The holder rejects the first result, the department works on, the holder confirms.
    act(runtime, case.ref, "reject_dispatch", users["street"], "围挡不全，请补齐")
    assert dispatches(runtime, case.id)["shizhong-chengguan"].state == "accepted"
    act(runtime, case.ref, "dispatch_resolve", users["chengguan"], "围挡已补齐")
    act(runtime, case.ref, "confirm_dispatch", users["street"])
    done = act(runtime, case.ref, "resolve", users["street"], "城管已处理完毕")
    assert done.state == "resolved"
    sent = dispatches(runtime, case.id)
    assert sent["shizhong-chengguan"].state == "confirmed"
    assert sent["shizhong-chengguan"].rejections == 1
    with runtime.uow() as uow:
        actions = list(uow.session.scalars(select(CaseEvent.action).where(
            CaseEvent.case_id == case.id).order_by(CaseEvent.id)))
    assert actions == ["submit", "accept", "dispatch", "dispatch", "dispatch_return",
                       "dispatch_accept", "dispatch_resolve", "reject_dispatch",
                       "dispatch_resolve", "confirm_dispatch", "resolve"]
    # The department still reads the case it worked on.
    assert refs_seen(runtime, users["chengguan"]) == {case.ref}


def test_only_the_street_layer_and_above_dispatch_and_only_to_their_own_departments(
        runtime, users):
    low = submit(runtime)
    act(runtime, low.ref, "accept", users["butler"])
    with pytest.raises(InvalidInput) as below:
        act(runtime, low.ref, "dispatch", users["butler"], "请处理",
            {"department": "shizhong-chengguan"})
    assert below.value.field == "action"
    case = at_street(runtime, users)
    for code in ("nowhere", "rhine", ""):
        with pytest.raises(InvalidInput) as wrong:
            act(runtime, case.ref, "dispatch", users["street"], "请处理", {"department": code})
        assert wrong.value.field == "data.department"
    with pytest.raises(InvalidInput) as unsaid:
        act(runtime, case.ref, "dispatch", users["street"], "", {"department": "leshan-shichang"})
    assert unsaid.value.field == "note"
    act(runtime, case.ref, "dispatch", users["street"], "请查", {"department": "leshan-shichang"})
    with pytest.raises(InvalidInput):  # one open dispatch per department
        act(runtime, case.ref, "dispatch", users["street"], "再查",
            {"department": "leshan-shichang"})


def test_a_departments_clocks_escalate_inside_its_own_line(runtime, users):
    case = at_street(runtime, users)
    act(runtime, case.ref, "dispatch", users["street"], "请清理占道",
        {"department": "shizhong-chengguan-squad"})
    # The street waits on the department (its own clocks paused): only the dispatch's run.
    act(runtime, case.ref, "hold", users["street"], "等待城管处理")
    assert refs_seen(runtime, users["squad"]) == {case.ref}
    runtime.clock.advance(timedelta(days=3))  # past one working day: the squad never accepted
    rules, now = runtime.rules(), runtime.now()
    first = sweep(runtime.uow, rules, now)
    assert first.escalated >= 1
    moved = dispatches(runtime, case.id)
    assert list(moved) == ["shizhong-chengguan"]  # climbed to its parent department
    record = moved["shizhong-chengguan"]
    assert record.state == "submitted" and record.accepted_on_time is False
    assert record.accept_due_at > now  # fresh clocks at the parent department
    # The case itself did not move up the territorial ladder.
    with runtime.uow() as uow:
        found = visible_case(uow, None, case.ref)
        assert (found.layer, found.unit.code) == ("street", "jiazhou-street")
    # Both the squad (first sent) and 城管 (holding it now) read it.
    assert refs_seen(runtime, users["squad"]) == {case.ref}
    assert refs_seen(runtime, users["chengguan"]) == {case.ref}
    assert sweep(runtime.uow, rules, now).escalated == 0  # idempotent
    # 城管 accepts, then lets its resolve clock pass: the district is asked to supervise.
    act(runtime, case.ref, "dispatch_accept", users["chengguan"])
    runtime.clock.advance(timedelta(days=30))
    later = sweep(runtime.uow, rules, runtime.now())
    assert later.supervised >= 1
    record = dispatches(runtime, case.id)["shizhong-chengguan"]
    assert record.supervised and record.escalated_clock == "resolve"
    assert record.resolved_on_time is False
    assert sweep(runtime.uow, rules, runtime.now()).supervised == 0
    with runtime.uow() as uow:
        marks = list(uow.session.scalars(select(CaseEvent.data).where(
            CaseEvent.case_id == case.id, CaseEvent.action == "dispatch_escalate")
            .order_by(CaseEvent.id)))
    assert [m.get("moved", False) for m in marks] == [True, False]
    assert marks[1]["supervised_by"] == "shizhong"


def test_a_routing_rule_sends_a_category_straight_to_a_department(
        database_url, clock, tmp_path: Path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules_dir)
    routing = rules_dir / "routing.yaml"
    routing.write_text(routing.read_text(encoding="utf-8").replace("rules:\n", """rules:
  - id: lifts_to_market_regulation
    when: {category_family: {contains: elevator_fault}}
    then: {start_layer: street, department: leshan-shichang}
  - id: lift_works_to_a_missing_bureau
    when: {category: elevator_installation}
    then: {start_layer: street, department: no-such-bureau}
""", 1), encoding="utf-8")
    runtime = Runtime.from_url(database_url, rules_dir, clock)
    try:
        users = build_departments(runtime)
        case = submit(runtime, title="电梯困人后停运", category="elevator_fault",
                      description="2单元电梯停运三天")
        assert (case.layer, case.unit.code) == ("street", "jiazhou-street")
        sent = dispatches(runtime, case.id)
        assert list(sent) == ["leshan-shichang"] and sent["leshan-shichang"].asked
        assert refs_seen(runtime, users["shichang"]) == {case.ref}
        act(runtime, case.ref, "dispatch_resolve", users["shichang"], "已责令维保单位修复")
        assert dispatches(runtime, case.id)["leshan-shichang"].state == "resolved"
        # A rule naming no department serving the place leaves the case with its holder.
        kept = submit(runtime, title="加装电梯", category="elevator_installation")
        assert (kept.layer, dispatches(runtime, kept.id)) == ("street", {})
    finally:
        runtime.engine.dispose()


def test_rules_check_the_department_fields(tmp_path: Path):
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    deadlines = tmp_path / "rules" / "deadlines.yaml"
    deadlines.write_text(deadlines.read_text(encoding="utf-8").replace(
        "  resolve: 10 working days\n", "  resolve: soon\n  reply: 2h\n"), encoding="utf-8")
    routing = tmp_path / "rules" / "routing.yaml"
    routing.write_text(routing.read_text(encoding="utf-8").replace(
        "      start_layer: street\n      priority: critical\n      green_channel: true\n"
        "      tags: [safety_hazard]\n",
        "      start_layer: street\n      priority: critical\n      green_channel: true\n"
        "      tags: [safety_hazard]\n      department: 7\n", 1), encoding="utf-8")
    issues = check_rules(tmp_path / "rules")
    messages = [(i.file, i.message) for i in issues]
    assert any(f == "deadlines.yaml" and "departments.resolve" in m for f, m in messages)
    assert any(f == "deadlines.yaml" and "reply" in m for f, m in messages)
    assert any(f == "routing.yaml" and "department" in m for f, m in messages)


def test_a_withdrawn_case_takes_back_the_work_out_at_departments(runtime, users):
    case = at_street(runtime, users)
    act(runtime, case.ref, "dispatch", users["street"], "请清理",
        {"department": "shizhong-zhujian"})
    act(runtime, case.ref, "withdraw", users["admin"], "居民已自行解决")
    assert dispatches(runtime, case.id)["shizhong-zhujian"].state == "cancelled"
    runtime.clock.advance(timedelta(days=5))
    report = sweep(runtime.uow, runtime.rules(), runtime.now())
    assert (report.escalated, report.supervised) == (0, 0)


def seers(runtime, users, ref) -> set[str]:
    """Everyone of `users` who may read the case."""
    found = set()
    for name, user in users.items():
        with runtime.uow() as uow:
            try:
                visible_case(uow, viewer_of(user), ref)
            except PermissionDenied:
                continue
            found.add(name)
    return found


def test_the_journey_street_department_street_closed_is_seen_by_exactly_the_right_people(
        runtime, users):
    """The journey of issue 20: street → 城管 → back to the street → the resident's follow-up
    call (回访) → closed, and who reads the case at each step (the territorial area of its
    holder and place, plus 城管 from the moment it was sent there; never 住建, the squad or
    the city's 市场监管)."""
    territorial = {"branch", "branch-lead", "community", "street", "dispatcher", "district",
                   "city", "leader", "admin"}
    case = at_street(runtime, users)
    assert seers(runtime, users, case.ref) == territorial
    act(runtime, case.ref, "dispatch", users["street"], "请加固围挡",
        {"department": "shizhong-chengguan"})
    with_department = territorial | {"chengguan", "chengguan-lead"}
    assert seers(runtime, users, case.ref) == with_department
    act(runtime, case.ref, "dispatch_accept", users["chengguan"])
    act(runtime, case.ref, "dispatch_resolve", users["chengguan-lead"], "围挡已加固")
    assert seers(runtime, users, case.ref) == with_department
    act(runtime, case.ref, "confirm_dispatch", users["street"])
    act(runtime, case.ref, "resolve", users["street"], "城管已加固围挡")
    assert seers(runtime, users, case.ref) == with_department
    # Nobody evaluates: after follow_up.after the sweep opens a call for the street's
    # dispatcher, whose record of the resident's answer is the evaluation.
    runtime.clock.advance(timedelta(days=3, hours=1))
    sweep(runtime.uow, runtime.rules(), runtime.now())
    dispatcher = viewer_of(users["dispatcher"])
    with runtime.uow() as uow:
        calls = follow_ups_for(uow, dispatcher)
    assert [call.ref for call in calls] == [case.ref]
    with runtime.uow() as uow:
        record_follow_up(uow, runtime.rules(), FollowUpAnswer(dispatcher, case.ref, "satisfied",
                                                              "居民表示满意"), runtime.now())
    with runtime.uow() as uow:
        closed = visible_case(uow, None, case.ref)
        channel = uow.session.scalar(select(Evaluation.channel).where(
            Evaluation.case_id == closed.id))
    assert (closed.state, channel) == ("closed", "follow_up_call")
    assert seers(runtime, users, case.ref) == with_department
