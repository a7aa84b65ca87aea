"""Residents report without an account, follow their case, and evaluate the result."""

from __future__ import annotations

import re

from caseflow.app import runtime_of
from caseflow.services.cases import get_case
from caseflow.services.users import find_user
from tests.admin.conftest import login, post, text
from tests.factories import act_on


def _resolve(app, ref):
    runtime = runtime_of(app)
    for action in ("accept", "start", "resolve"):
        with runtime.uow() as uow:
            act_on(uow, runtime.rules(), ref, action, find_user(uow.session, "butler"),
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
    page = text(response)
    assert response.status_code == 422 and 'id="phone-error"' in page
    assert "请填写能回访您的电话号码" in page and 'value="abc"' in page


def test_a_dispatcher_registers_a_phone_call(client):
    login(client, "dispatcher")
    response = post(client, "/intake", {**FORM, "channel": "phone"})
    assert response.status_code == 201 and "打开诉求" in text(response)


def _reported(client):
    page = text(post(client, "/report", FORM))
    ref = re.search(r'id="ref">([^<]+)<', page).group(1)
    link = re.search(r'id="track-link" href="([^"]+)"', page).group(1)
    return ref, link.split("localhost")[1]


def _as_butler(app, ref, action, note, visibility=None):
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        butler = find_user(uow.session, "butler")
        butler.display_name = "王小明"  # a real name, which the resident must never read
        act_on(uow, runtime.rules(), ref, action, butler, runtime.now(), note,
                    visibility=visibility)


def test_the_tracking_page_shows_replies_but_never_internal_notes_or_staff_names(app, client):
    ref, link = _reported(client)
    _as_butler(app, ref, "accept", "内部：先别告诉业主")
    _as_butler(app, ref, "comment", "已安排师傅明天上午上门，电话 13912345678", "public")
    tracked = text(client.get(link))
    assert "已安排师傅明天上午上门" in tracked and "139****5678" in tracked
    assert "13912345678" not in tracked
    assert "先别告诉业主" not in tracked
    assert "王小明" not in tracked and "butler" not in tracked
    assert "莱茵水岸物业服务中心" in tracked  # who handles it: the unit, by name
    assert "签收" in tracked  # the state change itself is shown
    assert 'id="expected-resolve"' in tracked  # when the resident can expect the result


def test_the_case_page_lets_staff_choose_internal_or_reply_and_marks_each(app, client):
    ref, _link = _reported(client)
    _as_butler(app, ref, "accept", "内部：先别告诉业主")
    _as_butler(app, ref, "comment", "已安排师傅上门", "public")
    login(client, "butler")
    page = text(client.get(f"/cases/{ref}"))
    assert 'name="visibility" value="internal" checked' in page
    internal = re.search(r'class="note-internal">(.*?)</div>', page, re.S).group(1)
    reply = re.search(r'class="note-public">(.*?)</div>', page, re.S).group(1)
    assert "内部备注" in internal and "先别告诉业主" in internal
    assert "回复居民" in reply and "已安排师傅上门" in reply


def test_a_reply_chosen_on_the_case_page_reaches_the_resident(app, client):
    ref, link = _reported(client)
    login(client, "butler")
    case_page = f"/cases/{ref}"
    for note, visibility in (("内部：记一下", "internal"), ("我们已收到，今天处理", "public")):
        version = re.search(r'name="version" value="(\d+)"', text(client.get(case_page))).group(1)
        answer = post(client, f"/cases/{ref}/act", {"action": "comment", "version": version,
                                                      "note": note, "visibility": visibility},
                      case_page)
        assert answer.status_code == 302
    tracked = text(client.get(link))
    assert "我们已收到，今天处理" in tracked and "记一下" not in tracked


def test_the_evaluation_asks_for_an_explicit_choice_and_keeps_the_comment(app, client):
    ref, link = _reported(client)
    _resolve(app, ref)
    page = text(client.get(link))
    assert "您对办理结果满意吗" in page
    radios = re.findall(r'<input type="radio" name="satisfaction"[^>]*>', page)
    assert len(radios) == 3 and not any("checked" in radio for radio in radios)
    token = link.split("token=")[1]
    answer = post(client, f"/track/{ref}/evaluate", {"token": token, "comment": "师傅态度很好"},
                  link)
    assert answer.status_code == 422
    again = text(answer)
    assert "请选择您对办理结果的满意程度" in again and "师傅态度很好" in again
    with runtime_of(app).uow() as uow:
        assert get_case(uow.session, ref).state == "resolved"  # nothing was recorded


def test_a_bad_visibility_on_the_case_page_names_the_field_and_keeps_the_note(app, client):
    ref, _link = _reported(client)
    login(client, "butler")
    case_page = f"/cases/{ref}"
    version = re.search(r'name="version" value="(\d+)"', text(client.get(case_page))).group(1)
    answer = post(client, f"/cases/{ref}/act", {"action": "comment", "version": version,
                                                  "note": "写给谁？", "visibility": "everyone"},
                  case_page)
    assert answer.status_code == 422
    page = text(answer)
    assert "备注可见范围" in page and "写给谁？" in page
