"""First-match routing: decisions, traces, the category placeholder and the fast path."""

from __future__ import annotations

from types import MappingProxyType

from caseflow.domain.conditions import compile_condition
from caseflow.domain.durations import Duration
from caseflow.domain.routing import (
    CATEGORY_LAYER,
    FALLBACK_RULE_ID,
    RouteDecision,
    Router,
    RoutingRule,
    route,
)

CATEGORY_LAYERS = {"falling_tiles": "street", "noise": "property", "water": "property",
                   "renovation": "community"}
DANGER = ["坠落", "起火", "着火", "燃气泄漏", "坍塌"]


def rule(rid: str, when: object, layer: str = CATEGORY_LAYER, **then: object) -> RoutingRule:
    return RoutingRule(rid, compile_condition(when), layer, **then)


RULES = (
    rule("safety", {"category": {"in": ["falling_tiles", "hoarding"]}}, "street",
         green_channel=True, priority="critical", tags=("safety_hazard",)),
    rule("danger_words", {"text": {"any_word": DANGER}}, "street", priority="critical"),
    rule("vulnerable", {"any": [{"reporter.elderly": True}, {"reporter.disabled": True}]},
         green_channel=True, tags=("green_channel",)),
    rule("utilities", {"category": "water"},
         clock_overrides=MappingProxyType({"resolve": Duration(24, "hours")})),
    rule("repeat", {"repeat_count": {"ge": 3}}, "community", role="unit_lead"),
    rule("default", None),
)
ROUTER = Router(RULES, CATEGORY_LAYERS, fallback_layer="property")


def test_first_match_wins() -> None:
    facts = {"category": "falling_tiles", "reporter": {"elderly": True}, "repeat_count": 5}
    decision = ROUTER.route(facts)
    assert isinstance(decision, RouteDecision)
    assert (decision.rule_id, decision.start_layer, decision.green_channel) == (
        "safety", "street", True)
    assert decision.priority == "critical" and decision.tags == ("safety_hazard",)
    assert decision.role == "caseworker"


def test_category_placeholder_uses_category_layer() -> None:
    elderly = ROUTER.route({"category": "renovation", "reporter": {"elderly": True}})
    assert (elderly.rule_id, elderly.start_layer, elderly.green_channel) == (
        "vulnerable", "community", True)
    plain = ROUTER.route({"category": "noise"})
    assert (plain.rule_id, plain.start_layer, plain.green_channel) == ("default", "property", False)
    unknown = ROUTER.route({"category": "nobody_knows"})
    assert unknown.start_layer == "property"  # the fallback layer


def test_clock_overrides_role_and_fixed_layer() -> None:
    water = ROUTER.route({"category": "water"})
    assert water.clock_overrides == {"resolve": Duration(24, "hours")}
    repeat = ROUTER.route({"category": "noise", "repeat_count": 3})
    assert (repeat.start_layer, repeat.role) == ("community", "unit_lead")


def test_fast_path_trace_has_only_the_match_and_is_prebuilt() -> None:
    first = ROUTER.route({"category": "noise", "text": "阳台起火了"})
    assert first.rule_id == "danger_words"
    assert [(s.rule_id, s.matched) for s in first.trace] == [("danger_words", True)]
    # Prebuilt decisions: the fast path allocates nothing per call.
    assert ROUTER.route({"category": "noise", "text": "楼道着火"}) is first


def test_explain_records_every_rule_tried() -> None:
    decision = ROUTER.route({"category": "noise", "repeat_count": 4}, explain=True)
    assert decision.rule_id == "repeat"
    assert [(s.rule_id, s.matched) for s in decision.trace] == [
        ("safety", False), ("danger_words", False), ("vulnerable", False),
        ("utilities", False), ("repeat", True)]
    assert decision.trace[-1].reason == "repeat_count=4 ge 3"
    assert "noise" in decision.trace[0].reason
    fast = ROUTER.route({"category": "noise", "repeat_count": 4})
    assert (fast.start_layer, fast.role) == (decision.start_layer, decision.role)


def test_no_match_falls_back_to_category_layer() -> None:
    router = Router(RULES[:2], CATEGORY_LAYERS, fallback_layer="complex")
    decision = router.route({"category": "renovation"})
    assert (decision.rule_id, decision.start_layer, decision.green_channel) == (
        FALLBACK_RULE_ID, "community", False)
    traced = router.route({}, explain=True)
    assert traced.start_layer == "complex"
    assert [s.rule_id for s in traced.trace] == ["safety", "danger_words", FALLBACK_RULE_ID]
    assert route(RULES[:2], {}, CATEGORY_LAYERS, "complex").rule_id == FALLBACK_RULE_ID


def test_decisions_are_immutable() -> None:
    decision = ROUTER.route({"category": "water"})
    try:
        decision.clock_overrides["resolve"] = Duration(1, "hours")  # type: ignore[index]
    except TypeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("clock_overrides must be read-only")
    assert ROUTER.route({"category": "water"}).clock_overrides["resolve"] == Duration(24, "hours")


def _hand_written() -> object:
    """The same table as plain lambdas, answering the id of the rule that decides."""
    danger = DANGER
    table = [
        (lambda f: f.get("category") in ("falling_tiles", "hoarding"), "safety"),
        (lambda f: isinstance(f.get("text"), str) and any(w in f["text"] for w in danger),
         "danger_words"),
        (lambda f: (f.get("reporter") or {}).get("elderly") is True
         or (f.get("reporter") or {}).get("disabled") is True, "vulnerable"),
        (lambda f: f.get("category") == "water", "utilities"),
        (lambda f: (f.get("repeat_count") or 0) >= 3, "repeat"),
        (lambda f: True, "default"),
    ]

    def hand_route(facts: dict) -> str | None:
        for test, rule_id in table:
            if test(facts):
                return rule_id
        return None

    return hand_route


def test_fast_path_decides_like_the_hand_written_lambdas() -> None:
    # The speed comparison lives in bench/ (`python -m bench routing`), not in a timed test.
    samples = [
        {"category": "noise", "text": "快递柜开关门声音太大", "reporter": {"age": 40}},
        {"category": "renovation", "reporter": {"elderly": True}},
        {"category": "noise", "repeat_count": 4, "text": "又吵"},
        {"category": "falling_tiles"},
    ]
    hand = _hand_written()
    for facts in samples:
        assert ROUTER.route(facts).rule_id == hand(facts), facts  # type: ignore[operator]
