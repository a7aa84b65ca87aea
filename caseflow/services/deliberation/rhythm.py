"""Joint meetings on a rhythm: standing series, their sittings planned ahead, and agendas.

A series (e.g. the monthly 四方联席 of a community) belongs to an area: a community or a
complex. Staff who run meetings there start it; the sweep (and `caseflow meetings plan-due`)
plans each sitting `joint.plan_ahead` before it sits, as an ordinary meeting whose agenda is
filled with the area's hard cases (see `agenda`). Sittings missed while nothing ran are not
planned after the fact: the series moves on to its next sitting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.domain.rhythm import FREQUENCIES, Rhythm
from caseflow.models import Meeting, MeetingSeries, Unit, UnitClosure
from caseflow.models.meetings import PLANNED
from caseflow.rules import RuleSet
from caseflow.rules.joint import plan_ahead
from caseflow.services import meetings
from caseflow.services.deliberation import agenda
from caseflow.services.deliberation.access import ACTING_ROLES, in_area, reach_clause, reaches
from caseflow.services.deliberation.reads import MeetingView, meeting_view
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, viewer_of

SITTINGS_SHOWN = 12  # a year of a monthly series

AREA_KINDS = ("community", "complex")


@dataclass(frozen=True)
class SeriesCommand:
    """Start a series: where, what kind, when it sits, and who usually sits at the table."""

    area: str
    kind: str
    title: str
    frequency: str
    day: int
    at: str
    place: str = ""
    participants: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


@dataclass(frozen=True)
class SeriesView:
    """A series as shown to staff."""

    id: int
    area_code: str
    area_name: str
    kind: str
    title: str
    place: str
    frequency: str
    day: int
    at: str
    next_at: datetime
    active: bool
    sittings: list[MeetingView]


@dataclass(frozen=True)
class MeetingAgenda:
    """A meeting with its agenda items, and whether the viewer may decide them."""

    meeting: MeetingView
    items: list[agenda.AgendaItemView]
    may_decide: bool
    series_id: int | None


def _rhythm(rules: RuleSet, frequency: str, day: int, at: str) -> Rhythm:
    if frequency not in FREQUENCIES:
        raise InvalidInput("frequency", f"must be one of {', '.join(FREQUENCIES)}")
    try:
        sits_at = time.fromisoformat(at)
    except ValueError:
        raise InvalidInput("at", "must be a time such as 19:30") from None
    try:
        return Rhythm(frequency, day, sits_at, rules.calendar.zone)
    except ValueError as error:
        raise InvalidInput("day", str(error)) from None


def may_run(uow: UnitOfWork, viewer: Viewer, area_id: int) -> bool:
    """Staff in a meeting-running role whose area holds the series' area, or an admin."""
    if viewer.sees_everything:
        return True
    return viewer.role in ACTING_ROLES and in_area(uow.session, viewer, area_id)


def start_series(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
                 command: SeriesCommand) -> SeriesView:
    """Start a standing joint meeting in an area; its first sitting is the next one after
    now. Commits."""
    who = viewer_of(viewer)
    area = get_unit(uow.session, command.area)
    if area.kind not in AREA_KINDS:
        raise InvalidInput("area", "must be a community or a residential complex")
    if not may_run(uow, who, area.id):
        raise PermissionDenied("only staff running meetings in this area start its series")
    if command.kind not in meetings.meeting_kinds(rules):
        raise InvalidInput("kind", f"must be one of {', '.join(meetings.meeting_kinds(rules))}")
    title = command.title.strip()
    if not title or len(title) > 200:
        raise InvalidInput("title", "is required, at most 200 characters")
    rhythm = _rhythm(rules, command.frequency, command.day, command.at)
    series = MeetingSeries(
        area_id=area.id, kind=command.kind, title=title, place=command.place.strip()[:200],
        frequency=command.frequency, day=command.day, at=rhythm.at.strftime("%H:%M"),
        participants=meetings.clean_participants(command.participants),
        next_at=rhythm.next_after(now), active=True, created_by_id=who.id or None,
        created_at=now,
    )
    uow.session.add(series)
    uow.commit()
    return _series_view(uow, series, who)


def stop_series(uow: UnitOfWork, viewer: Viewer, series_id: int) -> None:
    """Stop planning further sittings (those planned stay). Commits."""
    who = viewer_of(viewer)
    series = _series(uow, who, series_id)
    if not may_run(uow, who, series.area_id):
        raise PermissionDenied("only staff running meetings in this area stop its series")
    series.active = False
    uow.commit()


def _series(uow: UnitOfWork, viewer: Viewer, series_id: int) -> MeetingSeries:
    series = uow.session.get(MeetingSeries, series_id)
    if series is None or not reaches_area(uow, viewer, series.area):
        raise NotFound(f"meeting series {series_id}")
    return series


def plan_due(uow: UnitOfWork, rules: RuleSet, now: datetime) -> list[int]:
    """Plan every sitting due within `joint.plan_ahead`, with its agenda. Commits; returns
    the new meetings' ids. Series rows are locked, so two sweepers never plan one twice."""
    ahead = plan_ahead(rules.meetings)
    session = uow.session
    query = (select(MeetingSeries)
             .where(MeetingSeries.active.is_(True), MeetingSeries.next_at <= now + ahead)
             .order_by(MeetingSeries.id).with_for_update(skip_locked=True, of=MeetingSeries))
    planned = []
    for series in session.scalars(query).unique():
        rhythm = _rhythm(rules, series.frequency, series.day, series.at)
        while series.next_at <= now + ahead:
            if series.next_at > now:
                planned.append(_plan_sitting(session, rules, series, now))
            series.next_at = rhythm.next_after(series.next_at)
    uow.commit()
    return planned


def _plan_sitting(session: Any, rules: RuleSet, series: MeetingSeries, now: datetime) -> int:
    meeting = Meeting(
        kind=series.kind, title=series.title, status=PLANNED, starts_at=series.next_at,
        place=series.place, agenda="", participants=list(series.participants), minutes="",
        decisions=[], tasks=[], created_by_id=None, created_at=now, complex_id=series.area_id,
        series_id=series.id, due_at=rules.calendar.add(now, rules.meeting_clock(
            series.kind).within),
    )
    session.add(meeting)
    session.flush()
    agenda.fill_agenda(session, rules, meeting, series.area_id, now)
    return meeting.id


def series_for(uow: UnitOfWork, viewer: Viewer) -> list[SeriesView]:
    """The series whose area the viewer reaches, by area and title."""
    who = viewer_of(viewer)
    query = select(MeetingSeries).join(Unit, Unit.id == MeetingSeries.area_id)
    clause = reach_clause(who, MeetingSeries.area_id)
    if clause is not None:
        query = query.where(clause)
    rows = uow.session.scalars(query.order_by(Unit.code, MeetingSeries.title)).unique()
    listed = [s for s in rows if reaches_area(uow, who, s.area)]
    sittings = _recent_sittings(uow, [s.id for s in listed])
    return [_series_view(uow, s, who, sittings.get(s.id, [])) for s in listed]


def _recent_sittings(uow: UnitOfWork, series_ids: list[int]) -> dict[int | None, list[Meeting]]:
    """Each series' last SITTINGS_SHOWN sittings, newest first, in one query for them all."""
    if not series_ids:
        return {}
    rank = func.row_number().over(partition_by=Meeting.series_id,
                                  order_by=(Meeting.starts_at.desc(), Meeting.id.desc()))
    recent = select(Meeting.id, rank.label("rank")).where(
        Meeting.series_id.in_(series_ids)).subquery()
    found: dict[int | None, list[Meeting]] = {}
    for meeting in uow.session.scalars(
            select(Meeting).join(recent, recent.c.id == Meeting.id)
            .where(recent.c.rank <= SITTINGS_SHOWN)
            .order_by(Meeting.series_id, Meeting.starts_at.desc(), Meeting.id.desc())).unique():
        found.setdefault(meeting.series_id, []).append(meeting)
    return found


def _series_view(uow: UnitOfWork, series: MeetingSeries, viewer: Viewer,
                 sittings: list[Meeting] | None = None) -> SeriesView:
    """A series with its last sittings (read here when the caller did not read them)."""
    if sittings is None:
        sittings = _recent_sittings(uow, [series.id]).get(series.id, [])
    return SeriesView(
        id=series.id, area_code=series.area.code, area_name=series.area.name, kind=series.kind,
        title=series.title, place=series.place, frequency=series.frequency, day=series.day,
        at=series.at, next_at=series.next_at, active=series.active,
        sittings=[meeting_view(m, viewer) for m in sittings],
    )


def areas_for(uow: UnitOfWork, viewer: Viewer) -> list[tuple[str, str]]:
    """(code, name) of the communities and complexes where the viewer may start a series."""
    who = viewer_of(viewer)
    query = select(Unit.code, Unit.name, Unit.id).where(Unit.kind.in_(AREA_KINDS))
    if not who.sees_everything:
        if who.role not in ACTING_ROLES or not who.units:
            return []
        query = query.where(Unit.id.in_(select(UnitClosure.descendant_id).where(
            UnitClosure.ancestor_id.in_(who.units))))
    return [(code, name) for code, name, _ in uow.session.execute(query.order_by(Unit.code))]


def meeting_agenda(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> MeetingAgenda:
    """A meeting's agenda as the viewer reads it (PermissionDenied outside their reach)."""
    who = viewer_of(viewer)
    meeting = _reached(uow, who, meeting_id)
    return MeetingAgenda(
        meeting=meeting_view(meeting, who),
        items=agenda.item_views(uow.session, meeting.id, who),
        may_decide=may_run(uow, who, meeting.complex_id) or meetings.may_act_for_complex(
            uow.session, who, meeting.complex),
        series_id=meeting.series_id,
    )


def reaches_area(uow: UnitOfWork, viewer: Viewer, area: Unit) -> bool:
    """Units at or above the area read its joint meetings; below it, only a complex's own
    staff do: a butler of one complex never reads the hard cases of its sibling complexes
    on a community's agenda."""
    if area.kind == "complex":
        return reaches(uow.session, viewer, area.id)
    return in_area(uow.session, viewer, area.id)


def _reached(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = meetings.get_meeting(uow.session, meeting_id)
    if not reaches_area(uow, viewer, meeting.complex):
        raise PermissionDenied(f"meeting {meeting_id} lies outside your area")
    return meeting


def decide_item(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
                meeting_id: int, item_id: int, choice: agenda.ItemDecision) -> MeetingAgenda:
    """Record the meeting's decision on one agenda item, with its task or action. Commits
    (the case action, when there is one, in the same transaction)."""
    who = viewer_of(viewer)
    meeting = _reached(uow, who, meeting_id)
    if not (may_run(uow, who, meeting.complex_id)
            or meetings.may_act_for_complex(uow.session, who, meeting.complex)):
        raise PermissionDenied("only staff running this meeting decide its agenda")
    agenda.decide_item(uow, rules, who, now, meeting, item_id, choice)
    try:
        uow.commit()
    except StaleDataError:  # the item's case changed meanwhile (its version moved)
        uow.session.rollback()
        raise Conflict("the case changed meanwhile; reload it and try again") from None
    return meeting_agenda(uow, who, meeting_id)
