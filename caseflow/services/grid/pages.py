"""What the grid page shows one person: their follow-up calls, their meeting tasks, and
(when they name one) a building's household register."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from caseflow.domain.errors import CaseflowError
from caseflow.rules import RuleSet
from caseflow.services.grid.follow_up import CALLERS, FollowUpItem, follow_ups_for
from caseflow.services.grid.households import HouseholdView, households_of
from caseflow.services.grid.tasks import TaskItem, tasks_of
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer


@dataclass
class GridPage:
    """The grid page of one reader."""

    calls: list[FollowUpItem]
    tasks: list[TaskItem]
    households: list[HouseholdView] = field(default_factory=list)
    households_error: CaseflowError | None = None  # the edge says why, in the reader's words
    makes_calls: bool = False
    categories: list[str] = field(default_factory=list)


def grid_page(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, building: str,
              now: datetime) -> GridPage:
    """The page's parts; a building the reader may not see leaves the register empty."""
    page = GridPage(follow_ups_for(uow, viewer), tasks_of(uow, rules, viewer, now),
                    makes_calls=viewer.role in CALLERS,
                    categories=list(rules.categories))
    if building:
        try:
            page.households = households_of(uow, viewer, building)
        except CaseflowError as error:
            page.households_error = error
    return page


@dataclass(frozen=True)
class WaitingOnMe:
    """What the inbox shows beside the cases: the person's meeting tasks in warning or
    overdue, and how many follow-up calls wait on their streets."""

    tasks: list[TaskItem]
    calls: int


def waiting_on(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime) -> WaitingOnMe:
    """The inbox's reminder of tasks due and calls to make."""
    due = [t for t in tasks_of(uow, rules, viewer, now) if t.status in ("overdue", "warning")]
    calls = len(follow_ups_for(uow, viewer)) if viewer.role in CALLERS else 0
    return WaitingOnMe(due, calls)
