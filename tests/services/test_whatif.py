"""What-if: past submissions replayed through a candidate rule set; nothing is changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.domain.clock import FrozenClock
from caseflow.domain.errors import InvalidInput
from caseflow.models import Case, CaseEvent
from caseflow.rules import load_rules_from_texts
from caseflow.services import whatif
from caseflow.services.cases import submit_case
from caseflow.services.runtime import Runtime
from tests.conftest import RULES_DIR
from tests.factories import RESIDENT, build_tree, submission

NOISE_FIRST = """  - id: noise_to_community
    when: {category_family: {contains: noise}}
    then: {start_layer: community, tags: [noise]}

"""


def shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.yaml")}


def candidate_files() -> dict[str, str]:
    """The shipped rules with noise sent to the community first."""
    files = shipped()
    text = files["routing.yaml"]
    anchor = text.index("  # 安全隐患直报街道")
    files["routing.yaml"] = text[:anchor] + NOISE_FIRST + text[anchor:]
    return files


def snapshot(runtime: Runtime) -> list[tuple[object, ...]]:
    with runtime.uow() as uow:
        cases = uow.session.execute(select(Case.ref, Case.layer, Case.unit_id, Case.routing_rule,
                                           Case.version, Case.deadlines)).all()
        events = uow.session.scalars(select(CaseEvent.id)).all()
    return [tuple(row) for row in cases] + [("events", len(events))]


@pytest.fixture
def history(runtime: Runtime, clock: FrozenClock) -> dict[str, str]:
    """Cases by name: one old, then noise (plain, plain, elderly) and a water outage."""
    build_tree(runtime)
    made: dict[str, str] = {}

    def submit(name: str, **overrides: object) -> None:
        with runtime.uow() as uow:
            case, _ = submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT,
                                  runtime.now())
            made[name] = case.ref
            uow.commit()
        clock.advance(timedelta(hours=5))

    submit("old")
    clock.advance(timedelta(days=40))
    submit("noise")
    submit("noise_lotus", unit="lotus")
    submit("elderly", reporter={"name": "王大爷", "phone": "13800000002", "elderly": True})
    submit("water", category="water_supply", title="停水三天", description="整栋楼没有水")
    return made


def test_the_candidate_moves_the_noise_cases_and_nothing_is_changed(
        runtime: Runtime, history: dict[str, str]) -> None:
    before = snapshot(runtime)
    with runtime.uow() as uow:
        result = whatif.preview(uow, runtime.rules(), candidate_files(), runtime.now(), "30d")
    assert snapshot(runtime) == before
    assert (result.cases, result.moved) == (4, 3)
    assert dict(result.by_layer) == {("property", "community"): 3}
    assert dict(result.by_unit) == {("rhine-office", "jiazhou-community"): 2,
                                    ("lotus-office", "jiazhou-community"): 1}
    assert dict(result.by_category) == {"noise": 3}
    assert result.deadlines_changed == 3
    moved = {m.ref: m for m in result.examples}
    assert set(moved) == {history["noise"], history["noise_lotus"], history["elderly"]}
    elderly = moved[history["elderly"]]
    assert (elderly.rule_before, elderly.rule_after) == ("vulnerable_reporter",
                                                         "noise_to_community")
    assert elderly.deadlines_before != elderly.deadlines_after
    body = result.as_json()
    assert body["cases"] == 4 and body["moved"] == 3 and len(body["examples"]) == 3


def test_the_active_rules_as_candidate_move_nothing(runtime: Runtime,
                                                    history: dict[str, str]) -> None:
    with runtime.uow() as uow:
        result = whatif.preview(uow, runtime.rules(), shipped(), runtime.now(), "60d")
    assert (result.cases, result.moved, result.deadlines_changed) == (5, 0, 0)
    assert result.examples == []


def test_the_repeat_count_is_recounted_from_the_thirty_days_before(
        runtime: Runtime, clock: FrozenClock) -> None:
    build_tree(runtime)
    for _ in range(4):
        with runtime.uow() as uow:
            submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())
            uow.commit()
        clock.advance(timedelta(days=1))
    with runtime.uow() as uow:
        rules = runtime.rules()
        # Only the last case is replayed; the three before it make it a repeat complaint.
        result = whatif.replay(uow, rules, load_rules_from_texts(candidate_files()),
                               runtime.now() - timedelta(hours=30), runtime.now())
        stored = uow.session.scalars(select(Case.routing_rule).order_by(Case.id)).all()
    assert stored[-1] == "repeat_complaint"
    assert (result.cases, result.moved, result.rule_changed) == (1, 0, 1)
    assert result.deadlines_changed == 1  # 5 working days to resolve no longer apply


@pytest.mark.parametrize("since", ["", "30", "5y", "0d", "9999d"])
def test_a_bad_period_names_the_field(runtime: Runtime, since: str) -> None:
    with pytest.raises(InvalidInput) as error, runtime.uow() as uow:
        whatif.preview(uow, runtime.rules(), shipped(), runtime.now(), since or " ")
    assert error.value.field == "since"


def test_the_demo_data_shows_a_moved_case(runtime: Runtime) -> None:
    from caseflow.services.demo import seed_demo

    seed_demo(runtime)
    with runtime.uow() as uow:
        first = uow.session.scalar(select(Case.submitted_at).order_by(Case.submitted_at))
        result = whatif.replay(uow, runtime.rules(),
                               load_rules_from_texts(candidate_files()), first,
                               runtime.now() + timedelta(days=1))
    assert result.cases > 0 and result.moved >= 1
    assert set(result.by_category) <= {"noise", "express_locker_noise", "renovation_noise",
                                       "square_dance_noise"}
    assert all(after == "community" for _, after in result.by_layer)
