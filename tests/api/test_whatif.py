"""POST /api/v1/rules/whatif: administrators replay past submissions through candidate files."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import submit
from tests.services.test_whatif import NOISE_FIRST

SHIPPED_ANCHOR = "  # 安全隐患直报街道"


def routing_with_noise_first(client, headers) -> str:
    from caseflow.app import runtime_of

    text = runtime_of(client.application).rules().files["routing.yaml"]
    at = text.index(SHIPPED_ANCHOR)
    return text[:at] + NOISE_FIRST + text[at:]


def test_an_admin_sees_which_cases_would_move(client, auth, users, clock):
    noise = submit(client)
    clock.advance(timedelta(hours=1))
    submit(client, category="water_supply", title="停水", description="整栋楼停水")
    clock.advance(timedelta(hours=1))
    files = {"routing.yaml": routing_with_noise_first(client, auth["admin"])}
    response = client.post("/api/v1/rules/whatif", json={"files": files, "since": "7d"},
                           headers=auth["admin"])
    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["cases"], body["moved"]) == (2, 1)
    assert body["by_layer"] == [{"before": "property", "after": "community", "cases": 1}]
    assert body["by_unit"] == [{"before": "rhine-office", "after": "jiazhou-community",
                                "cases": 1}]
    assert [e["ref"] for e in body["examples"]] == [noise["ref"]]
    # Nothing changed: the case is still with the property office.
    case = client.get(f"/api/v1/cases/{noise['ref']}", headers=auth["admin"]).get_json()
    assert case["layer"] == "property"


def test_whatif_is_for_administrators_and_names_bad_fields(client, auth, users):
    refused = client.post("/api/v1/rules/whatif", json={"files": {}}, headers=auth["dispatcher"])
    assert refused.status_code == 403
    bad = client.post("/api/v1/rules/whatif", json={"files": {}, "since": "forever"},
                      headers=auth["admin"])
    assert bad.status_code == 422 and "since" in bad.get_data(as_text=True)
    broken = client.post("/api/v1/rules/whatif", json={"files": {"layers.yaml": "layers: [\n"}},
                         headers=auth["admin"])
    assert broken.status_code == 422 and "layers.yaml" in broken.get_data(as_text=True)
