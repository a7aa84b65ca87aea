"""Every role × every endpoint, inside and outside the jurisdiction of the case."""

from __future__ import annotations

import io

import pytest

from caseflow.app import runtime_of
from caseflow.models import User
from caseflow.services import intake_requests, tokens
from caseflow.services.units import get_unit
from tests import photos
from tests.factories import submission

PNG = photos.png()
# (user, role, inside?) — "inside" users' units contain the case (held by rhine-office).
PEOPLE = [
    ("admin", "admin", True),
    ("dispatcher", "dispatcher", True),
    ("lead", "unit_lead", True),
    ("butler", "caseworker", True),
    ("leader", "leader", True),
    ("committee", "owners_committee", True),
    ("dispatcher-out", "dispatcher", False),
    ("lead-out", "unit_lead", False),
    ("lotus-butler", "caseworker", False),
    ("leader-out", "leader", False),
    ("committee-out", "owners_committee", False),
    ("resident-user", "resident", None),
    ("anonymous", None, None),
]
OUTSIDERS = {"dispatcher-out": "lotus", "lead-out": "lotus-office", "leader-out": "lotus",
             "committee-out": "lotus"}


def expected(endpoint: str, role: str | None, inside: bool | None) -> int:
    """The status a user should get: the specification this test checks."""
    if role is None:
        return 201 if endpoint == "submit" else 401
    if endpoint == "submit":
        return 201
    if endpoint == "units":
        return 200
    if role == "resident":
        return 403
    if endpoint.startswith("intake"):  # Open311 reports waiting for a place
        if role not in ("admin", "dispatcher"):
            return 403
        return 200 if endpoint == "intake" else 201 if inside else 403
    if endpoint == "rules_check":
        return 200 if role == "admin" else 403
    if endpoint in ("rules", "explain", "list"):
        return 200
    if not inside:
        return 403
    return 201 if endpoint == "upload" else 200


def waiting_report(client):
    """A fresh Open311 report waiting for a place (each registration uses one up)."""
    runtime = runtime_of(client.application)
    raw = {key: value for key, value in submission(channel="open311").items() if key != "unit"}
    with runtime.uow() as uow:
        report, _ = intake_requests.receive(uow, runtime.rules(), raw, "某地", None, None,
                                            runtime.now())
        return report.id


def call(client, endpoint, ref, headers, version):
    case = f"/api/v1/cases/{ref}"
    requests = {
        "submit": lambda: client.post("/api/v1/cases", json=submission(), headers=headers),
        "list": lambda: client.get("/api/v1/cases", headers=headers),
        "get": lambda: client.get(case, headers=headers),
        "actions": lambda: client.get(f"{case}/actions", headers=headers),
        "events": lambda: client.get(f"{case}/events", headers=headers),
        "act": lambda: client.post(
            f"{case}/actions", headers=headers,
            json={"action": "comment", "note": "已知悉", "version": version},
        ),
        "upload": lambda: client.post(f"{case}/attachments", headers=headers,
                                      data={"kind": "before", "file": (io.BytesIO(PNG), "a.png")}),
        "attachments": lambda: client.get(f"{case}/attachments", headers=headers),
        "units": lambda: client.get("/api/v1/units", headers=headers),
        "rules": lambda: client.get("/api/v1/rules", headers=headers),
        "rules_check": lambda: client.post("/api/v1/rules/check", json={"files": {}},
                                           headers=headers),
        "explain": lambda: client.post("/api/v1/rules/explain", json={"case": submission()},
                                       headers=headers),
        "intake": lambda: client.get("/api/v1/intake", headers=headers),
        "intake_register": lambda: client.post(
            f"/api/v1/intake/{waiting_report(client)}/register", json={"unit": "rhine"},
            headers=headers),
    }
    return requests[endpoint]()


ENDPOINTS = ("submit", "list", "get", "actions", "events", "act", "upload", "attachments",
             "units", "rules", "rules_check", "explain", "intake", "intake_register")


@pytest.fixture
def everyone(runtime, users, auth):
    """Auth headers for insiders, outsiders, a resident user and nobody."""
    headers = dict(auth)
    with runtime.uow() as uow:
        for name, unit in OUTSIDERS.items():
            role = next(r for n, r, _ in PEOPLE if n == name)
            user = User(username=name, display_name=name, role=role,
                        unit_id=get_unit(uow.session, unit).id)
            uow.session.add(user)
            uow.session.flush()  # the token needs the user's id
            _, secret = tokens.issue_token(uow, user, runtime.now())
            headers[name] = {"Authorization": f"Bearer {secret}"}
    headers["anonymous"] = {}
    return headers


def test_every_role_on_every_endpoint_inside_and_outside(client, everyone, case):
    wrong = []
    for endpoint in ENDPOINTS:
        for name, role, inside in PEOPLE:
            version = client.get(f"/api/v1/cases/{case['ref']}",
                                 headers=everyone["admin"]).get_json()["version"]
            response = call(client, endpoint, case["ref"], everyone[name], version)
            want = expected(endpoint, role, inside)
            if response.status_code != want:
                wrong.append((endpoint, name, response.status_code, want))
            if want >= 400:
                assert response.mimetype == "application/problem+json"
    assert wrong == []


def test_outsiders_list_nothing_of_other_areas(client, everyone, case):
    for name in ("dispatcher-out", "lead-out", "lotus-butler", "leader-out", "committee-out"):
        listed = client.get("/api/v1/cases", headers=everyone[name]).get_json()
        assert listed["total"] == 0, name
    for name in ("admin", "dispatcher", "lead", "butler", "leader", "committee"):
        assert client.get("/api/v1/cases", headers=everyone[name]).get_json()["total"] == 1, name
