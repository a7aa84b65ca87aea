"""An address_string alone goes to a dispatcher: token first, the case once they place it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import requests
from sqlalchemy import func, select

from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.models import Case, CaseEvent, IntakeRequest, OutboxMessage, User
from caseflow.services import intake_requests
from caseflow.services.cases import hash_token
from caseflow.services.runtime import Runtime
from caseflow.services.units import get_unit
from tests.open311.test_write import form, post

NOWHERE = "西城区某某胡同12号院"  # an address that names no complex or building we know


def unplaced(api_key: str, **fields: Any) -> dict[str, Any]:
    """A valid POST body whose only location is an address we cannot match."""
    return form(api_key, address_id=None, address_string=NOWHERE, **fields)


def waiting(rt: Runtime) -> list[IntakeRequest]:
    """Every intake request, oldest first."""
    with rt.uow() as uow:
        return list(uow.session.scalars(select(IntakeRequest).order_by(IntakeRequest.id)))


def count(rt: Runtime, model: type) -> int:
    """Rows of a table."""
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def register(rt: Runtime, users: dict[str, User], request_id: int, unit: str = "rhine",
             who: str = "dispatcher") -> Case:
    """A dispatcher registers the request at `unit`."""
    with rt.uow() as uow:
        return intake_requests.register(uow, rt.rules(), request_id, users[who].id, unit, rt.now())


def tracked(server: str, token: str, fmt: str = "json") -> requests.Response:
    """GET tokens/{token}."""
    return requests.get(f"{server}/tokens/{token}.{fmt}", timeout=10)


def test_an_unknown_address_answers_a_token_and_creates_no_case(
    server: str, rt: Runtime, api_key: str
) -> None:
    answer = post(server, unplaced(api_key, account_id="A-7"))
    assert answer.status_code == 201
    [created] = answer.json()
    assert list(created) == ["token", "service_notice", "account_id"]
    assert created["account_id"] == "A-7"
    assert NOWHERE in created["service_notice"] and "分拨员" in created["service_notice"]
    assert count(rt, Case) == 0
    [request] = waiting(rt)
    assert request.status == "waiting" and request.token_hash == hash_token(created["token"])
    assert request.category == "express_locker_noise" and request.address_string == NOWHERE
    assert tracked(server, created["token"]).json() == [
        {"service_request_id": None, "token": created["token"]}
    ]


def test_the_xml_answers_follow_the_spec(server: str, api_key: str) -> None:
    answer = post(server, unplaced(api_key), fmt="xml")
    assert answer.status_code == 201
    assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
    request = ET.fromstring(answer.content).find("request")
    assert request is not None
    assert [child.tag for child in request] == ["token", "service_notice", "account_id"]
    token = request.findtext("token", "")
    root = ET.fromstring(tracked(server, token, "xml").content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == ""
    assert root.findtext("request/token") == token


def test_the_notice_is_english_when_asked(server: str, api_key: str) -> None:
    answer = requests.post(f"{server}/requests.json", data=unplaced(api_key),
                           headers={"Accept-Language": "en"}, timeout=10)
    assert "a dispatcher will choose the place" in answer.json()[0]["service_notice"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"phone": None}, "phone is required"),
        ({"phone": "call me"}, "phone: is not a phone number"),
        ({"attribute[elderly]": "maybe"}, "attribute[elderly] must be one of"),
        ({"service_code": "no_such_service"}, "unknown service_code"),
    ],
)
def test_bad_fields_are_refused_before_anything_waits(
    server: str, rt: Runtime, api_key: str, fields: dict[str, Any], words: str
) -> None:
    answer = post(server, unplaced(api_key, **fields))
    assert answer.status_code == 400
    assert words in answer.json()[0]["description"]
    assert count(rt, IntakeRequest) == 0


def test_registering_makes_the_case_and_the_token_finds_it(
    server: str, rt: Runtime, api_key: str, users: dict[str, User]
) -> None:
    body = unplaced(api_key, media_url="https://img.example.cn/1.jpg",
                    **{"attribute[elderly]": "yes", "attribute[building]": "5号楼"})
    token = post(server, body).json()[0]["token"]
    [request] = waiting(rt)
    case = register(rt, users, request.id, "rhine-b3")
    assert case.version == 1 and case.state == "submitted"
    assert case.channel == "open311" and case.category == "express_locker_noise"
    assert case.place_unit.code == "rhine-b3"
    assert case.reporter_name == "刘女士" and case.reporter_phone == "13800000001"
    assert case.reporter_attrs == {"elderly": True, "email": "liu@example.cn"}
    assert case.green_channel and case.deadlines["accept"]["due_at"]
    for line in (f"地址：{NOWHERE}", "楼栋：5号楼", "图片：https://img.example.cn/1.jpg"):
        assert line in case.description
    assert case.tracking_token_hash == hash_token(token)  # the resident keeps one token
    with rt.uow() as uow:
        event = uow.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id))
        assert event is not None and event.action == "submit"
        assert (event.actor_role, event.actor_label) == ("dispatcher", "dispatcher")
        assert uow.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    [stored] = waiting(rt)
    assert stored.status == "registered" and stored.case_id == case.id
    assert tracked(server, token).json() == [{"service_request_id": case.ref, "token": token}]
    [record] = requests.get(f"{server}/requests/{case.ref}.json", timeout=10).json()
    assert record["address_id"] == "rhine-b3" and record["status"] == "open"


def test_registering_twice_is_refused(
    server: str, rt: Runtime, api_key: str, users: dict[str, User]
) -> None:
    post(server, unplaced(api_key))
    [request] = waiting(rt)
    register(rt, users, request.id)
    with pytest.raises(Conflict):
        register(rt, users, request.id, who="admin")
    with rt.uow() as uow, pytest.raises(Conflict):
        intake_requests.dismiss(uow, request.id, users["admin"].id, "重复", rt.now())
    assert count(rt, Case) == 1


def test_a_dismissed_request_tells_the_client_why(
    server: str, rt: Runtime, api_key: str, users: dict[str, User]
) -> None:
    token = post(server, unplaced(api_key)).json()[0]["token"]
    [request] = waiting(rt)
    with rt.uow() as uow, pytest.raises(InvalidInput, match="reason"):
        intake_requests.dismiss(uow, request.id, users["dispatcher"].id, "  ", rt.now())
    with rt.uow() as uow:
        intake_requests.dismiss(uow, request.id, users["dispatcher"].id, "不在本市", rt.now())
    answer = tracked(server, token)
    assert answer.status_code == 404
    assert "dismissed by a dispatcher: 不在本市" in answer.json()[0]["description"]
    with pytest.raises(Conflict):
        register(rt, users, request.id)
    assert count(rt, Case) == 0


@pytest.mark.parametrize(
    ("unit", "who", "error"),
    [
        ("nowhere", "dispatcher", InvalidInput),
        ("jiazhou-community", "dispatcher", InvalidInput),  # a place is a complex or building
        ("rhine", "butler", PermissionDenied),  # caseworkers do not dispatch
        ("xinghe", "dispatcher", PermissionDenied),  # outside the dispatcher's street
    ],
)
def test_bad_registrations_change_nothing(
    server: str, rt: Runtime, api_key: str, users: dict[str, User], unit: str, who: str,
    error: type[Exception],
) -> None:
    post(server, unplaced(api_key))
    [request] = waiting(rt)
    with pytest.raises(error):
        register(rt, users, request.id, unit, who)
    assert count(rt, Case) == 0 and waiting(rt)[0].status == "waiting"


def test_jurisdiction_id_limits_who_sees_and_where_it_goes(
    server: str, rt: Runtime, api_key: str, users: dict[str, User]
) -> None:
    token = post(server, unplaced(api_key), jurisdiction_id="zigong").json()[0]["token"]
    [request] = waiting(rt)
    assert request.jurisdiction is not None and request.jurisdiction.code == "zigong"
    with rt.uow() as uow:
        zigong = User(username="zg-dispatch", display_name="自贡分拨", role="dispatcher",
                      unit_id=get_unit(uow.session, "xinjie").id)
        uow.session.add(zigong)
        uow.commit()
        users["zg-dispatch"] = zigong
    with rt.uow() as uow:
        assert intake_requests.waiting_requests(uow.session, users["dispatcher"].id) == []
        assert len(intake_requests.waiting_requests(uow.session, zigong.id)) == 1
        assert len(intake_requests.waiting_requests(uow.session, users["admin"].id)) == 1
    with pytest.raises(NotFound):
        register(rt, users, request.id, "rhine")
    with pytest.raises(InvalidInput, match="jurisdiction_id"):
        register(rt, users, request.id, "rhine", "admin")
    assert tracked(server, token).status_code == 200
    assert requests.get(f"{server}/tokens/{token}.json", params={"jurisdiction_id": "leshan"},
                        timeout=10).status_code == 404
    case = register(rt, users, request.id, "xinghe", "zg-dispatch")
    assert case.place_unit.code == "xinghe"


def test_dispatchers_deciding_at_once_make_one_case(
    server: str, rt: Runtime, api_key: str, users: dict[str, User]
) -> None:
    post(server, unplaced(api_key))
    [request] = waiting(rt)
    start = threading.Barrier(4)

    def decide(who: str, unit: str) -> str:
        start.wait()
        try:
            register(rt, users, request.id, unit, who)
        except Conflict:
            return "conflict"
        return "registered"

    deciders = [("dispatcher", "rhine"), ("admin", "lotus"), ("dispatcher", "lotus"),
                ("admin", "rhine-b3")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(lambda pair: decide(*pair), deciders))
    assert outcomes == ["conflict", "conflict", "conflict", "registered"]
    assert count(rt, Case) == 1 and count(rt, CaseEvent) == 1
