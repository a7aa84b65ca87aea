"""The Leshan tree with an assessment panel, an owners' committee and a ballot list."""

from __future__ import annotations

import pytest

from caseflow.app import runtime_of
from caseflow.models import User
from caseflow.services.assessments.panel import SheetEntry, enter_sheet, open_assessment
from caseflow.services.cases import submit_case
from caseflow.services.reporting.evaluations import add_owner_evaluation
from caseflow.services.units import get_unit
from caseflow.services.visibility import viewer_of
from tests.admin.conftest import (
    _password_hash,
    app,  # noqa: F401 (the pages' app)
)
from tests.factories import RESIDENT, submission
from tests.meetings.helpers import load_ballot_list, staff

PANEL = {"inspector": ("inspector", "jiazhou-street"), "expert": ("expert", "jiazhou-street"),
         "lotus-committee": ("owners_committee", "lotus")}


@pytest.fixture
def users(runtime) -> dict[str, User]:
    users = staff(runtime)
    with runtime.uow() as uow:
        for name, (role, unit) in PANEL.items():
            user = User(username=name, display_name=name, role=role,
                        unit_id=get_unit(uow.session, unit).id)
            uow.session.add(user)
            users[name] = user
        uow.commit()
    load_ballot_list(runtime, users["committee"])
    return users


def submit(runtime, count: int, unit: str = "rhine") -> None:
    """`count` noise cases at a complex, now."""
    for _ in range(count):
        with runtime.uow() as uow:
            submit_case(uow, runtime.rules(), submission(unit=unit), RESIDENT, runtime.now())


def sheet(runtime, user, assessment_id: int, complex_code: str, points: float) -> float:
    """A score sheet giving every item `points` of its most (0-1)."""
    items = runtime.rules().ratings["assessment"]["expert_sheet"]
    entry = SheetEntry(assessment_id, complex_code, {k: v * points for k, v in items.items()})
    with runtime.uow() as uow:
        return enter_sheet(uow, runtime.rules(), viewer_of(user), entry, runtime.now())


def open_quarter(runtime, user, quarter: int = 4) -> int:
    with runtime.uow() as uow:
        return open_assessment(uow, viewer_of(user), "jiazhou-street", 2026, quarter, runtime.now())


def paper_rating(runtime, complex_code: str = "rhine", score: float = 80) -> None:
    """One owners' evaluation of the year on paper (the CSV import's path)."""
    aspects = runtime.rules().ratings["owners_evaluation"]["aspects"]
    with runtime.uow() as uow:
        add_owner_evaluation(uow, runtime.rules().ratings, "huacheng", 2026,
                             dict.fromkeys(aspects, score), runtime.now(), complex_code, "paper")
        uow.commit()


@pytest.fixture
def app_runtime(app):  # noqa: F811 - the imported fixture
    """The runtime the pages' app serves with."""
    return runtime_of(app)


@pytest.fixture
def people(app_runtime):
    """The panel and the Rhine committee (who signs in), and the ballot list; the committee."""
    runtime = app_runtime
    with runtime.uow() as uow:
        for name, (role, unit) in {**PANEL, "committee": ("owners_committee", "rhine")}.items():
            uow.session.add(User(username=name, display_name=name, role=role,
                                 unit_id=get_unit(uow.session, unit).id,
                                 password_hash=_password_hash()))
        uow.commit()
        committee = uow.session.query(User).filter_by(username="committee").one()
    load_ballot_list(runtime, committee)
    return committee


