"""Issue 15: "overdue" is read from the running clocks at the moment of asking, never from
what the sweep has noted (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from caseflow.services import tokens
from caseflow.services.cases import get_case
from caseflow.services.sweep import sweep
from tests.api.test_cases import act


def _fresh_token(runtime: Any, user: Any) -> dict[str, str]:
    with runtime.uow() as uow:
        _, secret = tokens.issue_token(uow, user, runtime.now(), name="later")
    return {"Authorization": f"Bearer {secret}"}


def _sweep(runtime: Any) -> None:
    sweep(runtime.uow, runtime.rules(), runtime.now())


def _case(client: Any, auth: Any, ref: str) -> dict[str, Any]:
    return client.get(f"/api/v1/cases/{ref}", headers=auth["admin"]).get_json()


def _listed_overdue(client: Any, auth: Any) -> set[str]:
    body = client.get("/api/v1/cases?overdue=true&per_page=100", headers=auth["admin"]).get_json()
    return {item["ref"] for item in body["items"]}


def _overdue_count(client: Any, auth: Any) -> int:
    body = client.get("/api/v1/stats/unresolved?by=layer", headers=auth["admin"]).get_json()
    (total,) = [r for r in body["tables"]["by_layer"]["rows"] if r["key"] == "total"]
    return total["overdue"]


def test_the_overdue_count_stays_the_same_right_after_the_sweep_notes_it(
    client, auth, case, runtime, clock
):
    # The butler's 5-minute "respond" promise has passed: the sweep only notes it (warn_only).
    clock.advance(timedelta(minutes=6))
    assert _overdue_count(client, auth) == 1
    _sweep(runtime)
    after = _case(client, auth, case["ref"])
    assert after["layer"] == "property"  # noted, not moved
    assert after["overdue"] and not after["warning"]
    assert _overdue_count(client, auth) == 1
    assert _listed_overdue(client, auth) == {case["ref"]}


def test_a_case_at_the_city_layer_past_both_deadlines_reads_overdue(client, users, case, runtime,
                                                                    clock):
    for _ in range(60):  # nobody accepts: the sweep climbs it to the top and supervises it
        with runtime.uow() as uow:  # the sweep's own work queue says when it acts next
            row = get_case(uow.session, case["ref"])
            layer, due = row.layer, row.next_due_at
        if layer == "city" or due is None:
            break
        clock.set(max(clock.now(), due) + timedelta(minutes=1))
        _sweep(runtime)
    clock.advance(timedelta(days=40))  # past the accept and the resolve deadline at the city
    _sweep(runtime)
    _sweep(runtime)
    auth = {"admin": _fresh_token(runtime, users["admin"])}  # the first one lasts 30 days
    top = _case(client, auth, case["ref"])
    assert top["layer"] == "city" and top["supervised"]
    assert top["overdue"] is True
    assert case["ref"] in _listed_overdue(client, auth)
    not_overdue = client.get("/api/v1/cases?overdue=false", headers=auth["admin"]).get_json()
    assert case["ref"] not in {item["ref"] for item in not_overdue["items"]}


def test_on_hold_is_not_overdue_and_resumed_past_its_deadline_is(client, auth, case, clock):
    ref, version = case["ref"], case["version"]
    for action in ("accept", "start"):
        response = act(client, auth, "butler", ref, action, version)
        assert response.status_code == 200, response.get_json()
        version = response.get_json()["version"]
    clock.advance(timedelta(days=10))  # past the resolve deadline (3 working days)
    assert _case(client, auth, ref)["overdue"] is True
    held = act(client, auth, "butler", ref, "hold", version, note="等待业委会答复")
    assert held.status_code == 200, held.get_json()
    assert _case(client, auth, ref)["overdue"] is False
    assert ref not in _listed_overdue(client, auth) and _overdue_count(client, auth) == 0
    clock.advance(timedelta(days=2))
    resumed = act(client, auth, "butler", ref, "resume", held.get_json()["version"])
    assert resumed.status_code == 200, resumed.get_json()
    assert _case(client, auth, ref)["overdue"] is True
    assert ref in _listed_overdue(client, auth) and _overdue_count(client, auth) == 1
