"""Meeting tasks (会议议定事项) chased to the end: their owner's inbox, due-date warnings,
overdue marks, and marking one done.

A task is stored with its meeting as {title, owner, due_on}; its owner is written as people
write it in minutes: a username or a person's name, or a unit's code or name ("时代物业").
A task is due at the end of its local due date; its standing (warning, overdue) is the one
truth of caseflow.domain.due.task_due_status, the same the sweep reminds by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm.attributes import flag_modified

from caseflow.domain.due import task_due_status
from caseflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from caseflow.models import Meeting, Unit, User
from caseflow.rules import RuleSet
from caseflow.rules.grid_check import grid_settings
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, require_staff


@dataclass(frozen=True)
class TaskItem:
    """One meeting task as its owner's inbox lists it."""

    meeting_id: int
    index: int
    title: str
    owner: str
    due_on: str
    due_at: datetime | None
    status: str  # overdue | warning | on_time | none (done)
    done: bool
    meeting_title: str
    case_id: int | None


def task_due_at(task: Any, zone: str) -> datetime | None:
    """The end of the task's local due date (midnight after it), or None without one."""
    try:
        day = date.fromisoformat(str(task.get("due_on") or ""))
    except ValueError:
        return None
    local = datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(zone))
    return local.astimezone(ZoneInfo("UTC"))


def owner_of(conn: Connection, owner: str) -> int | None:
    """The user a task's owner names (by username or name), or None."""
    owner = owner.strip()
    if not owner:
        return None
    return conn.scalar(select(User.id).where(or_(User.username == owner,
                                                 User.display_name == owner),
                                             User.active).order_by(User.id).limit(1))


def _owner_unit(conn: Connection, owner: str) -> int | None:
    owner = owner.strip()
    if not owner:
        return None
    return conn.scalar(select(Unit.id).where(or_(Unit.code == owner, Unit.name == owner))
                       .order_by(Unit.id).limit(1))


def _owned_by(conn: Connection, owner: str, viewer: Viewer) -> bool:
    """The task's owner is this person, or one of their units."""
    user = owner_of(conn, owner)
    if user is not None:
        return user == viewer.id
    unit = _owner_unit(conn, owner)
    return unit is not None and unit in viewer.units


def tasks_of(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
             include_done: bool = False) -> list[TaskItem]:
    """The meeting tasks this person owns (or their units own), most urgent first."""
    viewer = require_staff(viewer)
    conn = uow.session.connection()
    warn_before = grid_settings(rules).task_warning_before
    items = []
    for meeting in uow.session.scalars(select(Meeting).order_by(Meeting.id)):
        for index, task in enumerate(meeting.tasks or ()):
            done = bool(task.get("done_at"))
            if (done and not include_done) or not _owned_by(conn, str(task.get("owner", "")),
                                                            viewer):
                continue
            due_at = task_due_at(task, rules.calendar.zone)
            items.append(TaskItem(
                meeting.id, index, str(task.get("title", "")), str(task.get("owner", "")),
                str(task.get("due_on", "")), due_at,
                task_due_status(due_at, warn_before, done, now), done, meeting.title,
                meeting.case_id))
    order = {"overdue": 0, "warning": 1, "on_time": 2, "none": 3}
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(items, key=lambda t: (order[t.status], t.due_at or far, t.meeting_id))


def complete_task(uow: UnitOfWork, viewer: Viewer, meeting_id: int, index: int,
                  now: datetime) -> None:
    """Mark a task done (its owner, or an admin), and commit."""
    viewer = require_staff(viewer)
    meeting = uow.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"meeting {meeting_id}")
    tasks = [dict(task) for task in meeting.tasks or ()]
    if not 0 <= index < len(tasks):
        raise InvalidInput("task", f"meeting {meeting_id} has no task {index}")
    conn = uow.session.connection()
    if not viewer.sees_everything and not _owned_by(conn, str(tasks[index].get("owner", "")),
                                                    viewer):
        raise PermissionDenied("only the task's owner marks it done")
    tasks[index]["done_at"] = now.isoformat()
    meeting.tasks = tasks
    flag_modified(meeting, "tasks")
    uow.commit()
