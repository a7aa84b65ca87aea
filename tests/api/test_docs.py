"""The OpenAPI document lists every endpoint; the browsable page needs no CDN or inline script."""

from __future__ import annotations

import re

OPERATIONS = {
    ("post", "/api/v1/auth/token"), ("post", "/api/v1/cases"), ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{key}"), ("get", "/api/v1/cases/{key}/actions"),
    ("post", "/api/v1/cases/{key}/actions"), ("get", "/api/v1/cases/{key}/events"),
    ("post", "/api/v1/cases/{key}/evaluation"), ("post", "/api/v1/cases/{key}/attachments"),
    ("get", "/api/v1/cases/{key}/attachments"),
    ("get", "/api/v1/cases/{key}/attachments/{attachment_id}"), ("get", "/api/v1/units"),
    ("get", "/api/v1/rules"), ("post", "/api/v1/rules/check"), ("post", "/api/v1/rules/explain"),
    ("post", "/api/v1/rules/whatif"),
}


def test_the_openapi_document_has_every_operation_with_its_errors(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.0.3"
    found = {(m, p) for p, ops in spec["paths"].items() for m in ops if m != "parameters"}
    assert OPERATIONS <= found
    act = spec["paths"]["/api/v1/cases/{key}/actions"]["post"]["responses"]
    assert {"200", "409", "422"} <= set(act)
    conflict = spec["components"]["responses"]["CONFLICT"]["content"]
    assert list(conflict) == ["application/problem+json"]


def test_the_docs_page_loads_its_own_script_and_no_cdn(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/openapi.json" in page and "https://" not in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/api/static/docs.js">']
    script = client.get("/api/static/docs.js")
    assert script.status_code == 200 and "fetch(" in script.get_data(as_text=True)
    script.close()
