"""The grid page: follow-up calls, meeting tasks, households, 代办 — in Chinese by default."""

from __future__ import annotations

from datetime import timedelta

from caseflow.app import runtime_of
from caseflow.services.sweep import sweep
from tests.admin.conftest import login, new_case, post, text
from tests.factories import act_on


def _resolved_and_due_a_call(app, clock):
    rt = runtime_of(app)
    ref, _ = new_case(app)
    from caseflow.services.accounts import viewer_named

    for action in ("accept", "start", "resolve"):
        with rt.uow() as uow:
            act_on(uow, rt.rules(), ref, action, viewer_named(uow, "butler"), rt.now())
    clock.advance(timedelta(days=4))
    sweep(rt.uow, rt.rules(), rt.now())
    return ref


def test_a_dispatcher_records_a_follow_up_call_on_the_grid_page(app, client, clock):
    ref = _resolved_and_due_a_call(app, clock)
    login(client, "dispatcher")
    page = text(client.get("/admin/grid"))
    assert "回访" in page and ref in page and "13800000001" in page
    done = post(client, f"/admin/grid/follow-ups/{ref}", {"outcome": "satisfied"},
                "/admin/grid")
    assert done.status_code == 302
    client.get("/admin/grid")  # the flash naming the case is shown once
    assert ref not in text(client.get("/admin/grid"))
    leader = app.test_client()
    login(leader, "leader")
    figures = text(leader.get("/admin/grid/channels"))
    assert "电话回访" in figures.split('id="channels"')[1] and "100.0%" in figures


def test_a_grievance_without_consent_is_refused_beside_the_field(app, client):
    login(client, "branch")
    form = {"title": "楼道灯坏了", "category": "noise", "unit": "rhine-b3",
            "reporter_name": "张大爷", "reporter_phone": "13800000077"}
    refused = post(client, "/admin/grid/on-behalf", form, "/admin/grid")
    assert refused.status_code == 422
    page = text(refused)
    assert 'id="problem-consent"' in page and "楼道灯坏了" in page  # what was typed is kept
    made = post(client, "/admin/grid/on-behalf", {**form, "consent": "verbal"}, "/admin/grid")
    assert made.status_code == 201
    link = text(made).split('id="submitted"')[1].split('href="')[1].split('"')[0]
    case_page = text(client.get(link))
    assert 'id="on-behalf"' in case_page and "口头同意" in case_page and "张大爷" in case_page


def test_the_inbox_lists_my_meeting_task_due_soon_and_the_calls_waiting(app, client, clock):
    from caseflow.models import Meeting, Unit

    rt = runtime_of(app)
    with rt.uow() as uow:
        from sqlalchemy import select

        rhine = uow.session.scalar(select(Unit.id).where(Unit.code == "rhine"))
        uow.session.add(Meeting(complex_id=rhine, kind="roundtable", title="议事会",
                                starts_at=rt.now(), due_at=rt.now() + timedelta(days=15),
                                created_at=rt.now(),
                                tasks=[{"title": "更换快递柜提示音", "owner": "dispatcher",
                                        "due_on": "2026-11-24"}]))
        uow.commit()
    _resolved_and_due_a_call(app, clock)  # four days on: the task is overdue
    login(client, "dispatcher")
    inbox = text(client.get("/inbox"))
    assert 'id="waiting-on-me"' in inbox and "更换快递柜提示音" in inbox
    assert "due-overdue" in inbox.split('id="waiting-on-me"')[1]
