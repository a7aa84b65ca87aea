"""A joint meeting's agenda: the hard cases of its area, the month's hotspot, and decisions.

Seed 000 collects "各小区业主中的难点和重点问题" for a standing joint meeting. Which cases are
hard is decided in `caseflow.domain.rhythm.hard_reasons` under meetings.yaml `joint`; this
module finds them in the area with one query, and records what the meeting decided on each
item: a tracked task on the meeting (chased like every meeting task) or an action on the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session

from caseflow.domain import lifecycle
from caseflow.domain.errors import Conflict, InvalidInput, NotFound
from caseflow.domain.rhythm import REASONS, HardCaseRules, hard_reasons
from caseflow.models import AgendaItem, Case, Meeting, UnitClosure
from caseflow.rules import RuleSet
from caseflow.rules.joint import hard_case_rules, joint_section
from caseflow.services import due
from caseflow.services.actions import ActionCommand, perform
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, shown_text

# What a meeting may do to a case on its agenda, besides giving someone a task: write its
# decision into the case's record, or send the case up a layer (as the recorder may).
FOLLOW_UP_ACTIONS = ("comment", "escalate")
_WORKING = tuple(s for s in lifecycle.OPEN_STATES if s != lifecycle.RESOLVED)
HOTSPOT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class AgendaItemView:
    """One agenda item as the viewer may read it."""

    id: int
    position: int
    case_ref: str | None
    case_title: str
    case_state: str | None
    case_layer: str | None
    reasons: list[str]
    topic: str
    detail: str
    decision: str
    follow_up: dict[str, Any]
    decided_at: datetime | None


@dataclass(frozen=True)
class ItemDecision:
    """What a meeting decided on one item: the text, and a task or an action (or neither)."""

    decision: str
    task_owner: str = ""
    task_due_on: str = ""
    action: str = ""


def _in_area(area_id: int) -> Any:
    return Case.place_unit_id.in_(
        select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id == area_id))


def hard_cases(session: Session, ruleset: RuleSet, area_id: int, now: datetime
               ) -> list[tuple[Case, list[str]]]:
    """The area's hard cases, hardest first (by reason, then oldest), at most `limit`."""
    rules = hard_case_rules(ruleset.meetings)
    ladder = [layer.id for layer in ruleset.layers]
    above = rules.escalated_above
    threshold = ladder.index(above) if above in ladder else None
    higher = ladder[threshold + 1:] if threshold is not None else []
    counts = _repeat_counts(session, rules, area_id, now) if rules.repeat_min_cases else {}
    pairs = [pair for pair, n in counts.items() if n >= rules.repeat_min_cases]
    terms = [Case.submitted_at < now - rules.open_longer_than, Case.layer.in_(higher)]
    if rules.problem_cases:
        terms += [Case.problem_case.is_(True), due.overdue(now)]
    if pairs:  # the (place, category) pairs counted once above, not grouped again in SQL
        terms.append(tuple_(Case.place_unit_id, Case.category).in_(pairs))
    query = select(Case).where(_in_area(area_id), Case.state.in_(_WORKING), or_(*terms))
    found = []
    for case in session.scalars(query).unique():
        reasons = hard_reasons(
            rules, now, submitted_at=case.submitted_at, problem_case=case.problem_case,
            overdue=case.overdue_from is not None and case.overdue_from <= now,
            layer_rank=ladder.index(case.layer) if case.layer in ladder else 0,
            threshold_rank=threshold,
            repeats=counts.get((case.place_unit_id, case.category), 0),
        )
        if reasons:
            found.append((case, reasons))
    found.sort(key=lambda pair: (REASONS.index(pair[1][0]), pair[0].submitted_at, pair[0].id))
    return found[: rules.limit]


def _repeat_counts(session: Session, rules: HardCaseRules, area_id: int, now: datetime
                   ) -> dict[tuple[int, str], int]:
    query = (
        select(Case.place_unit_id, Case.category, func.count())
        .where(_in_area(area_id), Case.submitted_at >= now - rules.repeat_within)
        .group_by(Case.place_unit_id, Case.category)
    )
    return {(place, category): n for place, category, n in session.execute(query)}


def hotspot(session: Session, ruleset: RuleSet, area_id: int, now: datetime
            ) -> tuple[str, int] | None:
    """每月一题: the category most reported in the area over the last 30 days, and its count."""
    if not joint_section(ruleset.meetings).get("hotspot", True):
        return None
    query = (
        select(Case.category, func.count().label("n"))
        .where(_in_area(area_id), Case.submitted_at > now - HOTSPOT_WINDOW,
               Case.submitted_at <= now)
        .group_by(Case.category)
        .order_by(func.count().desc(), Case.category)
        .limit(1)
    )
    row = session.execute(query).first()
    return (row[0], int(row[1])) if row else None


def fill_agenda(session: Session, ruleset: RuleSet, meeting: Meeting, area_id: int,
                now: datetime) -> int:
    """Add the hard cases and the hotspot to a new meeting's agenda; the number of items."""
    items = [AgendaItem(meeting_id=meeting.id, position=n, case_id=case.id, reasons=reasons,
                        topic="", detail="", decision="", follow_up={})
             for n, (case, reasons) in enumerate(hard_cases(session, ruleset, area_id, now), 1)]
    top = hotspot(session, ruleset, area_id, now)
    if top is not None:
        items.append(AgendaItem(meeting_id=meeting.id, position=len(items) + 1, case_id=None,
                                reasons=["hotspot"], topic=top[0], detail=str(top[1]),
                                decision="", follow_up={}))
    session.add_all(items)
    return len(items)


def item_views(session: Session, meeting_id: int, viewer: Viewer) -> list[AgendaItemView]:
    """A meeting's agenda items, in order; case titles masked as the viewer may read them."""
    query = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(
        AgendaItem.position)
    return [_view(item, viewer) for item in session.scalars(query)]


def _view(item: AgendaItem, viewer: Viewer) -> AgendaItemView:
    case = item.case
    return AgendaItemView(
        id=item.id, position=item.position, case_ref=case.ref if case else None,
        case_title=shown_text(case.title, viewer, case) if case else "",
        case_state=case.state if case else None, case_layer=case.layer if case else None,
        reasons=list(item.reasons), topic=item.topic, detail=item.detail,
        decision=shown_text(item.decision, viewer), follow_up=dict(item.follow_up),
        decided_at=item.decided_at,
    )


def _task(meeting: Meeting, item: AgendaItem, choice: ItemDecision) -> dict[str, str]:
    try:
        date.fromisoformat(choice.task_due_on)
    except ValueError:
        raise InvalidInput("task_due_on", "must be a date such as 2026-12-31") from None
    task = {"title": choice.decision, "owner": choice.task_owner.strip(),
            "due_on": choice.task_due_on}
    if item.case is not None:
        task["case"] = item.case.ref
    meeting.tasks = [*meeting.tasks, task]
    return task


def decide_item(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
                meeting: Meeting, item_id: int, choice: ItemDecision) -> AgendaItem:
    """Record the decision on one item, with its task or case action (no commit)."""
    session = uow.session
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(f"agenda item {item_id}")
    if item.decided_at is not None:
        raise Conflict("this item is already decided")
    text = choice.decision.strip()
    if not text:
        raise InvalidInput("decision", "is required")
    if choice.action and choice.action not in FOLLOW_UP_ACTIONS:
        raise InvalidInput("action", f"must be one of {', '.join(FOLLOW_UP_ACTIONS)}")
    if choice.action and item.case is None:
        raise InvalidInput("action", "the hotspot item has no case to act on")
    if choice.task_owner.strip():
        follow_up: dict[str, Any] = {"task": _task(meeting, item, ItemDecision(
            text, choice.task_owner, choice.task_due_on))}
    elif choice.action:
        follow_up = {"action": choice.action}
        assert item.case is not None  # noqa: S101 (checked above)
        perform(uow, rules, ActionCommand(item.case.id, choice.action, viewer, text,
                                          event_facts={"meeting_id": meeting.id}), now)
    else:
        follow_up = {}
    item.decision, item.follow_up = text, follow_up
    item.decided_at, item.decided_by_id = now, viewer.id or None
    return item

