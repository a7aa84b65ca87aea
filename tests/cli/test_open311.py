"""`caseflow open311 waiting|register|dismiss` on a real SQLite file."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import select

from caseflow.cli.common import runtime
from caseflow.models import User
from caseflow.services import intake_requests
from caseflow.services.units import get_unit
from tests.cli.test_commands import cli  # noqa: F401  (the fixture)
from tests.factories import submission

ADDRESS = "西城区某某胡同12号院"


@pytest.fixture
def report(cli):  # noqa: F811
    """A dispatcher on the Jiazhou street and one waiting report; returns its id."""
    assert os.environ["CASEFLOW_INSTANCE_PATH"]
    rt = runtime()
    with rt.uow() as uow:
        street = get_unit(uow.session, "jiazhou-street").id
        uow.session.add(User(username="dispatch.jz", display_name="分拨员", role="dispatcher",
                             unit_id=street))
        uow.session.add(User(username="butler.jz", display_name="管家", role="caseworker",
                             unit_id=street))
        uow.commit()
    raw = submission(channel="open311")
    raw.pop("unit")
    with rt.uow() as uow:
        request, _token = intake_requests.receive(uow, rt.rules(), raw, ADDRESS, None, None,
                                                  rt.now())
    rt.engine.dispose()
    return request.id


def test_waiting_lists_the_report(cli, report):  # noqa: F811
    result = cli("open311", "waiting", "--as", "dispatch.jz")
    assert result.exit_code == 0
    [row] = json.loads(result.output)
    assert row["id"] == report and row["address_string"] == ADDRESS
    assert row["reporter"] == {"name": "刘女士", "phone": "13800000001"}


def test_register_prints_the_case_and_refuses_a_second_time(cli, report):  # noqa: F811
    result = cli("open311", "register", str(report), "--unit", "rhine", "--as", "dispatch.jz")
    assert result.exit_code == 0, result.output
    case = json.loads(result.output)
    assert case["ref"].startswith("CF-") and case["state"] == "submitted"
    assert case["unit"] == "rhine-office"  # routed as any noise case at the Rhine complex
    again = cli("open311", "register", str(report), "--unit", "rhine", "--as", "dispatch.jz")
    assert again.exit_code == 1 and "conflict: intake request" in again.output
    assert json.loads(cli("open311", "waiting", "--as", "dispatch.jz").output) == []


def test_plain_errors_for_bad_input(cli, report):  # noqa: F811
    for args, words in (
        (("register", str(report), "--unit", "nowhere", "--as", "dispatch.jz"), "unknown unit"),
        (("register", str(report), "--unit", "rhine", "--as", "butler.jz"), "forbidden"),
        (("register", "999", "--unit", "rhine", "--as", "dispatch.jz"), "not found"),
        (("dismiss", str(report), "--reason", " ", "--as", "dispatch.jz"), "reason"),
        (("waiting", "--as", "nobody"), "user nobody not found"),
    ):
        result = cli("open311", *args)
        assert result.exit_code == 1 and words in result.output, (args, result.output)
    dismissed = cli("open311", "dismiss", str(report), "--reason", "不在本市",
                    "--as", "dispatch.jz")
    assert dismissed.exit_code == 0
    rt = runtime()
    with rt.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == "dispatch.jz"))
        assert user is not None
        assert intake_requests.get_request(uow.session, report, user.id).status == "dismissed"
    rt.engine.dispose()
