"""The accountability API: the panel publishes, the public reads the ratings, a household
answers once by its code, the committee publishes a month of accounts."""

from __future__ import annotations

import pytest

from caseflow.models import User
from caseflow.services import tokens
from tests.assessments.conftest import paper_rating, submit


@pytest.fixture
def auth(app_runtime, people):
    headers = {}
    with app_runtime.uow() as uow:
        for user in uow.session.query(User).filter(User.username.in_(
                ("inspector", "expert", "committee", "butler"))):
            _, secret = tokens.issue_token(uow, user, app_runtime.now(), name="test")
            headers[user.username] = {"Authorization": f"Bearer {secret}"}
    return headers


def test_the_panel_publishes_and_anyone_reads_the_ratings(app, app_runtime, auth):
    client, runtime = app.test_client(), app_runtime
    submit(runtime, 3)
    paper_rating(runtime)
    assert client.post("/api/v1/assessments", json={"area": "jiazhou-street", "year": 2026,
                                                    "quarter": 4},
                       headers=auth["butler"]).status_code == 403
    bad = client.post("/api/v1/assessments", json={"area": "jiazhou-street", "year": 2026,
                                                   "quarter": 5}, headers=auth["inspector"])
    assert bad.status_code == 422 and "quarter" in str(bad.get_json())
    opened = client.post("/api/v1/assessments", json={"area": "jiazhou-street", "year": 2026,
                                                      "quarter": 4}, headers=auth["inspector"])
    assessment = opened.get_json()["id"]
    items = runtime.rules().ratings["assessment"]["expert_sheet"]
    sheet = client.post(f"/api/v1/assessments/{assessment}/sheets",
                        json={"complex": "rhine", "scores": dict(items)}, headers=auth["expert"])
    assert sheet.get_json() == {"total": 100.0}
    published = client.post(f"/api/v1/assessments/{assessment}/publish",
                            headers=auth["inspector"])
    assert published.get_json() == {"units": 2}
    again = client.post(f"/api/v1/assessments/{assessment}/publish", headers=auth["inspector"])
    assert again.status_code == 409
    ratings = client.get("/api/v1/ratings").get_json()
    rhine = next(u for u in ratings["units"] if u["complex_code"] == "rhine")
    assert rhine["rated"] and rhine["figures"]["experts"] == 100.0
    assert [c["grade"] for c in ratings["companies"]] == ["AAA"] or ratings["companies"]


def test_a_household_answers_once_and_a_month_is_published(app, app_runtime, auth):
    client = app.test_client()
    opened = client.post("/api/v1/rating-rounds", json={"complex": "rhine", "year": 2026,
                                                       "title": "年度评议"},
                         headers=auth["committee"])
    assert opened.status_code == 201
    from caseflow.services.assessments import rounds
    from caseflow.services.visibility import viewer_of

    with app_runtime.uow() as uow:
        committee = uow.session.query(User).filter_by(username="committee").one()
        _, codes = rounds.round_codes(uow, viewer_of(committee), opened.get_json()["id"])
    aspects = app_runtime.rules().ratings["owners_evaluation"]["aspects"]
    body = {"code": codes[1][1], "scores": dict.fromkeys(aspects, 90)}
    assert client.post("/api/v1/rating-answers", json=body).get_json()["responses"] == 1
    twice = client.post("/api/v1/rating-answers", json=body)
    assert twice.status_code == 422 and "already rated" in twice.get_json()["detail"]
    line = {"complex": "rhine", "kind": "income", "category": "property_fee",
            "amount": "1000.10", "on_date": "2026-11-03"}
    assert client.post("/api/v1/ledger-lines", json=line,
                       headers=auth["committee"]).status_code == 201
    month = client.post("/api/v1/ledger-months", json={"complex": "rhine", "month": "2026-11",
                                                       "service_report": "本月服务报告"},
                        headers=auth["committee"]).get_json()
    assert month["published"] and month["totals"]["income"] == "1000.10"
    assert month["lines"][0]["amount"] == "1000.10"
    assert client.get("/api/v1/ledger-months/rhine/2026-11").get_json() == month
    assert client.get("/api/v1/ledger-months/rhine/2026-10").status_code == 404
