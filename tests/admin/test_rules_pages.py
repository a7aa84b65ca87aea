"""Administrators check, activate, compare and dry-run rules from the browser."""

from __future__ import annotations

import io
import re
import zipfile

from caseflow.app import runtime_of
from tests.admin.conftest import login, post, text


def _layers(app) -> str:
    return runtime_of(app).rules().files["layers.yaml"]


def test_a_broken_file_is_refused_with_its_line(app, client):
    login(client, "admin")
    before = runtime_of(app).rules().version
    broken = _layers(app).replace("name_zh:", "name_zh: [", 1)
    page = "/admin/rules/edit?file=layers.yaml"
    response = post(client, "/admin/rules/edit",
                    {"file": "layers.yaml", "text": broken, "op": "activate"}, page)
    body = text(response)
    assert "规则无效，未启用" in body and 'class="has-issue"' in body
    assert re.search(r"layers.yaml, 第 \d+ 行", body)
    assert runtime_of(app).rules().version == before


def test_a_valid_edit_is_activated_and_recorded_with_who(app, client):
    login(client, "admin")
    before = runtime_of(app).rules().version
    edited = _layers(app) + "\n# 管理员备注\n"
    checked = post(client, "/admin/rules/edit",
                   {"file": "layers.yaml", "text": edited, "op": "check"}, "/admin/rules/edit")
    assert "规则有效" in text(checked)
    done = post(client, "/admin/rules/edit",
                {"file": "layers.yaml", "text": edited, "op": "activate"}, "/admin/rules/edit")
    assert done.status_code == 302
    after = runtime_of(app).rules().version
    assert after != before
    history = text(client.get("/admin/rules/"))
    assert after in history and "admin" in history
    diff = text(client.get(f"/admin/rules/diff?a={before}&b={after}"))
    assert "管理员备注" in diff and "layers.yaml" in diff


def test_an_uploaded_zip_is_checked(app, client):
    login(client, "admin")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("rules/routing.yaml", "rules: [\n")
    data = {"files": (io.BytesIO(buffer.getvalue()), "rules.zip"), "op": "check",
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                    text(client.get("/admin/rules/"))).group(1)}
    body = text(client.post("/admin/rules/upload", data=data,
                            content_type="multipart/form-data"))
    assert "routing.yaml" in body and "规则无效" in body


def test_the_dry_run_shows_the_route_and_the_trace(client):
    login(client, "admin")
    response = post(client, "/admin/rules/dry-run",
                    {"category": "noise", "channel": "web", "unit": "rhine", "text": "噪音",
                     "elderly": "1"})
    body = text(response)
    assert 'id="decision"' in body and "规则匹配过程" in body and "✔" in body
