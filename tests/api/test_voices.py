"""The API's case shows how many residents added their voice (附议) to it."""

from __future__ import annotations

from caseflow.services.voices import AddVoice, add_voice


def test_the_case_and_the_list_count_the_voices(client, auth, case, runtime):
    ref = case["ref"]
    for phone in ("13600000003", "13600000004"):
        with runtime.uow() as uow:
            add_voice(uow, AddVoice(ref, "张女士", phone, "web"), runtime.now())
    one = client.get(f"/api/v1/cases/{ref}", headers=auth["butler"]).get_json()
    assert one["voices"] == 2
    listed = client.get("/api/v1/cases", headers=auth["butler"]).get_json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [item["voices"] for item in items if item["ref"] == ref] == [2]
    mine = client.get(f"/api/v1/cases/{ref}",
                      headers={"X-Tracking-Token": case["tracking_token"]}).get_json()
    assert mine["voices"] == 2
