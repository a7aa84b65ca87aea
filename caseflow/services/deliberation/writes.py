"""Writing meetings, minutes, votes and ballots for an edge, and commit.

Each function checks the writer against the jurisdiction of `access` (through the rules
of `caseflow.services.meetings` and `caseflow.services.voting`: only staff working inside
the complex, or whoever holds the meeting's case, write), commits, and hands back what was
written as the writer may read it, so an edge never holds a model row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from caseflow.rules import RuleSet
from caseflow.services import meetings, voting
from caseflow.services.deliberation.reads import (
    BallotView,
    MeetingView,
    VoteView,
    ballot_view,
    meeting_view,
    vote_view,
)
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, viewer_of


def plan_meeting(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
                 **fields: Any) -> MeetingView:
    """Plan a meeting on a case or a complex (see meetings.plan_meeting), and commit."""
    who = viewer_of(viewer)
    return meeting_view(meetings.plan_meeting(uow, rules, who, now, **fields), who)


def record_minutes(uow: UnitOfWork, viewer: Viewer, now: datetime, meeting_id: int,
                   minutes: str, participants: Sequence[Mapping[str, Any]] | None = None
                   ) -> MeetingView:
    """Write the meeting's minutes (and who attended), and commit."""
    who = viewer_of(viewer)
    written = meetings.record_minutes(uow, who, now, meeting_id, minutes, participants)
    return meeting_view(written, who)


def record_decision(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
                    meeting_id: int, outcome: str, decisions: Sequence[str],
                    tasks: Sequence[Mapping[str, Any]] = ()) -> MeetingView:
    """Record the meeting's decision, move its case on, publish it, and commit."""
    who = viewer_of(viewer)
    decided = meetings.record_decision(uow, rules, who, now, meeting_id, outcome, decisions,
                                       tasks)
    return meeting_view(decided, who)


def import_ballot_list(uow: UnitOfWork, viewer: Viewer | None, complex_code: str,
                       rows: Sequence[Mapping[str, Any]]) -> int:
    """Replace the complex's ballot list, and commit; `None` is the operator at the shell."""
    who = None if viewer is None else viewer_of(viewer)
    return voting.import_ballot_list(uow, who, complex_code, rows)


def create_vote(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
                complex_code: str, title: str, matter: str, **fields: Any) -> VoteView:
    """Open a vote for the owners of a complex, and commit."""
    vote = voting.create_vote(uow, rules, viewer_of(viewer), now, complex_code, title, matter,
                              **fields)
    return vote_view(vote)


def record_ballot(uow: UnitOfWork, viewer: Viewer, now: datetime, vote_id: int, voter: str,
                  choice: str, channel: str = "in_person", proxy_holder: str = "",
                  change: bool = False) -> BallotView:
    """Record an owner's ballot (or change it, when `change`), and commit."""
    who = viewer_of(viewer)
    verb = voting.change_ballot if change else voting.cast_ballot
    return ballot_view(verb(uow, who, now, vote_id, voter, choice, channel, proxy_holder), who)


def close_vote(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
               vote_id: int) -> VoteView:
    """Close the vote, freeze and publish its result, and commit."""
    return vote_view(voting.close_vote(uow, rules, viewer_of(viewer), now, vote_id))
