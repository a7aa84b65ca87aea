"""The shipped default rule set in rules/: it loads, and it says what the seeds say."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from caseflow.domain.durations import Duration, parse_duration
from caseflow.domain.errors import NotFound
from caseflow.rules import RuleSet, check_rules, load_rules, load_rules_from_texts

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(scope="module")
def rs() -> RuleSet:
    return load_rules(RULES_DIR)


def texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.yaml")}


def test_shipped_set_is_clean_and_complete(rs: RuleSet) -> None:
    assert check_rules(RULES_DIR) == []
    assert set(rs.files) == {
        "layers.yaml", "categories.yaml", "routing.yaml", "deadlines.yaml", "escalation.yaml",
        "roles.yaml", "calendar.yaml", "meetings.yaml", "voting.yaml", "ratings.yaml",
        "ranking.yaml", "notifications.yaml", "retention.yaml", "grid.yaml"}
    assert len(rs.version) == 16 and int(rs.version, 16) >= 0


def test_layers_ladder(rs: RuleSet) -> None:
    assert [layer.id for layer in rs.layers] == [
        "property", "complex", "community", "street", "district", "city"]
    assert [layer.rank for layer in rs.layers] == list(range(6))
    prop = rs.layer("property")
    assert (prop.name_zh, prop.unit_kind) == ("物业", "property_office")
    assert rs.layer("street").name_zh == "街道"
    assert rs.next_layer("property") == "complex"
    assert rs.next_layer("city") is None
    assert rs.top_layer == "city"
    with pytest.raises(NotFound):
        rs.layer("galaxy")


def test_categories_and_inheritance(rs: RuleSet) -> None:
    tiles = rs.categories["falling_tiles"]
    assert (tiles.parent, tiles.start_layer, tiles.priority, tiles.nature) == (
        "facade", "street", "critical", "report")
    locker = rs.categories["express_locker_noise"]
    assert (locker.parent, locker.start_layer, locker.priority) == ("noise", "property", "normal")
    assert rs.categories["consultation"].nature == "consultation"
    assert rs.category_family("heating") == ("heating", "utilities")
    for cid in ("parking", "ev_charging", "garbage_sorting", "property_fee", "neighbour_dispute",
                "construction_safety", "old_complex_renovation", "water_supply"):
        assert cid in rs.categories
    assert rs.priorities == ("normal", "urgent", "critical")


def test_route_falling_tiles_goes_to_street_with_green_channel(rs: RuleSet) -> None:
    # Seed 002: 糖果雅苑's facade tiles kept falling off.
    decision = rs.route({"category": "falling_tiles", "text": "外墙瓷砖脱落"})
    assert (decision.rule_id, decision.start_layer) == ("safety_hazard", "street")
    assert decision.green_channel and decision.priority == "critical"
    assert "safety_hazard" in decision.tags


def test_route_elderly_reporter_gets_green_channel(rs: RuleSet) -> None:
    # Seed 003: the 绿色通道 for residents' appeals; seed 004's express-locker noise.
    decision = rs.route({"category": "express_locker_noise", "reporter": {"elderly": True}})
    assert (decision.rule_id, decision.start_layer, decision.green_channel) == (
        "vulnerable_reporter", "property", True)
    aged = rs.route({"category": "charger_installation", "reporter": {"age": 82}})
    assert aged.green_channel and aged.start_layer == "complex"


def test_route_default_uses_category_layer(rs: RuleSet) -> None:
    decision = rs.route({"category": "express_locker_noise", "reporter": {"elderly": False}})
    assert (decision.rule_id, decision.start_layer, decision.green_channel) == (
        "default", "property", False)
    assert decision.role == "caseworker" and decision.priority is None
    assert rs.route({"category": "elevator_installation"}).start_layer == "community"


def test_route_keywords_utilities_and_repeats(rs: RuleSet) -> None:
    fire = rs.route({"category": "pets", "text": "楼道电动车着火了"})
    assert (fire.rule_id, fire.start_layer, fire.priority) == ("danger_words", "street", "critical")
    leak = rs.route({"category": "pets", "text": "楼上漏水到我家"})
    assert (leak.rule_id, leak.start_layer, leak.priority) == ("leak_words", "property", "urgent")
    water = rs.route({"category": "water_supply"})
    assert (water.rule_id, water.priority) == ("utilities", "urgent")
    repeat = rs.route({"category": "garbage_pile", "repeat_count": 3})
    assert (repeat.rule_id, repeat.start_layer) == ("repeat_complaint", "community")
    assert repeat.clock_overrides == {"resolve": parse_duration("5 working days")}


def test_route_explain_traces_every_rule_until_the_match(rs: RuleSet) -> None:
    decision = rs.route({"category": "garbage_pile"}, explain=True)
    ids = [step.rule_id for step in decision.trace]
    assert ids[-1] == "default" and decision.trace[-1].matched
    assert ids == [r.id for r in rs.routing]
    assert not any(step.matched for step in decision.trace[:-1])
    assert all(step.reason for step in decision.trace)
    assert len(rs.route({"category": "garbage_pile"}).trace) == 1


def by_name(specs: tuple) -> dict:
    return {spec.name: spec for spec in specs}


def test_butler_clocks_at_property_layer(rs: RuleSet) -> None:
    # Seed 002: reply within 5 minutes, follow up within 10, a first result within 15,
    # counted in the property office's duty hours.
    clocks = by_name(rs.clocks_for("property", "express_locker_noise", "normal", False))
    assert clocks["respond"].within == Duration(5, "minutes", working=True)
    assert clocks["respond"].ends_on == {"accept"}
    assert clocks["respond"].calendar == "property_duty"
    assert clocks["follow_up"].within == Duration(10, "minutes", working=True)
    assert clocks["follow_up"].ends_on == {"start"}
    assert clocks["first_result"].within == Duration(15, "minutes", working=True)
    assert clocks["accept"].within == Duration(30, "minutes")
    assert "accept" in clocks["accept"].ends_on
    # A move starts fresh clocks; the moving event must not stop the new accept clock.
    assert not {"escalate", "return", "reroute"} & clocks["accept"].ends_on
    assert clocks["resolve"].within == parse_duration("3 working days")
    assert "resolve" in clocks["resolve"].ends_on
    assert clocks["resolve"].pauses_in == {"on_hold", "deferred", "deliberating"}
    assert clocks["accept"].pauses_in == {"on_hold", "deferred"}
    assert set(by_name(rs.clocks_for("community"))) == {"accept", "resolve"}


def test_clock_overrides_by_category_priority_and_layer(rs: RuleSet) -> None:
    water = by_name(rs.clocks_for("property", "water_supply", "urgent", False))
    assert water["resolve"].within == Duration(24, "hours")  # utilities win over urgent
    assert water["accept"].within == Duration(2, "hours")
    critical = by_name(rs.clocks_for("street", "falling_tiles", "critical", False))
    assert critical["accept"].within == Duration(30, "minutes")
    assert critical["first_feedback"].within == Duration(2, "hours")
    assert critical["first_feedback"].ends_on == {"start"}
    assert critical["resolve"].within == Duration(24, "hours")
    mediation = by_name(rs.clocks_for("community", "pets", "normal", False))
    assert mediation["resolve"].within == Duration(30, "days")
    assert by_name(rs.clocks_for("property", "pets"))["resolve"].within == parse_duration(
        "3 working days")


def test_green_channel_factor_applies(rs: RuleSet) -> None:
    plain = by_name(rs.clocks_for("property", "garbage_pile", "normal", False))
    green = by_name(rs.clocks_for("property", "garbage_pile", "normal", True))
    assert rs.deadlines.green_factor == 0.5
    # Working time is reckoned to the minute: 2.5 working minutes round up to 3.
    assert green["respond"].within == Duration(3, "minutes", working=True)
    assert green["respond"].calendar == "property_duty"
    assert green["follow_up"].within == Duration(5, "minutes", working=True)
    assert green["accept"].within == Duration(15, "minutes")
    # 3 working days of 7.5 h, halved: 675 working minutes.
    assert green["resolve"].within == Duration(675, "minutes", working=True)
    assert plain["resolve"].within == parse_duration("3 working days")
    assert green["resolve"].ends_on == plain["resolve"].ends_on


def test_routing_overrides_are_final(rs: RuleSet) -> None:
    decision = rs.route({"category": "garbage_pile", "repeat_count": 5})
    clocks = by_name(rs.clocks_for("community", "garbage_pile", None, True,
                                   decision.clock_overrides))
    assert clocks["resolve"].within == parse_duration("5 working days")  # not halved
    assert clocks["accept"].within == Duration(225, "minutes", working=True)  # halved
    extra = by_name(rs.clocks_for("community", overrides={"first_feedback": Duration(1, "hours")}))
    assert extra["first_feedback"].ends_on == {"start"}
    with pytest.raises(ValueError, match="no clock named"):
        rs.clocks_for("community", overrides={"nonsense": Duration(1, "hours")})
    with pytest.raises(NotFound):
        rs.clocks_for("galaxy")


def test_clocks_for_is_cached_and_stable(rs: RuleSet) -> None:
    first = rs.clocks_for("property", "noise", "normal", True)
    assert rs.clocks_for("property", "noise", "normal", True) is first
    assert rs.clocks_for("property", "noise", "normal", False) != first


def test_meeting_clock_and_settings(rs: RuleSet) -> None:
    meeting = rs.meeting_clock()
    assert meeting.name == "meeting" and meeting.within == Duration(15, "days")
    assert "record_decision" in meeting.ends_on
    assert rs.meeting_clock("owners_assembly").within == Duration(30, "days")
    assert rs.meeting_clock("roundtable").within == Duration(15, "days")
    assert rs.warning_fraction == 0.8
    s = rs.settings
    assert (s.auto_close_after, s.reopen_window, s.duplicate_window) == (
        Duration(7, "days"), Duration(15, "days"), Duration(24, "hours"))
    assert s.problem_case_threshold == 3


def test_escalation_policy(rs: RuleSet) -> None:
    esc = rs.escalation
    assert esc.overdue_action("accept") == "escalate"
    assert esc.overdue_action("resolve") == "escalate"
    assert esc.overdue_action("respond") == "warn_only"
    assert esc.overdue_action("whatever") == "warn_only"
    assert (esc.unsatisfied_before_escalation, esc.reopens_before_escalation) == (2, 1)
    assert esc.problem_case_after_handlings == 3 and esc.top_layer_action == "supervise"


def test_escalation_target_skips_layers_and_stops_at_top(rs: RuleSet) -> None:
    assert rs.escalation_target("property", "overdue", {"category": "garbage_pile"}) == "complex"
    hazard = {"category": "broken_hoarding", "tags": ["safety_hazard"]}
    assert rs.escalation_target("property", "overdue", hazard) == "street"
    # The critical priority comes from the category when the facts do not say.
    assert rs.escalation_target("property", "overdue", {"category": "falling_tiles"}) == "street"
    assert rs.escalation_target("property", "manual", {"tags": ["repeat_complaint"]}) == (
        "community")
    # The hazard skip starts at property only.
    assert rs.escalation_target("complex", "overdue", hazard) == "community"
    assert rs.escalation_target("district", "overdue", {}) == "city"
    assert rs.escalation_target("city", "overdue", hazard) is None


def test_permissions(rs: RuleSet) -> None:
    assert rs.may("caseworker", "accept")
    assert not rs.may("resident", "accept")
    assert rs.may("resident", "evaluate") and not rs.may("caseworker", "evaluate")
    assert rs.may("system", "warn") and rs.roles_for("warn") == {"system"}
    assert rs.may("dispatcher", "reroute")
    assert not rs.may("leader", "resolve")
    assert not rs.may("nobody", "comment")
    actions = {action for _, action in rs.grants}
    assert len(actions) == 33  # with unlink_duplicate and the 7 dispatch actions (部门解题)
    assert rs.roles_for("dispatch_escalate") == {"system"}
    assert rs.may("caseworker", "dispatch_resolve") and not rs.may("leader", "dispatch")
    assert set(rs.roles) == {"admin", "dispatcher", "unit_lead", "caseworker", "leader",
                             "owners_committee", "inspector", "expert", "resident", "system",
                             "volunteer", "building_lead", "liaison", "butler"}


def test_calendar(rs: RuleSet) -> None:
    from datetime import date, time

    assert rs.calendar.zone == "Asia/Shanghai"
    assert rs.calendar.work_periods == ((time(9), time(12)), (time(13, 30), time(18)))
    assert not rs.calendar.is_workday(date(2024, 10, 1))  # National Day


def test_optional_files_are_exposed_read_only(rs: RuleSet) -> None:
    assert rs.ratings["red_list"] == {"top": 9, "min_score": 80, "min_owners_evaluation": 60}
    assert rs.ratings["not_rated"] == {"min_cases": 5, "owners_evaluation_required": False}
    assert rs.ratings["weights"]["satisfaction"] == 0.4
    assert rs.ranking["weights"] == {"response": 10, "resolution": 50, "satisfaction": 40}
    assert rs.ranking["satisfaction_values"]["basically_satisfied"] == 0.9
    assert rs.voting["thresholds"]["major"]["area"] == "3/4"
    assert rs.meetings["kinds"]["roundtable"]["name_zh"] == "融和圆桌议事会"
    with pytest.raises(TypeError):
        rs.ratings["weights"]["on_time"] = 1  # type: ignore[index]


def test_optional_files_may_be_absent() -> None:
    files = {k: v for k, v in texts().items()
             if k not in ("meetings.yaml", "voting.yaml", "ratings.yaml", "ranking.yaml")}
    rs = load_rules_from_texts(files)
    assert rs.ratings == {} and rs.voting == {}
    assert rs.meeting_clock("roundtable").within == Duration(15, "days")


def test_ruleset_is_immutable(rs: RuleSet) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        rs.version = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rs.categories["new"] = rs.categories["noise"]  # type: ignore[index]
    with pytest.raises(TypeError):
        rs.files["layers.yaml"] = ""  # type: ignore[index]


def test_version_is_stable_and_follows_content(tmp_path: Path) -> None:
    files = texts()
    first = load_rules_from_texts(files).version
    assert load_rules_from_texts(dict(reversed(list(files.items())))).version == first
    assert load_rules(RULES_DIR).version == first
    changed = dict(files)
    changed["ratings.yaml"] += "\n# a comment changes the content too\n"
    assert load_rules_from_texts(changed).version != first
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert load_rules(tmp_path).version == first
    (tmp_path / "calendar.yaml").write_text(
        files["calendar.yaml"].replace("extra_holidays: []", 'extra_holidays: ["2030-01-02"]'),
        encoding="utf-8")
    assert load_rules(tmp_path).version != first


def test_departments_have_their_own_clocks(rs: RuleSet) -> None:
    assert rs.deadlines.departments == {"accept": parse_duration("1 working day"),
                                        "resolve": parse_duration("10 working days")}
