"""Residents report without an account, follow their case, and evaluate the result."""

from __future__ import annotations

import re

from caseflow.app import runtime_of
from caseflow.services.actions import act_on_case
from caseflow.services.cases import get_case
from caseflow.services.users import find_user
from tests.admin.conftest import login, post, text


def _resolve(app, ref):
    runtime = runtime_of(app)
    for action in ("accept", "start", "resolve"):
        with runtime.uow() as uow:
            act_on_case(uow, runtime.rules(), ref, action, find_user(uow.session, "butler"),
                        runtime.now())


FORM = {"unit": "rhine-b3", "category": "noise", "title": "快递柜夜间噪音扰民",
        "description": "每晚十一点后还在响", "name": "刘女士", "phone": "13800000001"}


def test_a_resident_reports_follows_and_evaluates(app, client):
    response = post(client, "/report", FORM)
    assert response.status_code == 201
    page = text(response)
    ref = re.search(r'id="ref">([^<]+)<', page).group(1)
    link = re.search(r'id="track-link" href="([^"]+)"', page).group(1)
    tracked = text(client.get(link))
    assert "待签收" in tracked and "刘**" in tracked and "13800000001" not in tracked
    _resolve(app, ref)
    tracked = text(client.get(link))
    assert "您对办理结果满意吗" in tracked
    token = link.split("token=")[1]
    answer = post(client, f"/track/{ref}/evaluate",
                  {"token": token, "satisfaction": "satisfied", "response": "5", "comment": "好"},
                  link.split("localhost")[1])
    assert answer.status_code == 302
    with runtime_of(app).uow() as uow:
        case = get_case(uow.session, ref)
        assert (case.state, case.satisfaction) == ("closed", "satisfied")


def test_an_evaluation_with_a_wrong_token_is_refused(app, client):
    page = text(post(client, "/report", FORM))
    ref = re.search(r'id="ref">([^<]+)<', page).group(1)
    _resolve(app, ref)
    response = post(client, f"/track/{ref}/evaluate", {"token": "x", "satisfaction": "satisfied"},
                    "/report")
    assert response.status_code == 404


def test_a_report_missing_a_field_says_which(client):
    response = post(client, "/report", {**FORM, "phone": "abc"})
    assert response.status_code == 422 and "请检查“电话”" in text(response)


def test_a_dispatcher_registers_a_phone_call(client):
    login(client, "dispatcher")
    response = post(client, "/intake", {**FORM, "channel": "phone"})
    assert response.status_code == 201 and "打开诉求" in text(response)
