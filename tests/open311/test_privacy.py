"""The public GeoReport list and a single request show no personal data and no staff notes."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sqlalchemy import update

from caseflow.models import User
from caseflow.services.runtime import Runtime
from tests.factories import act_on
from tests.open311.conftest import file_case

PHONE, ID_NUMBER = "13912345678", "510104199001011234"
INTERNAL_NOTE = "内部：业主很难缠，先拖一拖"
REPLY = "已安排维修师傅明早九点上门"
STAFF_NAME = "王小明"


@pytest.fixture(params=["json", "xml"])
def fmt(request: pytest.FixtureRequest) -> str:
    """Both formats GeoReport serves: everything here must hold in each."""
    return str(request.param)


def _answers(server: str, ref: str, fmt: str) -> list[str]:
    """The public list and the single request, as a client reads them."""
    listed = requests.get(f"{server}/requests.{fmt}", timeout=10)
    single = requests.get(f"{server}/requests/{ref}.{fmt}", timeout=10)
    assert listed.status_code == single.status_code == 200
    return [listed.text, single.text]


def _worked_case(rt: Runtime, users: dict[str, Any], **overrides: Any) -> str:
    """A case a caseworker with a real name accepted with an internal note and replied to."""
    with rt.uow() as uow:
        uow.session.execute(update(User).where(User.username == "butler")
                            .values(display_name=STAFF_NAME))
        uow.commit()
    case, _token = file_case(rt, **overrides)
    with rt.uow() as uow:
        act_on(uow, rt.rules(), case.ref, "accept", users["butler"], rt.now(), INTERNAL_NOTE)
    with rt.uow() as uow:
        act_on(uow, rt.rules(), case.ref, "comment", users["butler"], rt.now(), REPLY,
                    visibility="public")
    return case.ref


def test_internal_notes_and_staff_names_never_reach_open311(
    server: str, rt: Runtime, users: dict[str, Any], fmt: str
) -> None:
    ref = _worked_case(rt, users)
    for text in _answers(server, ref, fmt):
        assert ref in text
        assert REPLY in text  # the reply to the resident is public
        assert INTERNAL_NOTE not in text and "难缠" not in text
        assert STAFF_NAME not in text and "butler" not in text
        assert "莱茵水岸物业服务中心" in text  # the handling unit is named instead


def test_no_reporter_data_and_numbers_in_descriptions_are_masked(
    server: str, rt: Runtime, users: dict[str, Any], fmt: str
) -> None:
    description = f"漏水严重，请回电 {PHONE}，身份证 {ID_NUMBER}"
    ref = _worked_case(rt, users, description=description)
    for text in _answers(server, ref, fmt):
        assert "漏水严重" in text
        assert PHONE not in text and ID_NUMBER not in text
        assert "139****5678" in text and "510104********1234" in text
        assert "刘女士" not in text and "13800000001" not in text  # the reporter


def test_a_phone_number_in_a_public_reply_is_masked(
    server: str, rt: Runtime, users: dict[str, Any]
) -> None:
    case, _token = file_case(rt)
    with rt.uow() as uow:
        act_on(uow, rt.rules(), case.ref, "comment", users["butler"], rt.now(),
                    f"师傅电话 {PHONE}", visibility="public")
    [record] = requests.get(f"{server}/requests/{case.ref}.json", timeout=10).json()
    assert "师傅电话 139****5678" in record["status_notes"]
