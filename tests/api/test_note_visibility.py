"""Notes through the API: staff choose internal or a reply; residents read replies only."""

from __future__ import annotations

from sqlalchemy import update

from caseflow.models import User
from tests.api.test_errors import problem_of


def act(client, auth, ref, action, version, **extra):
    body = {"action": action, "version": version, **extra}
    return client.post(f"/api/v1/cases/{ref}/actions", json=body, headers=auth["butler"])


def test_the_action_takes_a_visibility_and_the_events_return_it(client, auth, case):
    ref = case["ref"]
    accepted = act(client, auth, ref, "accept", case["version"], note="内部：先查一下")
    assert accepted.status_code == 200, accepted.get_json()
    replied = act(client, auth, ref, "comment", accepted.get_json()["version"],
                  note="明天上午上门处理", visibility="public")
    assert replied.status_code == 200, replied.get_json()
    events = client.get(f"/api/v1/cases/{ref}/events", headers=auth["butler"]).get_json()
    notes = {e["note"]: e["visibility"] for e in events if e["note"]}
    assert notes == {"内部：先查一下": "internal", "明天上午上门处理": "public"}
    assert {e["visibility"] for e in events} <= {"internal", "public"}


def test_a_bad_visibility_is_a_422_naming_the_field_and_changes_nothing(client, auth, case):
    response = act(client, auth, case["ref"], "comment", case["version"], note="x",
                   visibility="everyone")
    assert problem_of(response, 422)["field"] == "visibility"
    events = client.get(f"/api/v1/cases/{case['ref']}/events", headers=auth["butler"]).get_json()
    assert [e["action"] for e in events] == ["submit"]


def test_staff_read_the_staff_name_on_the_events(client, auth, case, runtime):
    with runtime.uow() as uow:
        uow.session.execute(update(User).where(User.username == "butler")
                            .values(display_name="王小明"))
        uow.commit()
    act(client, auth, case["ref"], "accept", case["version"], note="收到")
    events = client.get(f"/api/v1/cases/{case['ref']}/events", headers=auth["butler"]).get_json()
    assert events[-1]["actor_label"] == "王小明" and events[-1]["actor_role"] == "caseworker"


def test_the_evaluation_without_a_choice_is_a_422_naming_satisfaction(client, case):
    response = client.post(f"/api/v1/cases/{case['ref']}/evaluation",
                           json={"tracking_token": case["tracking_token"], "comment": "好"})
    assert problem_of(response, 422)["field"] == "satisfaction"


def test_the_resident_api_shows_no_staff_note(client, auth, case):
    act(client, auth, case["ref"], "accept", case["version"], note="内部：先查一下")
    mine = client.get(f"/api/v1/cases/{case['ref']}",
                      headers={"X-Tracking-Token": case["tracking_token"]})
    assert mine.status_code == 200 and "先查一下" not in mine.get_data(as_text=True)


def test_the_resident_reads_the_public_history_with_the_tracking_token(client, auth, case,
                                                                      runtime):
    with runtime.uow() as uow:
        uow.session.execute(update(User).where(User.username == "butler")
                            .values(display_name="王小明"))
        uow.commit()
    accepted = act(client, auth, case["ref"], "accept", case["version"], note="内部：先查一下")
    act(client, auth, case["ref"], "comment", accepted.get_json()["version"],
        note="明天上午上门，电话 13912345678", visibility="public")
    response = client.get(f"/api/v1/cases/{case['ref']}/events",
                          headers={"X-Tracking-Token": case["tracking_token"]})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "先查一下" not in text and "王小明" not in text and "butler" not in text
    assert "13912345678" not in text
    events = response.get_json()
    assert [e["action"] for e in events] == ["submit", "accept", "comment"]
    assert events[-1]["note"] == "明天上午上门，电话 139****5678"
    assert events[1]["actor_label"] == "莱茵水岸物业服务中心" and events[1]["note"] == ""
    wrong = client.get(f"/api/v1/cases/{case['ref']}/events", headers={"X-Tracking-Token": "x"})
    assert wrong.status_code == 403
    assert client.get(f"/api/v1/cases/{case['ref']}/events").status_code == 401
