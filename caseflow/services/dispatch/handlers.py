"""The dispatch actions, registered in caseflow.services.handlers.

The holder sends (`dispatch`), confirms (`confirm_dispatch`) or rejects (`reject_dispatch`)
a result; the department accepts (`dispatch_accept`), returns with a reason
(`dispatch_return`, 退单) or gives its result (`dispatch_resolve`); the sweep climbs an
overdue dispatch up the department's own line (`dispatch_escalate`). None changes the
case's state: each is recorded on the dispatch and as the case's event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from caseflow.domain import lifecycle
from caseflow.domain.errors import ActionNotAllowed, InvalidInput
from caseflow.models import Dispatch, Unit, User
from caseflow.services.dispatch.records import (
    DEPARTMENT_KIND,
    count_open,
    department_by_code,
    may_dispatch_from,
    new_dispatch,
    open_dispatches,
    restart_clocks,
)

if TYPE_CHECKING:
    from caseflow.services.handlers import Step


def _said(step: Step, what: str) -> str:
    if not step.note:
        raise InvalidInput("note", what)
    return step.note


def _record(step: Step, action: str, states: tuple[str, ...], department_side: bool
            ) -> Dispatch:
    """The dispatch this action is about: the one named by `data.dispatch`, or the only one
    in `states` that the actor's department holds (department side) or that the case has
    (holder side)."""
    session = step.session
    wanted = step.data.get("dispatch")
    candidates = [d for d in open_dispatches(session, step.case.id) if d.state in states]
    if department_side and step.actor.role != "admin":
        user = session.get(User, step.actor.user_id) if step.actor.user_id else None
        mine = user.unit_id if user is not None else None
        candidates = [d for d in candidates if d.department_id == mine]
    if wanted not in (None, ""):
        chosen = next((d for d in candidates if str(d.id) == str(wanted)), None)
        if chosen is None:
            raise InvalidInput("data.dispatch", f"no dispatch {wanted} waits for this action")
        return chosen
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ActionNotAllowed(action, step.case.state, [])
    raise InvalidInput("data.dispatch", "several dispatches wait: name one")


def _noted(step: Step, record: Dispatch, action: str) -> None:
    lifecycle.fire(step.case, action)
    unit = step.session.get(Unit, record.department_id)
    step.event_data.update(dispatch=record.id, dispatch_state=record.state,
                           department=unit.code if unit else None)


def dispatch(step: Step) -> None:
    """Send the case, or the part the note names, to a department of its district or city."""
    if not may_dispatch_from(step.rules, step.case.layer):
        raise InvalidInput("action", "only the street layer or above dispatches to departments")
    asked = _said(step, "say what the department is asked to do")
    department = department_by_code(step.session, step.data.get("department"),
                                    step.case.unit_id)
    record = new_dispatch(step.session, step.rules, step.case.id, department,
                          step.case.unit_id, asked, step.now)
    _noted(step, record, "dispatch")


def accept(step: Step) -> None:
    """The department signs for it (签收): its accept clock stops."""
    record = _record(step, "dispatch_accept", ("submitted",), department_side=True)
    record.state, record.accepted_at = "accepted", step.now
    record.accepted_on_time = step.now <= record.accept_due_at
    _noted(step, record, "dispatch_accept")


def give_back(step: Step) -> None:
    """退单: not this department's work; the reason goes back to the holder."""
    record = _record(step, "dispatch_return", ("submitted", "accepted"), department_side=True)
    record.return_reason = _said(step, "give the reason for returning it")
    if record.accepted_on_time is None:  # an answer within the accept clock is a response
        record.accepted_on_time = step.now <= record.accept_due_at
    record.state, record.finished_at = "returned", step.now
    _noted(step, record, "dispatch_return")


def resolve(step: Step) -> None:
    """The department's result; the holder confirms or rejects it."""
    record = _record(step, "dispatch_resolve", ("submitted", "accepted"), department_side=True)
    record.result = _said(step, "describe the result")
    if record.accepted_at is None:
        record.accepted_at = step.now
        record.accepted_on_time = step.now <= record.accept_due_at
    on_time = step.now <= record.resolve_due_at
    record.resolved_on_time = on_time and record.resolved_on_time is not False
    record.state, record.resolved_at = "resolved", step.now
    _noted(step, record, "dispatch_resolve")


def confirm(step: Step) -> None:
    """The holder accepts the department's result: this dispatch is done."""
    record = _record(step, "confirm_dispatch", ("resolved",), department_side=False)
    record.state, record.finished_at = "confirmed", step.now
    _noted(step, record, "confirm_dispatch")


def reject(step: Step) -> None:
    """The holder sends the result back: the department works on, with a fresh resolve clock."""
    record = _record(step, "reject_dispatch", ("resolved",), department_side=False)
    _said(step, "say what is missing from the result")
    record.state, record.resolved_at = "accepted", None
    record.rejections += 1
    record.resolve_due_at = step.rules.calendar.add(
        step.now, step.rules.deadlines.departments["resolve"])
    record.escalated_clock = None
    _noted(step, record, "reject_dispatch")


def escalate(step: Step) -> None:
    """The sweep's step for an overdue dispatch clock, inside the department's own line:
    a sub-department's work climbs to its parent department (fresh clocks, its inbox);
    a department at the top of its line is flagged for supervision (督办) by the district
    or city it serves. The territorial ladder is never involved."""
    record = _record(step, "dispatch_escalate", ("submitted", "accepted"), department_side=False)
    clock = str(step.data.get("clock") or "accept")
    if clock not in ("accept", "resolve"):
        raise InvalidInput("data.clock", "must be accept or resolve")
    if clock == "accept" and record.accepted_on_time is None:
        record.accepted_on_time = False
    if clock == "resolve":
        record.resolved_on_time = False
    here = step.session.get_one(Unit, record.department_id)
    parent = step.session.get(Unit, here.parent_id) if here.parent_id else None
    step.event_data.update(clock=clock, from_department=here.code)
    if parent is not None and parent.kind == DEPARTMENT_KIND:
        record.department_id, record.state = parent.id, "submitted"
        record.accepted_at = None
        restart_clocks(step.rules, record, step.now)
        step.event_data["moved"] = True
    else:
        record.supervised, record.escalated_clock = True, clock
        step.event_data["supervised_by"] = parent.code if parent else None
    _noted(step, record, "dispatch_escalate")


def settled_before_resolving(step: Step) -> None:
    """The holder resolves a case only when every department's result was confirmed (or the
    work returned): it stays responsible for what the departments did."""
    waiting = count_open(step.uow.connection(), step.case.id)
    if waiting:
        raise InvalidInput(
            "action", f"{waiting} dispatch(es) to departments still open: confirm or "
                      "reject their results first")


def cancel_open(step: Step) -> None:
    """A case that ends without a result (withdrawn, merged, rejected) takes back the work
    still out at departments: it leaves their inboxes and their clocks stop."""
    if not count_open(step.uow.connection(), step.case.id):
        return  # most cases were never dispatched: no ORM session for them
    cancelled = open_dispatches(step.session, step.case.id)
    for record in cancelled:
        record.state, record.finished_at = "cancelled", step.now
    if cancelled:
        step.event_data["dispatches_cancelled"] = [record.id for record in cancelled]


DISPATCH_HANDLERS: dict[str, Callable[[Step], None]] = {
    "dispatch": dispatch,
    "dispatch_accept": accept,
    "dispatch_return": give_back,
    "dispatch_resolve": resolve,
    "confirm_dispatch": confirm,
    "reject_dispatch": reject,
    "dispatch_escalate": escalate,
}
