"""The stats API answers the same numbers as the service, scoped to the viewer."""

from __future__ import annotations

import pytest

from caseflow.app import runtime_of
from caseflow.services import tokens
from tests.reporting.helpers import run

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def runtime(app):  # noqa: F811 - the app's own runtime
    return runtime_of(app)


@pytest.fixture
def auth(runtime, dataset):
    headers = {}
    with runtime.uow() as uow:
        for name, user in dataset.items():
            _, secret = tokens.issue_token(uow, uow.session.merge(user), runtime.now(),
                                           name="test")
            headers[name] = {"Authorization": f"Bearer {secret}"}
        uow.commit()
    return headers


@pytest.mark.parametrize(("name", "options"), [
    ("rates", {}),
    ("unresolved", {"by": "age"}),
    ("containment", {}),
    ("hotspots", {}),
    ("ranking", {"level": "complex"}),
    ("property-ratings", {}),
])
def test_a_leader_reads_their_street(app, runtime, auth, name, options):
    response = app.test_client().get(f"/api/v1/stats/{name}", query_string=NOVEMBER | options,
                                     headers=auth["leader"])
    assert response.status_code == 200, response.json
    expected = run(runtime, name, "jiazhou-street", **options).as_json()
    assert response.json["tables"] == expected["tables"]


def test_another_street_is_forbidden_and_caseworkers_read_nothing(app, auth):
    client = app.test_client()
    outside = client.get("/api/v1/stats/rates", query_string={"unit": "pine-street"},
                         headers=auth["leader"])
    assert outside.status_code == 403
    assert client.get("/api/v1/stats/rates", headers=auth["caseworker"]).status_code == 403
    assert client.get("/api/v1/stats/rates").status_code == 401


def test_an_admin_enters_an_owners_evaluation(app, runtime, auth):
    aspects = runtime.rules().ratings["owners_evaluation"]["aspects"]
    response = app.test_client().post("/api/v1/stats/owner-evaluations", headers=auth["admin"],
                                      json={"company": "pineco", "year": 2026,
                                            "scores": dict.fromkeys(aspects, 70)})
    assert response.status_code == 201, response.json
    assert response.json["average"] == 70.0


def test_a_company_with_too_little_data_reads_not_rated(app, auth):
    response = app.test_client().get("/api/v1/stats/property-ratings", query_string=NOVEMBER,
                                     headers=auth["admin"])
    pine = next(r for r in response.json["tables"]["ratings"]["rows"]
                if r["company"] == "pineco")
    assert (pine["score"], pine["stars"], pine["rank"], pine["rated"]) == (
        None, "不参评", None, False)
