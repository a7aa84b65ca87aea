"""Builders for meeting and vote tests: the Leshan tree, an owners' committee, a ballot list."""

from __future__ import annotations

from datetime import timedelta

from caseflow.models import User
from caseflow.services.actions import act_on_case
from caseflow.services.cases import submit_case
from caseflow.services.units import get_unit
from caseflow.services.voting import import_ballot_list, parse_ballot_csv
from tests.factories import RESIDENT, build_tree, submission

# Four owners, 400 m² in all: wang owns two parts, the developer two unsold ones.
BALLOT_CSV = """code,area,owner_names,owner_key,developer_unsold
3-1-101,100.00,王先生,wang,no
3-1-102,50.00,王先生,wang,no
3-1-201,100.00,李女士,li,no
3-1-202,50.00,赵先生,zhao,no
3-2-101,50.00,,,yes
3-2-102,50.00,,,yes
"""


def staff(runtime) -> dict[str, User]:
    """build_tree's users plus an owners' committee member of the Rhine complex."""
    users = build_tree(runtime)
    with runtime.uow() as uow:
        member = User(
            username="committee",
            display_name="业委会主任",
            role="owners_committee",
            unit_id=get_unit(uow.session, "rhine").id,
        )
        uow.session.add(member)
        uow.commit()
    users["committee"] = member
    return users


def working_case(runtime, users) -> str:
    """A noise case accepted and started by the Rhine butler; returns its reference."""
    with runtime.uow() as uow:
        case, _ = submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())
    for action in ("accept", "start"):
        with runtime.uow() as uow:
            act_on_case(uow, runtime.rules(), case.ref, action, users["butler"], runtime.now())
    return case.ref


def load_ballot_list(runtime, user=None, text: str = BALLOT_CSV) -> int:
    """Import BALLOT_CSV for the Rhine complex."""
    with runtime.uow() as uow:
        return import_ballot_list(uow, user, "rhine", parse_ballot_csv(text))


def later(runtime, hours: int = 1):
    """Move the frozen clock on."""
    runtime.clock.advance(timedelta(hours=hours))
    return runtime.now()
