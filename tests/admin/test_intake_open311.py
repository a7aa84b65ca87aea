"""The intake page's Open311 section: dispatchers place or dismiss reports without a place."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from caseflow.app import runtime_of
from caseflow.models import Case, IntakeRequest
from caseflow.services import intake_requests
from tests.admin.conftest import login, post, text
from tests.factories import submission

ADDRESS = "西城区某某胡同12号院"


def receive(app: Flask) -> int:
    """An Open311 report whose address named no place; returns the intake request's id."""
    rt = runtime_of(app)
    raw = submission(channel="open311", title="楼道灯坏了", description="楼道灯坏了一周")
    with rt.uow() as uow:
        request, _token = intake_requests.receive(uow, rt.rules(), raw, ADDRESS, None, None,
                                                  rt.now())
        return request.id


def status_of(app: Flask, request_id: int) -> str:
    """The intake request's status now."""
    with runtime_of(app).uow() as uow:
        request = uow.session.get(IntakeRequest, request_id)
        assert request is not None
        return request.status


def cases(app: Flask) -> int:
    """How many cases exist."""
    with runtime_of(app).uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Case)) or 0


def test_a_dispatcher_sees_the_report_and_registers_it(app: Flask, client: FlaskClient) -> None:
    request_id = receive(app)
    login(client, "dispatcher")
    page = text(client.get("/intake"))
    assert f'id="intake-{request_id}"' in page and ADDRESS in page and "13800000001" in page
    answer = post(client, f"/intake/open311/{request_id}/register", {"unit": "rhine"}, "/intake")
    assert answer.status_code == 302
    with runtime_of(app).uow() as uow:
        case = uow.session.scalar(select(Case))
        assert case is not None and case.channel == "open311" and case.title == "楼道灯坏了"
    assert answer.headers["Location"].endswith(f"/cases/{case.ref}")
    assert f"已立案，编号 {case.ref}" in text(client.get(answer.headers["Location"]))
    assert status_of(app, request_id) == "registered"
    assert f'id="intake-{request_id}"' not in text(client.get("/intake"))
    again = post(client, f"/intake/open311/{request_id}/register", {"unit": "rhine"}, "/intake")
    assert again.status_code == 409 and cases(app) == 1


def test_a_dispatcher_dismisses_with_a_reason(app: Flask, client: FlaskClient) -> None:
    request_id = receive(app)
    login(client, "admin")
    empty = post(client, f"/intake/open311/{request_id}/dismiss", {"reason": " "}, "/intake")
    assert empty.status_code == 422 and status_of(app, request_id) == "waiting"
    answer = post(client, f"/intake/open311/{request_id}/dismiss", {"reason": "不在本市"},
                  "/intake")
    assert answer.status_code == 302
    assert "该诉求已不予受理" in text(client.get("/intake"))
    assert status_of(app, request_id) == "dismissed" and cases(app) == 0


def test_a_bad_place_changes_nothing(app: Flask, client: FlaskClient) -> None:
    request_id = receive(app)
    login(client, "dispatcher")
    for unit, status in (("", 422), ("jiazhou-community", 422), ("nowhere", 422)):
        answer = post(client, f"/intake/open311/{request_id}/register", {"unit": unit},
                      "/intake")
        assert answer.status_code == status, unit
    assert status_of(app, request_id) == "waiting" and cases(app) == 0


def test_caseworkers_neither_see_nor_place_reports(app: Flask, client: FlaskClient) -> None:
    request_id = receive(app)
    login(client, "butler")
    page = text(client.get("/intake"))
    assert "open311-waiting" not in page
    answer = post(client, f"/intake/open311/{request_id}/register", {"unit": "rhine"}, "/intake")
    assert answer.status_code == 403 and status_of(app, request_id) == "waiting"


def test_the_section_reads_in_both_languages(app: Flask, client: FlaskClient) -> None:
    receive(app)
    login(client, "dispatcher")
    assert "等待确定地点的 Open311 诉求" in text(client.get("/intake"))
    client.set_cookie("caseflow_lang", "en")
    page = text(client.get("/intake"))
    assert "Open311 reports waiting for a place" in page and "Register as a case" in page
