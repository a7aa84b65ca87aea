"""The read side through the `georeport` client package, in JSON and in XML."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from georeport import GeoReport

from caseflow.domain.clock import FrozenClock
from caseflow.models import Case
from caseflow.services import attachments
from caseflow.services.runtime import Runtime
from tests import photos
from tests.factories import RESIDENT, act_on
from tests.open311.conftest import file_case

FORMATS = ["json", "xml"]


def as_list(value: Any) -> list[Any]:
    """xmltodict gives a dict for one element and a list for several."""
    return value if isinstance(value, list) else [value]


def flag(value: Any) -> bool:
    """JSON booleans, or XML's "true"/"false" text."""
    return value is True or value == "true"


@pytest.fixture(params=FORMATS)
def client(request: pytest.FixtureRequest, server: str) -> GeoReport:
    """A GeoReport client speaking one of the two formats to the live server."""
    return GeoReport(server, output_format=request.param)


def test_discovery_names_the_endpoint_and_both_formats(server: str) -> None:
    body = requests.get(f"{server}/discovery.json", timeout=10).json()
    [endpoint] = body["endpoints"]
    assert endpoint["url"] == server
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    xml = requests.get(f"{server}/discovery.xml", timeout=10)
    assert xml.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<discovery>')
    assert "<format>application/json</format>" in xml.text


def test_services_list_every_category_with_chinese_names_and_groups(client: GeoReport) -> None:
    services = {s["service_code"]: s for s in as_list(client.get_service_list())}
    locker = services["express_locker_noise"]
    assert locker["service_name"] == "快递柜噪音"
    assert locker["group"] == "噪音扰民"
    assert locker["type"] == "realtime"
    assert flag(locker["metadata"])
    assert "Express locker noise" in locker["keywords"]
    assert not flag(services["consultation"]["metadata"])


def test_services_speak_english_when_asked(server: str) -> None:
    headers = {"Accept-Language": "en"}
    body = requests.get(f"{server}/services.json", headers=headers, timeout=10).json()
    noise = next(s for s in body if s["service_code"] == "noise")
    assert noise["service_name"] == "Noise"


def test_service_definition_lists_the_elderly_and_building_attributes(client: GeoReport) -> None:
    definition = client.get_service_definition("noise")
    assert definition["service_code"] == "noise"
    attributes = (
        {a["code"]: a for a in as_list(definition["attributes"]["attribute"])}
        if (client.output_format == "xml")
        else {a["code"]: a for a in definition["attributes"]}
    )
    elderly = attributes["elderly"]
    assert elderly["datatype"] == "singlevaluelist"
    values = elderly["values"]["value"] if client.output_format == "xml" else elderly["values"]
    assert [v["key"] for v in as_list(values)] == ["yes", "no"]
    assert attributes["building"]["datatype"] == "string"
    assert str(attributes["building"]["order"]) == "2"


def test_one_request_carries_status_deadline_agency_and_place(
    client: GeoReport, rt: Runtime
) -> None:
    case, _token = file_case(rt)
    record = client.get_service_request(case.ref)
    assert record["service_request_id"] == case.ref
    assert record["status"] == "open"
    assert record["service_code"] == "noise"
    assert record["agency_responsible"] == "莱茵水岸物业服务中心"
    assert record["address_id"] == "rhine"
    assert float(record["lat"]) == pytest.approx(29.582)
    assert record["requested_datetime"] == "2026-11-23T09:00:00+08:00"
    # Submitted: the accept deadline of the property office (30 min in the shipped rules).
    assert record["expected_datetime"] == "2026-11-23T09:30:00+08:00"
    assert "物业" in record["status_notes"] and "提交" in record["status_notes"]


def test_media_url_points_at_the_first_photo(
    server: str, rt: Runtime, users: dict[str, Any], tmp_path: Path
) -> None:
    case, _token = file_case(rt)
    butler = users["butler"]
    with rt.uow() as uow:
        stored = uow.session.get(Case, case.id)
        assert stored is not None
        first = attachments.save_attachment(
            uow, stored, butler, "before", "tiles.png", photos.png(), rt.now(), tmp_path,
            photos.LIMITS,
        )
    with rt.uow() as uow:
        stored = uow.session.get(Case, case.id)
        assert stored is not None
        attachments.save_attachment(
            uow, stored, butler, "after", "fixed.png", photos.png((1, 2, 3)), rt.now(),
            tmp_path, photos.LIMITS,
        )
    [record] = requests.get(f"{server}/requests/{case.ref}.json", timeout=10).json()
    assert record["media_url"] == (
        f"{server.rsplit('/open311', 1)[0]}/api/v1/cases/{case.ref}/attachments/{first.id}"
    )


def test_status_notes_tell_the_latest_events_and_the_resolve_deadline(
    client: GeoReport, rt: Runtime, users: dict[str, Any]
) -> None:
    case, _token = file_case(rt)
    with rt.uow() as uow:
        act_on(uow, rt.rules(), case.ref, "accept", users["butler"], rt.now(), "马上处理",
                    visibility="public")
    record = client.get_service_request(case.ref)
    assert "签收：马上处理" in record["status_notes"]
    assert record["expected_datetime"] and record["expected_datetime"] > "2026-11-23T09:30"


def test_requests_filter_by_service_code_and_status(client: GeoReport, rt: Runtime) -> None:
    noise, _ = file_case(rt)
    parking, _ = file_case(rt, category="parking", title="车位被占")
    withdrawn, _ = file_case(rt, category="parking", title="撤回的诉求")
    with rt.uow() as uow:
        act_on(uow, rt.rules(), withdrawn.ref, "withdraw", RESIDENT, rt.now(), "已解决")
    by_code = as_list(client.get_service_requests(service_code="parking"))
    assert {r["service_request_id"] for r in by_code} == {parking.ref, withdrawn.ref}
    closed = as_list(client.get_service_requests(status="closed"))
    assert [r["service_request_id"] for r in closed] == [withdrawn.ref]
    opened = as_list(client.get_service_requests(status="open", service_code="noise,parking"))
    assert {r["service_request_id"] for r in opened} == {noise.ref, parking.ref}


def test_requests_come_newest_first(client: GeoReport, rt: Runtime, clock: FrozenClock) -> None:
    first, _ = file_case(rt)
    clock.advance(timedelta(hours=1))
    second, _ = file_case(rt, category="parking", title="车位被占")
    listed = as_list(client.get_service_requests())
    assert [r["service_request_id"] for r in listed] == [second.ref, first.ref]


def test_a_comma_list_of_ids_overrides_every_other_filter(
    client: GeoReport, rt: Runtime, clock: FrozenClock
) -> None:
    old, _ = file_case(rt)
    clock.advance(timedelta(days=120))
    new, _ = file_case(rt, category="parking", title="车位被占")
    listed = as_list(
        client.get_service_requests(
            service_request_id=f"{old.ref},{new.ref}", service_code="fee_dispute", status="closed"
        )
    )
    assert {r["service_request_id"] for r in listed} == {old.ref, new.ref}


def test_the_default_window_is_the_last_90_days(
    client: GeoReport, rt: Runtime, clock: FrozenClock
) -> None:
    old, _ = file_case(rt)
    clock.advance(timedelta(days=100))
    new, _ = file_case(rt, category="parking", title="车位被占")
    assert [r["service_request_id"] for r in as_list(client.get_service_requests())] == [new.ref]
    early = as_list(
        client.get_service_requests(
            start_date="2026-11-22T00:00:00Z", end_date="2026-11-24T00:00:00+08:00"
        )
    )
    assert [r["service_request_id"] for r in early] == [old.ref]
    from_start = as_list(client.get_service_requests(start_date="2026-11-01T00:00:00Z"))
    assert [r["service_request_id"] for r in from_start] == [old.ref]


def test_a_window_longer_than_90_days_is_refused(server: str) -> None:
    answer = requests.get(
        f"{server}/requests.json",
        params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == [
        {"code": 400, "description": "start_date and end_date may not span more than 90 days"}
    ]


def test_the_tracking_token_maps_to_its_request(server: str, rt: Runtime) -> None:
    case, token = file_case(rt)
    body = requests.get(f"{server}/tokens/{token}.json", timeout=10).json()
    assert body == [{"service_request_id": case.ref, "token": token}]
    xml = requests.get(f"{server}/tokens/{token}.xml", timeout=10).text
    assert f"<service_request_id>{case.ref}</service_request_id>" in xml
    assert requests.get(f"{server}/tokens/nonsense.json", timeout=10).status_code == 404


def test_jurisdiction_scopes_reads_and_unknown_ones_are_404(server: str, rt: Runtime) -> None:
    case, _ = file_case(rt)
    leshan = GeoReport(server, jurisdiction="leshan")
    assert [r["service_request_id"] for r in leshan.get_service_requests()] == [case.ref]
    zigong = GeoReport(server, jurisdiction="zigong")
    assert zigong.get_service_requests() == []
    for path in (
        "services.json",
        "requests.json",
        f"requests/{case.ref}.json",
        "services/noise.json",
    ):
        answer = requests.get(
            f"{server}/{path}", params={"jurisdiction_id": "atlantis"}, timeout=10
        )
        assert answer.status_code == 404, path
        assert answer.json()[0]["code"] == 404


def test_unknown_requests_and_services_are_404_in_the_spec_shape(server: str) -> None:
    answer = requests.get(f"{server}/requests/CF-20260101-NOSUCH.xml", timeout=10)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert "<errors><error><code>404</code><description>" in answer.text
    assert requests.get(f"{server}/services/nope.json", timeout=10).status_code == 404
    assert requests.get(f"{server}/requests.html", timeout=10).status_code == 404
