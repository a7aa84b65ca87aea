"""Residents follow their case by reference and the last four digits of their phone (as
well as by link): category, description, photos, replies, the handling unit, expected
times and state changes; they withdraw and reopen where the lifecycle allows."""

from __future__ import annotations

import io
import re

import pytest

from caseflow.app import runtime_of
from caseflow.services.cases import get_case
from caseflow.services.users import find_user
from tests import photos
from tests.admin.conftest import csrf, post, text
from tests.factories import act_on

FORM = {"unit": "rhine-b3", "category": "noise", "title": "快递柜夜间噪音扰民",
        "description": "每晚十一点后还在响", "name": "刘女士", "phone": "138 0000 5678"}


@pytest.fixture(autouse=True)
def photo_store(app, tmp_path):
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "photos")


def reported(app) -> str:
    """A report with one photo, sent from another browser; its reference."""
    resident = app.test_client()
    data = {**FORM, "csrf_token": csrf(resident, "/report"),
            "photos": [(io.BytesIO(photos.png()), "a.png")]}
    page = text(resident.post("/report", data=data, content_type="multipart/form-data"))
    return re.search(r'id="ref">([^<]+)<', page).group(1)


def lookup(client, ref, digits):
    return post(client, "/track", {"ref": ref, "phone_last4": digits})


def staff_act(app, ref, action, note="", visibility=None, data=None):
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        act_on(uow, runtime.rules(), ref, action, find_user(uow.session, "butler"),
                    runtime.now(), note, data, visibility=visibility)


def test_the_reference_and_the_last_four_digits_open_the_tracking_page(app, client):
    ref = reported(app)
    staff_act(app, ref, "accept")
    staff_act(app, ref, "comment", "师傅明天上午上门", "public")
    answer = lookup(client, ref.lower(), "5678")
    assert answer.status_code == 302 and answer.location.endswith(f"/track/{ref}")
    page = text(client.get(f"/track/{ref}"))
    assert "噪音扰民" in page  # the category, by name
    assert "每晚十一点后还在响" in page  # the description
    assert "莱茵水岸物业服务中心" in page  # the handling unit
    assert 'id="expected-resolve"' in page  # when to expect the result
    assert "师傅明天上午上门" in page  # a public reply
    assert re.search(r'id="state">[^<]+<', page) and "签收" in page  # the state change
    thumb = re.search(r'<img src="(/track/[^"]+/thumbnail)"', page).group(1)
    with client.get(thumb) as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"


def test_wrong_digits_and_unknown_references_get_the_same_answer(app, client):
    ref = reported(app)
    wrong = lookup(client, ref, "0000")
    unknown = lookup(client, "CF-20261123-ZZZZZZ", "5678")
    assert wrong.status_code == unknown.status_code == 404
    message = re.compile(r'id="ref-error"[^>]*>([^<]+)<')
    assert message.search(text(wrong)).group(1) == message.search(text(unknown)).group(1)
    assert client.get(f"/track/{ref}").status_code == 404  # nothing was proved
    bad = lookup(client, ref, "56")
    assert bad.status_code == 422 and 'id="phone_last4-error"' in text(bad)


def test_guessing_digits_is_rate_limited(app, client):
    ref = reported(app)
    answers = [lookup(client, ref, f"{n:04d}").status_code for n in range(6)]
    assert answers[:5] == [404] * 5 and answers[5] == 429


def test_guessing_one_reference_from_many_addresses_is_limited_too(app):
    ref = reported(app)
    app.config["TRACK_LOOKUP_PER_CASE_LIMIT"] = "3 per hour"
    answers = []
    for n in range(4):
        other = app.test_client()
        token = csrf(other, "/track")
        answers.append(other.post("/track", data={"ref": ref, "phone_last4": f"{n:04d}",
                                                  "csrf_token": token},
                                  environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code)
    assert answers == [404, 404, 404, 429]


def test_the_resident_withdraws_with_a_reason_and_the_page_says_so(app, client):
    ref = reported(app)
    lookup(client, ref, "5678")
    page = text(client.get(f"/track/{ref}"))
    assert 'id="withdraw"' in page
    answer = post(client, f"/track/{ref}/withdraw", {"reason": ""}, f"/track/{ref}")
    assert answer.status_code == 422 and 'id="reason-error"' in text(answer)
    answer = post(client, f"/track/{ref}/withdraw", {"reason": "物业已经修好了"},
                  f"/track/{ref}")
    assert answer.status_code == 302
    page = text(client.get(f"/track/{ref}"))
    assert "已撤回" in page and 'id="withdraw"' not in page and "物业已经修好了" in page


def test_a_closed_case_can_be_reopened_by_its_resident(app, client):
    ref = reported(app)
    for action in ("accept", "start", "resolve"):
        staff_act(app, ref, action)
    lookup(client, ref, "5678")
    answer = post(client, f"/track/{ref}/evaluate", {"satisfaction": "satisfied"},
                  f"/track/{ref}")
    assert answer.status_code == 302
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        assert get_case(uow.session, ref).state == "closed"
    page = text(client.get(f"/track/{ref}"))
    assert 'id="reopen"' in page
    assert post(client, f"/track/{ref}/reopen", {"reason": "又开始响了"},
                f"/track/{ref}").status_code == 302
    with runtime.uow() as uow:
        assert get_case(uow.session, ref).state == "submitted"


def test_another_browser_without_proof_sees_nothing(app, client):
    ref = reported(app)
    assert client.get(f"/track/{ref}").status_code == 404
    assert client.get(f"/track/{ref}/photos/1/thumbnail").status_code == 404
    answer = post(client, f"/track/{ref}/withdraw", {"reason": "x"}, "/report")
    assert answer.status_code == 404
