"""Deliberation meetings (议事): plan one, take minutes, record the decision, publish it.

A meeting on a case drives the case: planning it applies `deliberate` and recording its
decision applies `record_decision`, each in the same transaction as the meeting row, so
the case and its meeting never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from caseflow.domain import lifecycle
from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.domain.policy import HOLDER
from caseflow.models import Meeting, Unit, Vote
from caseflow.models.meetings import DECIDED, HELD, PLANNED
from caseflow.rules import RuleSet
from caseflow.services.actions import ActionCommand, actor_for, perform
from caseflow.services.cases import get_case
from caseflow.services.deliberation import access
from caseflow.services.units import get_unit, holder_for, relation
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, viewer_of

DEFAULT_KINDS = ("roundtable", "five_party", "three_party", "owners_assembly")
DEFAULT_NOTICE_DAYS = 7
MAX_ID = 2**31  # ids are 32-bit on PostgreSQL: a larger one cannot exist


def may_act_for_complex(session: Session, actor: Viewer | None, complex_unit: Unit) -> bool:
    """Staff of the complex (its branch, property office, owners' committee), or an admin.

    `None` is the operator at the command line, who already holds the database.
    """
    viewer = None if actor is None else viewer_of(actor)
    return access.may_act_for_complex(session, viewer, complex_unit.id)


def require_complex_staff(session: Session, actor: Viewer | None, complex_unit: Unit) -> None:
    """PermissionDenied unless `actor` may act for this complex."""
    if not may_act_for_complex(session, actor, complex_unit):
        raise PermissionDenied(f"only the staff of {complex_unit.name} may do this")


def get_complex(session: Session, code: str) -> Unit:
    """The complex with this code; NotFound for another kind of unit."""
    unit = get_unit(session, code)
    if unit.kind != "complex":
        raise NotFound(f"complex {code}")
    return unit


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting with this id, or NotFound."""
    meeting = session.get(Meeting, meeting_id) if 0 < meeting_id < MAX_ID else None
    if meeting is None:
        raise NotFound(f"meeting {meeting_id}")
    return meeting


def list_meetings(
    uow: UnitOfWork, viewer: Viewer, case: str | None = None, complex_code: str | None = None
) -> list[Meeting]:
    """Meetings of a case or a complex that the viewer reaches, earliest first."""
    query = select(Meeting).order_by(Meeting.starts_at, Meeting.id)
    scope = access.reach_clause(viewer_of(viewer), Meeting.complex_id, Meeting.case_id)
    if scope is not None:
        query = query.where(scope)
    if case is not None:
        query = query.where(Meeting.case_id == get_case(uow.session, case).id)
    if complex_code is not None:
        query = query.where(Meeting.complex_id == get_complex(uow.session, complex_code).id)
    return list(uow.session.scalars(query))


def meeting_kinds(rules: RuleSet) -> tuple[str, ...]:
    """Kinds configured in meetings.yaml (the four defaults when the file is absent)."""
    kinds = rules.meetings.get("kinds")
    return tuple(kinds) if isinstance(kinds, Mapping) and kinds else DEFAULT_KINDS


def notice_days(section: Mapping[str, Any]) -> int:
    """How many days a decision stays on the public notice (公示)."""
    return int(section.get("notice_days", DEFAULT_NOTICE_DAYS))


def plan_meeting(
    uow: UnitOfWork,
    rules: RuleSet,
    actor: Viewer,
    now: datetime,
    *,
    kind: str,
    starts_at: datetime,
    case: str | None = None,
    complex: str | None = None,
    place: str = "",
    participants: Sequence[Mapping[str, Any]] = (),
    agenda: str = "",
    title: str = "",
) -> Meeting:
    """Plan a meeting on a case (which starts deliberating) or on a complex; commits."""
    session = uow.session
    if kind not in meeting_kinds(rules):
        raise InvalidInput("kind", f"must be one of {', '.join(meeting_kinds(rules))}")
    if (case is None) == (complex is None):
        raise InvalidInput("case", "name either a case or a complex")
    if starts_at.tzinfo is None:
        raise InvalidInput("starts_at", "must carry a time zone, e.g. +08:00")
    for field, value in (("title", title), ("place", place)):
        if len(value.strip()) > 200:
            raise InvalidInput(field, "must be at most 200 characters")
    meeting = Meeting(
        kind=kind,
        title=title.strip(),
        status=PLANNED,
        starts_at=starts_at,
        place=place.strip(),
        agenda=agenda.strip(),
        participants=clean_participants(participants),
        minutes="",
        decisions=[],
        tasks=[],
        created_by_id=actor.id,
        created_at=now,
        due_at=rules.calendar.add(now, rules.meeting_clock(kind).within),
    )
    if case is not None:
        _open_on_case(uow, rules, actor, now, meeting, case)
    else:
        meeting.case, meeting.complex = None, get_complex(session, str(complex))
        require_complex_staff(session, actor, meeting.complex)
    session.add(meeting)
    _commit(uow)
    return meeting


def _open_on_case(
    uow: UnitOfWork, rules: RuleSet, actor: Viewer, now: datetime, meeting: Meeting, key: str
) -> None:
    """Apply `deliberate` to the case and number this meeting as its next round."""
    session = uow.session
    target = get_case(session, key)
    complex_id = holder_for(session, target.place_unit_id, "complex")
    if complex_id is None:
        raise InvalidInput("case", "the case's place lies in no complex")
    meeting.case, meeting.round = target, rounds_of(session, target.id) + 1
    meeting.complex = session.get_one(Unit, complex_id)
    facts = {"meeting_kind": meeting.kind, "round": meeting.round,
             "meeting_due_at": meeting.due_at.isoformat()}
    who = actor_for(session, viewer_of(actor), target)
    perform(uow, rules, ActionCommand(target.id, "deliberate", who, meeting.agenda,
                                      event_facts=facts), now)


def clean_participants(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Participants as [{name, role, organisation}]; a name and a role are required."""
    people = []
    for number, person in enumerate(raw, start=1):
        if not isinstance(person, Mapping):
            raise InvalidInput("participants", f"entry {number} must be a mapping")
        entry = {k: str(person.get(k) or "").strip() for k in ("name", "role", "organisation")}
        if not entry["name"] or not entry["role"]:
            raise InvalidInput("participants", f"entry {number} needs a name and a role")
        people.append(entry)
    return people


def record_minutes(
    uow: UnitOfWork,
    actor: Viewer,
    now: datetime,
    meeting_id: int,
    minutes: str,
    participants: Sequence[Mapping[str, Any]] | None = None,
) -> Meeting:
    """Write (or rewrite) the minutes, and who attended, until the decision; commits."""
    meeting = get_meeting(uow.session, meeting_id)
    _require_meeting_staff(uow.session, actor, meeting)
    if meeting.status == DECIDED:
        raise Conflict("the meeting is decided; its minutes can no longer change")
    if not minutes.strip():
        raise InvalidInput("minutes", "is required")
    meeting.minutes, meeting.status = minutes.strip(), HELD
    if participants is not None:
        meeting.participants = clean_participants(participants)
    uow.commit()
    return meeting


def record_decision(
    uow: UnitOfWork,
    rules: RuleSet,
    actor: Viewer,
    now: datetime,
    meeting_id: int,
    outcome: str,
    decisions: Sequence[str],
    tasks: Sequence[Mapping[str, Any]] = (),
) -> Meeting:
    """Record what the meeting decided, move its case on, and publish it; commits.

    Outcomes: `continue` (back to work), `resolved`, `escalate` (to the next layer).
    """
    session = uow.session
    meeting = get_meeting(session, meeting_id)
    if meeting.status == DECIDED:
        raise Conflict("the meeting's decision is already recorded")
    if outcome not in lifecycle.DECISION_OUTCOMES:
        raise InvalidInput("outcome", f"must be one of {', '.join(lifecycle.DECISION_OUTCOMES)}")
    texts = [str(d).strip() for d in decisions if str(d).strip()]
    if not texts:
        raise InvalidInput("decisions", "record at least one decision")
    meeting.tasks = clean_tasks(tasks)
    if meeting.case is not None:
        who = actor_for(session, viewer_of(actor), meeting.case)
        perform(uow, rules, ActionCommand(
            meeting.case.id, "record_decision", who, "；".join(texts),
            data={"outcome": outcome},
            event_facts={"meeting_kind": meeting.kind, "round": meeting.round},
        ), now)
    else:
        require_complex_staff(session, actor, meeting.complex)
    meeting.outcome, meeting.decisions, meeting.status = outcome, texts, DECIDED
    meeting.decided_at = now
    meeting.notice_until = now + timedelta(days=notice_days(rules.meetings))
    _commit(uow)
    return meeting


def _commit(uow: UnitOfWork) -> None:
    """Commit; the case changing meanwhile (its version moved) is a conflict to retry."""
    try:
        uow.commit()
    except StaleDataError:
        uow.session.rollback()
        raise Conflict("the case changed meanwhile; reload it and try again") from None


def clean_tasks(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Follow-up tasks as [{title, owner, due_on (ISO date)}]; all three are required."""
    tasks = []
    for number, task in enumerate(raw, start=1):
        if not isinstance(task, Mapping):
            raise InvalidInput("tasks", f"task {number} must be a mapping")
        entry = {k: str(task.get(k) or "").strip() for k in ("title", "owner", "due_on")}
        if not all(entry.values()):
            raise InvalidInput("tasks", f"task {number} needs a title, an owner and a due_on")
        try:
            entry["due_on"] = date.fromisoformat(entry["due_on"]).isoformat()
        except ValueError:
            raise InvalidInput("tasks", f"task {number}: due_on must be a date") from None
        tasks.append(entry)
    return tasks


def _require_meeting_staff(session: Session, actor: Viewer, meeting: Meeting) -> None:
    """The complex's staff, or whoever holds the meeting's case, may write its minutes."""
    case = meeting.case
    if case is not None and relation(session, actor.unit_id, case.unit_id) == HOLDER:
        return
    require_complex_staff(session, actor, meeting.complex)


def rounds_of(session: Session, case_id: int) -> int:
    """How many meetings a case has had (its rounds of deliberation)."""
    return session.scalar(select(func.count(Meeting.id)).where(Meeting.case_id == case_id)) or 0


def public_notice(uow: UnitOfWork, now: datetime, complex_code: str) -> dict[str, Any]:
    """What the complex shows publicly now: decided meetings and closed votes on notice."""
    session = uow.session
    complex_unit = get_complex(session, complex_code)
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.complex_id == complex_unit.id, Meeting.notice_until > now)
        .order_by(Meeting.decided_at.desc())
    )
    votes = session.scalars(
        select(Vote)
        .where(Vote.complex_id == complex_unit.id, Vote.notice_until > now)
        .order_by(Vote.closed_at.desc())
    )
    return {"complex": complex_unit, "meetings": list(meetings), "votes": list(votes)}


def complexes_on_notice(uow: UnitOfWork, now: datetime) -> list[Unit]:
    """Complexes with a decision or a vote result on public notice now, by name."""
    on_notice = union(
        select(Meeting.complex_id).where(Meeting.notice_until > now),
        select(Vote.complex_id).where(Vote.notice_until > now),
    ).subquery()
    query = select(Unit).where(Unit.id.in_(select(on_notice.c.complex_id))).order_by(Unit.name)
    return list(uow.session.scalars(query))
