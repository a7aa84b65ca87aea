"""Acting through the API: the case is found by id or reference within the actor's jurisdiction."""

from __future__ import annotations

import pytest


def act(client, auth, who, key, action="accept", version=1, **extra):
    return client.post(f"/api/v1/cases/{key}/actions",
                       json={"action": action, "version": version, **extra}, headers=auth[who])


@pytest.mark.parametrize("key", ["id", "ref"])
def test_a_case_is_acted_on_by_id_or_reference(client, auth, case, key):
    response = act(client, auth, "butler", case[key])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "accepted" and response.get_json()["version"] == 2


@pytest.mark.parametrize("key", ["id", "ref"])
def test_a_case_outside_the_jurisdiction_is_forbidden_and_left_alone(client, auth, case, key):
    response = act(client, auth, "lotus-butler", case[key])
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith("application/problem+json")
    read = client.get(f"/api/v1/cases/{case['id']}", headers=auth["butler"]).get_json()
    assert read["version"] == 1 and read["state"] == "submitted"


@pytest.mark.parametrize("key", ["999999", "2147483647", "CF-NOSUCHCASE", "x%00y"])
def test_an_unknown_case_is_not_found(client, auth, case, key):
    response = act(client, auth, "butler", key)
    # A NUL byte cannot name any case: the input cleaning refuses it first (400, the field).
    assert response.status_code == (400 if "%00" in key else 404)
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_units_above_and_admins_act_on_cases_in_their_area(client, auth, case):
    # The community reaches the case through its area, the admin reaches every case.
    noted = act(client, auth, "community", case["ref"], "comment", note="已转告物业")
    assert noted.status_code == 200 and noted.get_json()["version"] == 2
    accepted = act(client, auth, "admin", case["id"], "accept", version=2)
    assert accepted.status_code == 200 and accepted.get_json()["state"] == "accepted"


def test_a_resident_account_cannot_act(client, auth, case):
    assert act(client, auth, "resident-user", case["ref"]).status_code == 403


def test_the_action_answers_the_case_as_a_read_shows_it(client, auth, case):
    acted = act(client, auth, "butler", case["ref"]).get_json()
    read = client.get(f"/api/v1/cases/{case['ref']}", headers=auth["committee"]).get_json()
    assert acted == read  # both masked: the committee reads the reporter masked
    assert acted["unit"]["code"] == "rhine-office" and acted["place"] == case["place"]
    assert acted["reporter"]["masked"] and acted["version"] == 2 and acted["deadlines"]
