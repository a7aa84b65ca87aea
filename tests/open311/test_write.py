"""The write side by hand: POST requests, api_key checks, errors, places, tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import requests
from sqlalchemy import select

from caseflow.models import ApiToken, Case
from caseflow.services import tokens
from caseflow.services.runtime import Runtime
from tests.open311.conftest import issue


def form(api_key: str | None, **fields: Any) -> dict[str, Any]:
    """A valid GeoReport POST body about the Rhine Waterfront, with `fields` on top."""
    body: dict[str, Any] = {
        "service_code": "express_locker_noise",
        "description": "3栋楼下的快递柜每晚十一点后还在响提示音。\n已持续一周。",
        "address_id": "rhine",
        "first_name": "女士",
        "last_name": "刘",
        "phone": "13800000001",
        "email": "liu@example.cn",
    }
    if api_key is not None:
        body["api_key"] = api_key
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


def post(server: str, body: dict[str, Any], fmt: str = "json", **params: Any) -> requests.Response:
    """POST a form-encoded service request."""
    return requests.post(f"{server}/requests.{fmt}", data=body, params=params, timeout=10)


def stored(rt: Runtime, ref: str) -> Case:
    """The case as the database holds it, place loaded."""
    with rt.uow() as uow:
        case = uow.session.scalar(select(Case).where(Case.ref == ref))
        assert case is not None
        return case


def test_a_valid_key_creates_an_open311_case(server: str, rt: Runtime, api_key: str) -> None:
    answer = post(server, form(api_key, **{"attribute[elderly]": "yes"}))
    assert answer.status_code == 201
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    [created] = answer.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id", "token"}
    case = stored(rt, created["service_request_id"])
    assert case.channel == "open311"
    assert case.category == "express_locker_noise"
    assert case.place_unit.code == "rhine"
    assert case.title == "3栋楼下的快递柜每晚十一点后还在响提示音。"
    assert case.reporter_name == "刘女士" and case.reporter_phone == "13800000001"
    assert case.reporter_attrs == {"elderly": True, "email": "liu@example.cn"}
    assert case.green_channel  # routing.yaml: elderly reporters take the green channel
    assert created["service_notice"].startswith(f"诉求 {case.ref} 由")
    # The token answers GET tokens/{token} and is the resident's tracking token.
    tracked = requests.get(f"{server}/tokens/{created['token']}.json", timeout=10).json()
    assert tracked[0]["service_request_id"] == case.ref


def test_the_created_request_reads_back(server: str, api_key: str) -> None:
    ref = post(server, form(api_key)).json()[0]["service_request_id"]
    [record] = requests.get(f"{server}/requests/{ref}.json", timeout=10).json()
    assert record["status"] == "open"
    assert record["service_code"] == "express_locker_noise"
    assert record["address_id"] == "rhine"


def test_the_xml_answer_uses_the_spec_elements(server: str, api_key: str) -> None:
    answer = post(server, form(api_key), fmt="xml")
    assert answer.status_code == 201
    assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(answer.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert request.findtext("service_request_id", "").startswith("CF-")
    assert request.find("account_id") is not None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_a_key_the_answer_is_403(server: str, rt: Runtime, fmt: str) -> None:
    answer = post(server, form(None), fmt=fmt)
    assert answer.status_code == 403
    if fmt == "json":
        assert answer.json() == [
            {"code": 403, "description": "api_key is required to create a service request"}
        ]
    else:
        error = ET.fromstring(answer.content).find("error")
        assert error is not None and error.findtext("code") == "403"
    with rt.uow() as uow:
        assert uow.session.scalar(select(Case)) is None


def test_bad_revoked_expired_or_read_only_keys_are_403(server: str, rt: Runtime) -> None:
    revoked = issue(rt)
    with rt.uow() as uow:
        token_id = uow.session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()))
        assert token_id is not None
        tokens.revoke_token(uow, token_id, rt.now())
    expired = issue(rt, days=1)
    rt.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    read_only = issue(rt, can_submit=False)
    for key in ("cf_not-a-token", revoked, expired, read_only):
        answer = post(server, form(key))
        assert answer.status_code == 403, key
        [error] = answer.json()
        assert error["code"] == 403 and error["description"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"service_code": "no_such_service"}, "unknown service_code"),
        ({"service_code": ""}, "service_code is required"),
        ({"description": "  "}, "description is required"),
        ({"address_id": None}, "a location is required"),
        ({"address_id": "nowhere"}, "not a known complex or building"),
        ({"address_id": "jiazhou-community"}, "must name a complex or a building"),
        ({"address_id": None, "lat": "29.58"}, "lat and long must be given together"),
        ({"address_id": None, "lat": "91", "long": "103"}, "lat must be between"),
        ({"address_id": None, "lat": "39.9", "long": "116.4"}, "no residential complex within"),
        ({"attribute[elderly]": "maybe"}, "attribute[elderly] must be one of: yes, no"),
        ({"attribute[colour]": "red"}, "attribute[colour] is not an attribute"),
        ({"phone": None}, "phone is required"),
        ({"phone": "call me"}, "phone: is not a phone number"),
    ],
)
def test_bad_requests_are_400_with_a_clear_description(
    server: str, api_key: str, fields: dict[str, Any], words: str
) -> None:
    answer = post(server, form(api_key, **fields))
    assert answer.status_code == 400
    [error] = answer.json()
    assert error["code"] == 400
    assert words in error["description"]


def test_a_json_body_is_refused(server: str, api_key: str) -> None:
    answer = requests.post(f"{server}/requests.json", json=form(api_key), timeout=10)
    assert answer.status_code == 400
    assert "x-www-form-urlencoded" in answer.json()[0]["description"]


def test_lat_long_picks_the_nearest_complex(server: str, rt: Runtime, api_key: str) -> None:
    near_lotus = form(api_key, address_id=None, lat="29.5990", long="103.7415")
    case = stored(rt, post(server, near_lotus).json()[0]["service_request_id"])
    assert case.place_unit.code == "lotus"
    near_rhine = form(api_key, address_id=None, lat="29.5830", long="103.7600")
    case = stored(rt, post(server, near_rhine).json()[0]["service_request_id"])
    assert case.place_unit.code == "rhine"


def test_an_address_string_naming_a_complex_is_placed_there(
    server: str, rt: Runtime, api_key: str
) -> None:
    body = form(api_key, address_id=None, address_string="荷花苑北门快递柜旁")
    case = stored(rt, post(server, body).json()[0]["service_request_id"])
    assert case.place_unit.code == "lotus"
    assert "地址：荷花苑北门快递柜旁" in case.description


def test_the_building_attribute_narrows_the_place(server: str, rt: Runtime, api_key: str) -> None:
    body = form(api_key, **{"attribute[building]": "3栋"})
    case = stored(rt, post(server, body).json()[0]["service_request_id"])
    assert case.place_unit.code == "rhine-b3"
    unknown = form(api_key, **{"attribute[building]": "99栋"})
    case = stored(rt, post(server, unknown).json()[0]["service_request_id"])
    assert case.place_unit.code == "rhine" and "楼栋：99栋" in case.description


def test_jurisdiction_id_is_checked_on_post(server: str, api_key: str) -> None:
    assert post(server, form(api_key), jurisdiction_id="leshan").status_code == 201
    outside = post(server, form(api_key), jurisdiction_id="zigong")
    assert outside.status_code == 400
    assert "outside this jurisdiction" in outside.json()[0]["description"]
    unknown = post(server, form(api_key, jurisdiction_id="atlantis"))
    assert unknown.status_code == 404
    assert unknown.json() == [{"code": 404, "description": "jurisdiction_id 'atlantis' not found"}]


def test_lat_long_stays_inside_the_jurisdiction(server: str, rt: Runtime, api_key: str) -> None:
    body = form(api_key, address_id=None, lat="29.34", long="104.77", jurisdiction_id="leshan")
    answer = post(server, body)
    assert answer.status_code == 400  # 星河家园 is in Zigong, and Leshan's complexes are far
    body["jurisdiction_id"] = "zigong"
    case = stored(rt, post(server, body).json()[0]["service_request_id"])
    assert case.place_unit.code == "xinghe"
