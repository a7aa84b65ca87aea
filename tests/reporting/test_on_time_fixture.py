"""The hand-counted fixture of docs/metrics.md §Hand-counted fixture, built through the
services (submissions, actions, the sweep) and checked figure by figure.

All times Beijing (UTC+8), shipped rules, the Leshan tree of tests/factories.py; cases A–C
are about the complex 莱茵水岸 (rhine), first held by its property office (rhine-office), D
about 荷花苑 (lotus, held by lotus-office); both offices belong to the company huacheng.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from caseflow.models import Case, ClockCharge, Unit
from caseflow.services.cases import submit_case
from caseflow.services.reporting.common import Period
from caseflow.services.reporting.ratings import ratings_report
from caseflow.services.sweep import sweep
from tests.factories import RESIDENT, build_tree, submission
from tests.reporting.helpers import act_as_anyone, rows, run

BEIJING = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A Beijing time in November 2026, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BEIJING).astimezone(UTC)


PHONES = {"A": "13800000001", "B": "13800000002", "C": "13800000003", "D": "13800000004"}


def _submit(runtime, name: str, place: str = "rhine") -> str:
    """One resident per case. (A fourth noise case at one complex within 30 days would start
    at the community: D is about the neighbouring complex.)"""
    body = submission(title=f"案例 {name}", unit=place,
                      reporter={"name": "刘女士", "phone": PHONES[name]})
    with runtime.uow() as uow:
        case = submit_case(uow, runtime.rules(), body, RESIDENT, runtime.now())[0]
    return case.ref


def _do(runtime, clock, users, when: datetime, ref: str, action: str, **data) -> None:
    clock.set(when)
    assert act_as_anyone(runtime, users, ref, action, data), f"nobody could {action} {ref}"


def _sweep(runtime, clock, when: datetime) -> None:
    clock.set(when)
    sweep(runtime.uow, runtime.rules(), clock.now())


def build(runtime, clock) -> dict[str, str]:
    """The four cases A–D of the fixture; returns their references."""
    users = build_tree(runtime)
    clock.set(at(23, 9))  # Monday 23 November, 09:00
    refs = {name: _submit(runtime, name) for name in "ABC"}
    # A: on time everywhere, closed satisfied.
    _do(runtime, clock, users, at(23, 9, 2), refs["A"], "accept")
    _do(runtime, clock, users, at(23, 9, 3), refs["A"], "start")
    _do(runtime, clock, users, at(23, 10), refs["A"], "resolve")
    _do(runtime, clock, users, at(23, 10, 5), refs["A"], "evaluate", satisfaction="satisfied")
    # B: accepted and started on time at the property office, then left unresolved.
    _do(runtime, clock, users, at(23, 9, 2), refs["B"], "accept")
    _do(runtime, clock, users, at(23, 9, 3), refs["B"], "start")
    # C: nobody answers: the sweep finds its accept clock (30 min) passed and escalates it.
    _sweep(runtime, clock, at(23, 9, 31))
    _do(runtime, clock, users, at(23, 10), refs["C"], "accept")  # on time at the complex
    _do(runtime, clock, users, at(23, 10, 5), refs["C"], "start")
    _do(runtime, clock, users, at(24, 10), refs["C"], "resolve")  # waits for evaluation
    # B's resolve clock (3 working days) has passed a week later: escalated to the complex,
    # where it is accepted and resolved on time, and closed satisfied.
    _sweep(runtime, clock, at(30, 9))
    _do(runtime, clock, users, at(30, 9, 30), refs["B"], "accept")
    _do(runtime, clock, users, at(30, 9, 35), refs["B"], "start")
    _do(runtime, clock, users, at(30, 10), refs["B"], "resolve")
    _do(runtime, clock, users, at(30, 10, 5), refs["B"], "evaluate", satisfaction="satisfied")
    # D: submitted at 09:40 and not answered: at 10:30 its clocks have passed, no sweep yet.
    clock.set(at(30, 9, 40))
    refs["D"] = _submit(runtime, "D", "lotus")
    clock.set(at(30, 10, 30))  # now
    return refs


def _cases(runtime, refs: dict[str, str]) -> dict[str, tuple]:
    with runtime.uow() as uow:
        found = uow.session.execute(
            select(Case.ref, Case.state, Case.layer, Case.accepted_on_time, Case.resolved_on_time)
        ).all()
    names = {ref: name for name, ref in refs.items()}
    return {names[ref]: tuple(rest) for ref, *rest in found}


def _charges(runtime, refs: dict[str, str]) -> list[tuple]:
    names = {ref: name for name, ref in refs.items()}
    with runtime.uow() as uow:
        found = uow.session.execute(
            select(Case.ref, Unit.code, ClockCharge.layer, ClockCharge.clock,
                   ClockCharge.ended_by, ClockCharge.due_at, ClockCharge.ended_at)
            .join(Case, Case.id == ClockCharge.case_id)
            .join(Unit, Unit.id == ClockCharge.unit_id)
        ).all()
    return sorted((names[ref], *rest) for ref, *rest in found)


def test_the_cases_carry_on_time_flags_judged_where_each_clock_ran(runtime, clock):
    refs = build(runtime, clock)
    assert _cases(runtime, refs) == {
        # state, layer, accepted_on_time, resolved_on_time
        "A": ("closed", "property", True, True),
        "B": ("closed", "complex", True, False),    # resolved on time at the complex, late
        "C": ("resolved", "complex", False, True),  # accepted late at the office
        "D": ("submitted", "property", None, None),  # at lotus-office, past its deadlines
    }


def test_each_late_clock_is_charged_to_the_unit_where_it_ran(runtime, clock):
    refs = build(runtime, clock)
    office = ("rhine-office", "property")
    assert _charges(runtime, refs) == [
        # B: the office let the resolve clock pass (3 working days from Monday 09:00: the
        # close of business of the third working day after, Thursday 26 at 18:00).
        ("B", *office, "resolve", "escalate", at(26, 18), at(30, 9)),
        # C: the office let every clock pass; all end with the escalation at 09:31.
        ("C", *office, "accept", "escalate", at(23, 9, 30), at(23, 9, 31)),
        ("C", *office, "first_result", "escalate", at(23, 9, 15), at(23, 9, 31)),
        ("C", *office, "follow_up", "escalate", at(23, 9, 10), at(23, 9, 31)),
        ("C", *office, "respond", "escalate", at(23, 9, 5), at(23, 9, 31)),
    ]


def test_the_rates_are_those_counted_by_hand(runtime, clock):
    build(runtime, clock)
    summary = rows(run(runtime, "rates"), "summary")[0]
    assert summary == {
        "scope": "all", "submitted": 4,
        "response_rate": 0.5,            # on time A B / accepted A B C + D waiting past due
        "resolution_rate": 0.75,         # A B C / handled 4
        "on_time_resolution_rate": 0.5,  # A C / resolved A B C + D open and overdue
        "satisfaction_rate": 1.0,        # A B satisfied / evaluated 2
        "evaluation_coverage": 1.0,      # evaluated 2 / closed A B
        "reopen_rate": 0.0,              # none / ever closed A B
    }


def test_the_unit_figures_charge_the_office_that_let_the_clocks_pass(runtime, clock):
    build(runtime, clock)
    complexes = rows(run(runtime, "ranking", level="complex"), "ranking")
    assert complexes == [
        # A B C: (10 × 2/3 + 50 × 1 + 40 × 1) / 100 = 96.67; the office let 2 clocks pass.
        {"rank": 1, "unit": "rhine", "name": "嘉州新城·莱茵水岸", "score": 96.67,
         "submitted": 3, "response_rate": 0.6667, "resolution_rate": 1.0,
         "satisfaction_score": 1.0, "closure_rate": 0.6667, "on_time_closure_rate": 0.3333,
         "rework_rate": 0.0, "extension_rate": 0.0, "deferred": 0, "late_clocks": 2},
        # D: waiting past its deadline, no evaluation: (10 × 0 + 50 × 0) / 60 = 0. Its clocks
        # still run, so nothing is charged yet.
        {"rank": 2, "unit": "lotus", "name": "荷花苑", "score": 0.0, "submitted": 1,
         "response_rate": 0.0, "resolution_rate": 0.0, "satisfaction_score": None,
         "closure_rate": 0.0, "on_time_closure_rate": 0.0, "rework_rate": 0.0,
         "extension_rate": 0.0, "deferred": 0, "late_clocks": 0},
    ]
    streets = rows(run(runtime, "ranking", level="street"), "ranking")
    assert [(r["unit"], r["late_clocks"]) for r in streets] == [("jiazhou-street", 2)]


def test_the_company_is_not_rated_on_four_cases_and_scores_81_25_on_enough(runtime, clock):
    build(runtime, clock)
    (row,) = rows(run(runtime, "property-ratings"), "ratings")
    assert row == {
        "rank": None, "company": "huacheng", "name": "乐山花城物业服务有限公司", "score": None,
        "stars": "不参评", "rated": False, "cases": 4, "on_time_rate": 0.5,
        "satisfaction_rate": 1.0, "reopen_rate": 0.0, "owners_evaluation": None,
        "owner_evaluations": 0, "late_clocks": 2}
    settings = dict(runtime.rules().ratings) | {"not_rated": {"min_cases": 4}}
    with runtime.uow() as uow:
        report = ratings_report(uow, Period.from_dates(*NOVEMBER_DATES), runtime.now(), settings)
    # 100 × (0.3 × 0.5 + 0.4 × 1.0 + 0.1 × (1 − 0)) / (0.3 + 0.4 + 0.1) = 81.25: four stars.
    (rated,) = rows(report, "ratings")
    assert (rated["rank"], rated["score"], rated["stars"], rated["rated"]) == (
        1, 81.25, "four", True)
    assert [r["company"] for r in rows(report, "red_list")] == ["huacheng"]


NOVEMBER_DATES = (datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())
