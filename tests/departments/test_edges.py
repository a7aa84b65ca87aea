"""部门解题 through the edges: the API's units tree, list and actions, the case page's
dispatch panel and form, the dashboard's department figures, the CLI report."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import update

from caseflow.app import create_app, runtime_of
from caseflow.cli import main
from caseflow.domain.clock import FrozenClock
from caseflow.models import User
from caseflow.services import tokens
from caseflow.services.runtime import Runtime
from tests.admin.conftest import _password_hash, csrf, login, text
from tests.conftest import RULES_DIR
from tests.departments.helpers import at_street, build_departments


@pytest.fixture
def app(database_url: str, clock: FrozenClock) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": database_url, "RULES_DIR": str(RULES_DIR),
                      "CLOCK": clock, "TESTING": True, "SECRET_KEY": "test-secret"})
    runtime = runtime_of(app)
    app.config["USERS"] = build_departments(runtime)
    with runtime.uow() as uow:
        uow.session.execute(update(User).values(password_hash=_password_hash()))
        uow.commit()
    yield app
    runtime.engine.dispose()


def bearer(app: Flask, name: str) -> dict[str, str]:
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        user = uow.session.query(User).filter_by(username=name).one()
        _, secret = tokens.issue_token(uow, user, runtime.now(), name="t")
    return {"Authorization": f"Bearer {secret}"}


def api_act(app: Flask, name: str, ref: str, action: str, note: str = "",
            data: dict[str, Any] | None = None) -> Any:
    client, headers = app.test_client(), bearer(app, name)
    version = client.get(f"/api/v1/cases/{ref}", headers=headers).get_json()["version"]
    return client.post(f"/api/v1/cases/{ref}/actions", headers=headers, json={
        "action": action, "note": note, "data": data or {}, "version": version})


def run_cli(monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str]) -> Any:
    """`caseflow ARGS`, its database engines closed after it (a command's process would end;
    here a pooled PostgreSQL connection would outlive the test)."""
    made: list[Runtime] = []
    original = Runtime.from_url

    def tracked(*given: Any, **named: Any) -> Runtime:
        made.append(original(*given, **named))
        return made[-1]

    monkeypatch.setattr(Runtime, "from_url", staticmethod(tracked))
    try:
        return CliRunner().invoke(main, args, env=env)
    finally:
        for runtime in made:
            runtime.engine.dispose()
        monkeypatch.undo()


def test_the_api_shows_departments_lists_their_cases_and_takes_their_actions(app):
    client = app.test_client()
    headers = bearer(app, "admin")
    forest = client.get("/api/v1/units", headers=headers).get_json()["units"]
    district = forest[0]["children"][0]
    kinds = {child["code"]: child["kind"] for child in district["children"]}
    assert kinds["shizhong-chengguan"] == "department"
    case = at_street(runtime_of(app), app.config["USERS"])
    refused = api_act(app, "street", case.ref, "dispatch", "请处理", {"department": "nowhere"})
    assert refused.status_code == 422
    assert "data.department" in refused.get_data(as_text=True)
    sent = api_act(app, "street", case.ref, "dispatch", "请拆除", {
        "department": "shizhong-chengguan"})
    assert sent.status_code == 200, sent.get_json()
    listed = client.get("/api/v1/cases?unit=shizhong-chengguan", headers=headers).get_json()
    assert [c["ref"] for c in listed["items"]] == [case.ref]
    mine = client.get("/api/v1/cases", headers=bearer(app, "chengguan")).get_json()
    assert [c["ref"] for c in mine["items"]] == [case.ref]
    assert api_act(app, "chengguan", case.ref, "dispatch_accept").status_code == 200
    outsider = bearer(app, "zhujian")  # nothing was sent to 住建: it reads nothing of it
    assert client.get(f"/api/v1/cases/{case.ref}", headers=outsider).status_code == 403
    assert client.post(f"/api/v1/cases/{case.ref}/actions", headers=outsider, json={
        "action": "dispatch_accept", "version": 1}).status_code == 403
    listed = client.get(f"/api/v1/cases/{case.ref}/dispatches",
                        headers=bearer(app, "chengguan")).get_json()
    assert [(d["department_code"], d["state"], d["actions"]) for d in listed] == [
        ("shizhong-chengguan", "accepted", ["dispatch_resolve", "dispatch_return"])]
    assert listed[0]["asked"] == "请拆除" and not listed[0]["overdue"]
    events = client.get(f"/api/v1/cases/{case.ref}/events", headers=headers).get_json()
    assert [e["action"] for e in events][-2:] == ["dispatch", "dispatch_accept"]
    assert events[-2]["data"]["department"] == "shizhong-chengguan"


def test_the_case_page_dispatches_and_the_department_gives_its_result(app):
    case = at_street(runtime_of(app), app.config["USERS"])
    street = app.test_client()
    login(street, "street")
    page = text(street.get(f"/cases/{case.ref}"))
    assert 'name="department"' in page and "市中区城管局" in page and "乐山市市场监管局" in page
    answer = street.post(f"/cases/{case.ref}/act", data={
        "action": "dispatch", "department": "shizhong-chengguan", "note": "",
        "version": "2", "csrf_token": csrf(street, f"/cases/{case.ref}")})
    assert answer.status_code == 422  # the form again, the missing note named
    street.post(f"/cases/{case.ref}/act", data={
        "action": "dispatch", "department": "shizhong-chengguan", "note": "请清理占道",
        "version": "2", "csrf_token": csrf(street, f"/cases/{case.ref}")})
    department = app.test_client()
    login(department, "chengguan")
    inbox = text(department.get("/inbox"))
    assert case.ref in inbox and "待部门签收" in inbox  # where it stands for the department
    page = text(department.get(f"/cases/{case.ref}"))
    assert 'id="dispatches"' in page and "请清理占道" in page
    assert 'value="dispatch_resolve"' in page and 'value="resolve"' not in page
    done = department.post(f"/cases/{case.ref}/act", data={
        "action": "dispatch_resolve", "dispatch": "1", "note": "已清理", "version": "3",
        "csrf_token": csrf(department, f"/cases/{case.ref}")})
    assert done.status_code == 302
    page = text(street.get(f"/cases/{case.ref}"))
    assert "已清理" in page and 'value="confirm_dispatch"' in page
    # Another department reads nothing of it.
    other = app.test_client()
    login(other, "zhujian")
    assert other.get(f"/cases/{case.ref}").status_code == 403


def test_the_dashboard_and_the_cli_rank_the_departments(app, database_url, monkeypatch):
    runtime, users = runtime_of(app), app.config["USERS"]
    case = at_street(runtime, users)
    api_act(app, "street", case.ref, "dispatch", "请拆除", {"department": "shizhong-chengguan"})
    api_act(app, "street", case.ref, "dispatch", "请核查", {"department": "shizhong-zhujian"})
    api_act(app, "chengguan", case.ref, "dispatch_resolve", "已拆除")
    api_act(app, "zhujian", case.ref, "dispatch_return", "非本部门职责")
    leader = app.test_client()
    login(leader, "leader")
    page = text(leader.get("/dashboard/departments"))
    assert "市中区城管局" in page and "市中区住建局" in page
    assert leader.get("/dashboard/departments/rates.svg").status_code == 200
    report = app.test_client().get("/api/v1/stats/departments",
                                   headers=bearer(app, "leader")).get_json()
    rows = {r["department"]: r for r in report["tables"]["departments"]["rows"]}
    assert rows["shizhong-chengguan"]["response_rate"] == 1.0
    assert rows["shizhong-chengguan"]["on_time_rate"] == 1.0
    assert (rows["shizhong-zhujian"]["returned"], rows["shizhong-zhujian"]["resolved"]) == (1, 0)
    result = run_cli(monkeypatch, ["report", "departments"], {
        "CASEFLOW_DATABASE_URL": database_url, "CASEFLOW_NOW": "2026-11-23T09:00:00+08:00"})
    assert result.exit_code == 0, result.output
    assert "shizhong-chengguan" in result.output


def test_units_import_attaches_departments_to_a_district_or_city(app, database_url, tmp_path,
                                                                 monkeypatch):
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("units:\n  - {code: street-bureau, name: 街道城管, kind: department, "
                     "parent: jiazhou-street}\n", encoding="utf-8")
    env = {"CASEFLOW_DATABASE_URL": database_url}
    refused = run_cli(monkeypatch, ["units", "import", str(wrong)], env)
    assert refused.exit_code != 0 and "district or city" in refused.output
    right = tmp_path / "right.yaml"
    right.write_text("units:\n  - {code: shizhong-gongan, name: 市中区公安分局, kind: department, "
                     "parent: shizhong}\n", encoding="utf-8")
    assert run_cli(monkeypatch, ["units", "import", str(right)], env).exit_code == 0
    forest = app.test_client().get("/api/v1/units", headers=bearer(app, "admin")).get_json()
    codes = {c["code"]: c["kind"] for c in forest["units"][0]["children"][0]["children"]}
    assert codes["shizhong-gongan"] == "department"
