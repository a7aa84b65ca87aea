"""No input makes the GeoReport endpoints answer 500; errors keep the spec's shape."""

from __future__ import annotations

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.open311.conftest import issue

TEXT = st.text(max_size=40)
QUERY_KEYS = ["service_request_id", "service_code", "start_date", "end_date", "status"]
FORM_KEYS = [
    "service_code",
    "description",
    "address_id",
    "lat",
    "long",
    "address_string",
    "phone",
    "first_name",
    "last_name",
    "attribute[elderly]",
    "attribute[building]",
    "jurisdiction_id",
]
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(answer_status: int, body: object) -> None:
    """Every answer is a success or one of the spec's three errors with its array."""
    assert answer_status in (200, 201, 400, 403, 404), answer_status
    if answer_status >= 400:
        assert isinstance(body, list) and body[0]["code"] == answer_status


@SETTINGS
@given(st.dictionaries(st.sampled_from(QUERY_KEYS), TEXT), st.sampled_from(["json", "xml"]))
def test_any_query_is_answered_within_the_spec(app: Flask, query: dict[str, str], fmt: str) -> None:
    answer = app.test_client().get(f"/open311/v2/requests.{fmt}", query_string=query)
    assert answer.status_code < 500
    if fmt == "json":
        check(answer.status_code, answer.get_json())


@SETTINGS
@given(st.dictionaries(st.sampled_from(FORM_KEYS), TEXT))
def test_any_form_is_answered_within_the_spec(app: Flask, fields: dict[str, str]) -> None:
    if "TEST_OPEN311_KEY" not in app.config:  # one key for every example of this test
        app.config["TEST_OPEN311_KEY"] = issue(app.extensions["caseflow"])
    key = app.config["TEST_OPEN311_KEY"]
    answer = app.test_client().post("/open311/v2/requests.json", data={**fields, "api_key": key})
    check(answer.status_code, answer.get_json())


def test_nul_characters_are_refused_before_any_query(app: Flask) -> None:
    client = app.test_client()
    for path in (
        "/open311/v2/requests.json?service_request_id=a%00b",
        "/open311/v2/requests/a%00b.json",
        "/open311/v2/requests.json?jurisdiction_id=a%00b",
    ):
        answer = client.get(path)
        assert answer.status_code == 400, path
    key = issue(app.extensions["caseflow"])
    body = {"api_key": key, "service_code": "noise", "description": "a\x00b", "address_id": "rhine"}
    answer = client.post("/open311/v2/requests.xml", data=body)
    assert answer.status_code == 400
    assert b"<code>400</code>" in answer.data
