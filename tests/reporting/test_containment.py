"""Containment shares and the escalation flow."""

from __future__ import annotations

from tests.reporting.helpers import rows, run


def test_closed_cases_by_resolving_layer(runtime, dataset):
    report = run(runtime, "containment", "jiazhou-street")
    # Closed in November: C1 (property), C2 (community), C8 (street, submitted in October).
    assert rows(report, "summary") == [
        {"closed": 3, "within_complex": 0.3333, "within_community": 0.6667}]
    assert rows(report, "by_layer") == [
        {"layer": "property", "closed": 1, "share": 0.3333, "cumulative_share": 0.3333},
        {"layer": "community", "closed": 1, "share": 0.3333, "cumulative_share": 0.6667},
        {"layer": "street", "closed": 1, "share": 0.3333, "cumulative_share": 1.0},
    ]


def test_escalation_flow_counts_climbs_only(runtime, dataset):
    flow = rows(run(runtime, "containment", "jiazhou-street"), "escalation_flow")
    # C2 climbed twice, C8 skipped to the street; C5's return down is no escalation and
    # C6 lies outside street A.
    assert flow == [
        {"from_layer": "property", "to_layer": "complex", "cases": 1},
        {"from_layer": "property", "to_layer": "street", "cases": 1},
        {"from_layer": "complex", "to_layer": "community", "cases": 1},
    ]
    everything = rows(run(runtime, "containment"), "escalation_flow")
    assert everything[0] == {"from_layer": "property", "to_layer": "complex", "cases": 2}
