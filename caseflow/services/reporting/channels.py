"""Satisfaction by the channel the evaluation came through (the resident's own rating, a
follow-up call 回访 ...), and how follow-up calls went, for a part of the tree and a period.

satisfaction rate = (satisfied + basically satisfied) / evaluations, per channel, counting
evaluations given in the period about cases whose place lies in the scope. The follow-up
figures count calls opened in the period: answered, unreachable, waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select

from caseflow.domain.metrics import ratio
from caseflow.models import Case, Evaluation, FollowUpCall
from caseflow.services.reporting.common import Period, in_subtree
from caseflow.services.reporting.service import Request, period_for, scope_for
from caseflow.services.uow import UnitOfWork

SATISFIED = ("satisfied", "basically_satisfied")


@dataclass(frozen=True)
class ChannelRates:
    """One channel's evaluations in the period."""

    channel: str
    evaluated: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int

    @property
    def satisfaction_rate(self) -> float | None:
        """(satisfied + basically satisfied) / evaluated; None without evaluations."""
        return ratio(self.satisfied + self.basically_satisfied, self.evaluated)


@dataclass(frozen=True)
class FollowUpFigures:
    """Follow-up calls opened in the period, by how they went."""

    opened: int
    answered: int
    unreachable: int
    waiting: int

    @property
    def reach_rate(self) -> float | None:
        """Calls that reached the resident / calls made (answered or unreachable)."""
        return ratio(self.answered, self.answered + self.unreachable)


def satisfaction_by_channel(uow: UnitOfWork, scope: int | None,
                            period: Period) -> list[ChannelRates]:
    """The evaluations of the period about places in `scope` (None: everywhere), by channel."""
    level = Evaluation.satisfaction
    # Named, not a starred generator: the row then types as the five fields of ChannelRates.
    satisfied, basically, unsatisfied = (func.count(case((level == name, 1))) for name in
                                         ("satisfied", "basically_satisfied", "unsatisfied"))
    query = (select(Evaluation.channel, func.count(), satisfied, basically, unsatisfied)
             .join(Case, Case.id == Evaluation.case_id)
             .where(Evaluation.at >= period.start, Evaluation.at < period.end)
             .group_by(Evaluation.channel).order_by(Evaluation.channel))
    inside = in_subtree(Case.place_unit_id, scope)
    if inside is not None:
        query = query.where(inside)
    return [ChannelRates(*row) for row in uow.session.execute(query)]


def follow_up_figures(uow: UnitOfWork, scope: int | None, period: Period) -> FollowUpFigures:
    """How the follow-up calls opened in the period about places in `scope` went."""
    outcome = FollowUpCall.outcome
    query = (select(func.count(), func.count(case((outcome.in_(SATISFIED + ("unsatisfied",)),
                                                    1))),
                    func.count(case((outcome == "unreachable", 1))),
                    func.count(case((FollowUpCall.answered_at.is_(None), 1))))
             .join(Case, Case.id == FollowUpCall.case_id)
             .where(FollowUpCall.created_at >= period.start, FollowUpCall.created_at < period.end))
    inside = in_subtree(Case.place_unit_id, scope)
    if inside is not None:
        query = query.where(inside)
    opened, answered, unreachable, waiting = uow.session.execute(query).one()
    return FollowUpFigures(opened, answered, unreachable, waiting)


@dataclass(frozen=True)
class ChannelReport:
    """Satisfaction by channel and the follow-up calls, for one subtree and period."""

    period: str
    channels: list[ChannelRates]
    follow_ups: FollowUpFigures


def channel_report(uow: UnitOfWork, viewer: Any, unit: str | None, first: date | None,
                   last: date | None, now: datetime) -> ChannelReport:
    """The report for the viewer's subtree (or the unit they name inside it)."""
    scope = scope_for(uow, viewer, unit)
    period = period_for(Request(name="channels", unit=unit, first=first, last=last), now)
    return ChannelReport(period.label(), satisfaction_by_channel(uow, scope, period),
                         follow_up_figures(uow, scope, period))
