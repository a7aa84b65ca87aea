"""Meetings, votes, ballots and the public notice as each viewer may read them.

Every read an edge shows goes through one function here, which takes the `Viewer` and
applies the read policy once: a meeting or vote outside the viewer's reach is refused
(PermissionDenied) when asked for directly and left out of lists; participants' names,
owners' names and proxies are masked for roles that do not handle personal data (leaders,
owners' committees), and phone or ID numbers typed into minutes, agendas and decisions with
them; the public notice board shows decisions and tallies, never ballots or names.
Edges receive the frozen dataclasses below, never model rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from caseflow.models import Ballot, ExclusivePart, Meeting, Unit, Vote
from caseflow.models.voting import CLOSED
from caseflow.rules import RuleSet
from caseflow.services import meetings, voting
from caseflow.services.deliberation.access import (
    OPERATOR,
    may_act_for_complex,
    reach_clause,
    reaches,
    require_reach,
)
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import PUBLIC, Viewer, shown_name, shown_text, viewer_of


@dataclass(frozen=True)
class ComplexView:
    """A residential complex: its code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class CaseLink:
    """The case a meeting is about, by reference."""

    ref: str


@dataclass(frozen=True)
class MeetingView:
    """A meeting as the viewer may read it (names and numbers masked for some roles)."""

    id: int
    complex: ComplexView
    case: CaseLink | None
    kind: str
    title: str
    round: int
    status: str
    starts_at: datetime
    place: str
    agenda: str
    participants: list[dict[str, str]]
    minutes: str
    decisions: list[str]
    tasks: list[dict[str, str]]
    outcome: str | None
    due_at: datetime
    decided_at: datetime | None
    notice_until: datetime | None
    masked: bool


@dataclass(frozen=True)
class VoteView:
    """A vote: what is decided, its state, and its frozen result once closed."""

    id: int
    complex: ComplexView
    meeting_id: int | None
    title: str
    matter: str
    threshold: str
    fund_amount: Decimal | None
    status: str
    ballots_cast: int
    opened_at: datetime
    closes_at: datetime | None
    closed_at: datetime | None
    notice_until: datetime | None
    result: dict[str, Any]


@dataclass(frozen=True)
class BallotView:
    """One owner's ballot (owner key, not name); proxies' names masked for some roles."""

    voter_key: str
    choice: str
    channel: str
    proxy_holder: str
    cast_at: datetime
    changed_at: datetime | None
    history: list[dict[str, Any]]


@dataclass(frozen=True)
class PartView:
    """An exclusive part on the ballot list; owners' names masked for some roles."""

    code: str
    area: Decimal
    owner_names: str
    owner_key: str
    developer_unsold: bool


@dataclass(frozen=True)
class ComplexPage:
    """Everything the complex page shows: meetings, votes, the ballot list, may-act."""

    complex: ComplexView
    meetings: list[MeetingView]
    votes: list[VoteView]
    parts: list[PartView]
    may_act: bool


@dataclass(frozen=True)
class MeetingPage:
    """A meeting, and whether the viewer may write its minutes and decision."""

    meeting: MeetingView
    may_act: bool


@dataclass(frozen=True)
class VotePage:
    """A vote with its count (final or running) and, for those who may, its ballots."""

    vote: VoteView
    result: dict[str, Any]
    ballots: list[BallotView]
    may_act: bool


@dataclass(frozen=True)
class NoticeMeeting:
    """A decided meeting on the public notice: no minutes, no participants."""

    id: int
    kind: str
    title: str
    starts_at: datetime
    decisions: list[str]
    tasks: list[dict[str, str]]
    outcome: str | None
    decided_at: datetime | None
    notice_until: datetime | None


@dataclass(frozen=True)
class Notice:
    """A complex's public notice (公示): decisions and tallies on notice now."""

    complex: ComplexView
    meetings: list[NoticeMeeting] = field(default_factory=list)
    votes: list[VoteView] = field(default_factory=list)


def _complex(unit: Unit) -> ComplexView:
    return ComplexView(unit.code, unit.name)


def _tasks(tasks: list[Any], viewer: Viewer) -> list[dict[str, str]]:
    return [{**t, "title": shown_text(t.get("title", ""), viewer),
             "owner": shown_text(t.get("owner", ""), viewer)} for t in tasks]


def meeting_view(meeting: Meeting, viewer: Viewer) -> MeetingView:
    """The meeting as this viewer reads it: the one place meetings are masked."""
    people = [{**p, "name": shown_name(p.get("name", ""), viewer)} for p in meeting.participants]
    return MeetingView(
        id=meeting.id, complex=_complex(meeting.complex),
        case=CaseLink(meeting.case.ref) if meeting.case is not None else None,
        kind=meeting.kind, title=shown_text(meeting.title, viewer), round=meeting.round,
        status=meeting.status, starts_at=meeting.starts_at, place=meeting.place,
        agenda=shown_text(meeting.agenda, viewer), participants=people,
        minutes=shown_text(meeting.minutes, viewer),
        decisions=[shown_text(d, viewer) for d in meeting.decisions],
        tasks=_tasks(meeting.tasks, viewer), outcome=meeting.outcome, due_at=meeting.due_at,
        decided_at=meeting.decided_at, notice_until=meeting.notice_until,
        masked=not viewer.sees_personal_data,
    )


def vote_view(vote: Vote) -> VoteView:
    """A vote as read: it carries no personal data (tallies only), so nothing to mask."""
    return VoteView(
        id=vote.id, complex=_complex(vote.complex), meeting_id=vote.meeting_id,
        title=vote.title, matter=vote.matter, threshold=vote.threshold,
        fund_amount=vote.fund_amount, status=vote.status, ballots_cast=vote.ballots_cast,
        opened_at=vote.opened_at, closes_at=vote.closes_at, closed_at=vote.closed_at,
        notice_until=vote.notice_until, result=dict(vote.result),
    )


def ballot_view(ballot: Ballot, viewer: Viewer) -> BallotView:
    """A ballot as this viewer reads it: the proxy holder's name masked for some roles."""
    history = [{**h, "proxy_holder": shown_name(h.get("proxy_holder", ""), viewer)}
               for h in ballot.history]
    return BallotView(
        voter_key=ballot.voter_key, choice=ballot.choice, channel=ballot.channel,
        proxy_holder=shown_name(ballot.proxy_holder, viewer), cast_at=ballot.cast_at,
        changed_at=ballot.changed_at, history=history,
    )


def part_view(part: ExclusivePart, viewer: Viewer) -> PartView:
    """A ballot-list row as this viewer reads it (owners' names masked for some roles)."""
    return PartView(code=part.code, area=part.area,
                    owner_names=shown_name(part.owner_names, viewer) if part.owner_names else "",
                    owner_key=part.owner_key, developer_unsold=part.developer_unsold)


def _reached_meeting(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = meetings.get_meeting(uow.session, meeting_id)
    require_reach(uow.session, viewer, meeting.complex_id, f"meeting {meeting_id}", meeting.case)
    return meeting


def _reached_vote(uow: UnitOfWork, viewer: Viewer, vote_id: int) -> Vote:
    vote = voting.get_vote(uow.session, vote_id)
    require_reach(uow.session, viewer, vote.complex_id, f"vote {vote_id}")
    return vote


def _reached_complex(uow: UnitOfWork, viewer: Viewer, code: str) -> Unit:
    unit = meetings.get_complex(uow.session, code)
    require_reach(uow.session, viewer, unit.id, unit.name)
    return unit


def meeting_for(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> MeetingView:
    """One meeting, when the viewer reaches its complex (or case); PermissionDenied if not."""
    who = viewer_of(viewer)
    return meeting_view(_reached_meeting(uow, who, meeting_id), who)


def meetings_for(uow: UnitOfWork, viewer: Viewer, case: str | None = None,
                 complex_code: str | None = None) -> list[MeetingView]:
    """Meetings of a case or a complex within the viewer's reach, earliest first."""
    who = viewer_of(viewer)
    found = meetings.list_meetings(uow, who, case, complex_code)
    return [meeting_view(m, who) for m in found]


def meeting_page(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> MeetingPage:
    """The meeting page: the meeting within reach, and may-act (its complex's staff, or the
    unit holding its case)."""
    who = viewer_of(viewer)
    meeting = _reached_meeting(uow, who, meeting_id)
    holds_case = meeting.case is not None and who.unit_id == meeting.case.unit_id
    return MeetingPage(meeting=meeting_view(meeting, who),
                       may_act=holds_case or may_act_for_complex(uow.session, who,
                                                                 meeting.complex_id))


def vote_for(uow: UnitOfWork, viewer: Viewer, vote_id: int) -> VoteView:
    """One vote, when the viewer reaches its complex; PermissionDenied if not."""
    return vote_view(_reached_vote(uow, viewer_of(viewer), vote_id))


def _votes_of(uow: UnitOfWork, unit: Unit) -> list[VoteView]:
    query = select(Vote).where(Vote.complex_id == unit.id).order_by(Vote.id.desc())
    return [vote_view(v) for v in uow.session.scalars(query)]


def votes_for(uow: UnitOfWork, viewer: Viewer, complex_code: str) -> list[VoteView]:
    """Votes of a complex, newest first; none when the complex lies outside the reach."""
    who, unit = viewer_of(viewer), meetings.get_complex(uow.session, complex_code)
    return _votes_of(uow, unit) if reaches(uow.session, who, unit.id) else []


def ballots_for(uow: UnitOfWork, viewer: Viewer, vote_id: int) -> list[BallotView]:
    """A vote's individual ballots: for the committee running it and the units above."""
    who = viewer_of(viewer)
    vote = _reached_vote(uow, who, vote_id)
    return [ballot_view(b, who) for b in voting.ballots_of(uow.session, vote.id)]


def result_for(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, vote_id: int) -> dict[str, Any]:
    """The vote's count with every threshold (running while open), within the reach."""
    _reached_vote(uow, viewer_of(viewer), vote_id)
    return voting.vote_result(uow, rules, vote_id)


def vote_page(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, vote_id: int) -> VotePage:
    """Everything the vote page shows, within the viewer's reach."""
    who = viewer_of(viewer)
    vote = _reached_vote(uow, who, vote_id)
    return VotePage(
        vote=vote_view(vote), result=voting.vote_result(uow, rules, vote_id),
        ballots=[ballot_view(b, who) for b in voting.ballots_of(uow.session, vote.id)],
        may_act=may_act_for_complex(uow.session, who, vote.complex_id),
    )


def ballot_list_for(uow: UnitOfWork, viewer: Viewer | None, complex_code: str) -> list[PartView]:
    """A complex's ballot list within the reach; `None` is the operator at the shell."""
    shown = OPERATOR if viewer is None else viewer_of(viewer)
    unit = _reached_complex(uow, shown, complex_code)
    return [part_view(p, shown) for p in voting.ballot_list(uow.session, unit.id)]


def complexes_for(uow: UnitOfWork, viewer: Viewer) -> list[ComplexView]:
    """The complexes whose meetings and votes the viewer reaches, by code."""
    query = select(Unit).where(Unit.kind == "complex").order_by(Unit.code)
    scope = reach_clause(viewer_of(viewer), Unit.id)
    if scope is not None:
        query = query.where(scope)
    return [_complex(u) for u in uow.session.scalars(query)]


def complex_page(uow: UnitOfWork, viewer: Viewer, complex_code: str) -> ComplexPage:
    """A complex's meetings, votes and ballot list, within the viewer's reach."""
    who = viewer_of(viewer)
    unit = _reached_complex(uow, who, complex_code)
    return ComplexPage(
        complex=_complex(unit),
        meetings=[meeting_view(m, who) for m in meetings.list_meetings(uow, who, None, unit.code)],
        votes=_votes_of(uow, unit),
        parts=[part_view(p, who) for p in voting.ballot_list(uow.session, unit.id)],
        may_act=may_act_for_complex(uow.session, who, unit.id),
    )


def _notice_meeting(meeting: Meeting) -> NoticeMeeting:
    return NoticeMeeting(
        id=meeting.id, kind=meeting.kind, title=shown_text(meeting.title, PUBLIC),
        starts_at=meeting.starts_at, decisions=[shown_text(d, PUBLIC) for d in meeting.decisions],
        tasks=_tasks(meeting.tasks, PUBLIC), outcome=meeting.outcome,
        decided_at=meeting.decided_at, notice_until=meeting.notice_until,
    )


def notice_board(uow: UnitOfWork, now: datetime, complex_code: str) -> Notice:
    """What a complex shows everyone now: decisions and tallies, never ballots or names."""
    on_notice = meetings.public_notice(uow, now, complex_code)
    closed = [v for v in on_notice["votes"] if v.status == CLOSED]
    return Notice(complex=_complex(on_notice["complex"]),
                  meetings=[_notice_meeting(m) for m in on_notice["meetings"]],
                  votes=[vote_view(v) for v in closed])


def notice_complexes(uow: UnitOfWork, now: datetime) -> list[ComplexView]:
    """Complexes with a decision or a tally on public notice now, by name."""
    return [_complex(u) for u in meetings.complexes_on_notice(uow, now)]
