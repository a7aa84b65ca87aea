"""The case lifecycle: one shared `transitions` Machine for every case.

Cases are never added to the machine; events are fired on detached objects that carry a
`state` attribute, so loading a case from the database never resets its state and no
per-case memory is held.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from transitions import EventData, Machine

from caseflow.domain.errors import ActionNotAllowed

SUBMITTED = "submitted"
ACCEPTED = "accepted"
IN_PROGRESS = "in_progress"
DELIBERATING = "deliberating"
ON_HOLD = "on_hold"
RESOLVED = "resolved"
DEFERRED = "deferred"
CLOSED = "closed"
WITHDRAWN = "withdrawn"
MERGED = "merged"
REJECTED = "rejected"

OPEN_STATES = (SUBMITTED, ACCEPTED, IN_PROGRESS, DELIBERATING, ON_HOLD, RESOLVED, DEFERRED)
FINAL_STATES = (CLOSED, WITHDRAWN, MERGED, REJECTED)
STATES = OPEN_STATES + FINAL_STATES
WORKING = [ACCEPTED, IN_PROGRESS]
HANDLING = [SUBMITTED, ACCEPTED, IN_PROGRESS, DELIBERATING, ON_HOLD, DEFERRED]

SATISFIED_LEVELS = ("satisfied", "basically_satisfied")
SATISFACTION_LEVELS = (*SATISFIED_LEVELS, "unsatisfied")
DECISION_OUTCOMES = ("continue", "resolved", "escalate")


def _outcome(value: str) -> Callable[[EventData], bool]:
    def check(event: EventData) -> bool:
        return event.kwargs.get("outcome") == value

    check.__name__ = f"outcome_is_{value}"
    return check


def _satisfied(event: EventData) -> bool:
    return event.kwargs.get("satisfaction") in SATISFIED_LEVELS


def _climbs(event: EventData) -> bool:
    return bool(event.kwargs.get("climb"))


# (action, sources, dest, conditions); dest None is an internal transition (no state change).
_TABLE: list[tuple[str, list[str], str | None, list[Any]]] = [
    ("accept", [SUBMITTED], ACCEPTED, []),
    ("start", [ACCEPTED], IN_PROGRESS, []),
    ("hold", WORKING, ON_HOLD, []),
    ("resume", [ON_HOLD, DEFERRED], IN_PROGRESS, []),
    ("deliberate", WORKING, DELIBERATING, []),
    ("record_decision", [DELIBERATING], IN_PROGRESS, [_outcome("continue")]),
    ("record_decision", [DELIBERATING], RESOLVED, [_outcome("resolved")]),
    ("record_decision", [DELIBERATING], SUBMITTED, [_outcome("escalate")]),
    ("resolve", WORKING, RESOLVED, []),
    ("evaluate", [RESOLVED], CLOSED, [_satisfied]),
    ("evaluate", [RESOLVED], SUBMITTED, [_climbs]),
    ("evaluate", [RESOLVED], IN_PROGRESS, []),
    ("escalate", HANDLING, SUBMITTED, []),
    ("return", [SUBMITTED, ACCEPTED], SUBMITTED, []),
    ("reroute", [SUBMITTED], SUBMITTED, []),
    ("request_extension", WORKING, None, []),
    ("approve_extension", [*WORKING, ON_HOLD, DELIBERATING], None, []),
    ("refuse_extension", [*WORKING, ON_HOLD, DELIBERATING], None, []),
    ("defer", [*WORKING, ON_HOLD], DEFERRED, []),
    ("withdraw", list(OPEN_STATES), WITHDRAWN, []),
    ("merge", HANDLING, MERGED, []),
    ("reject", [SUBMITTED], REJECTED, []),
    ("close", [RESOLVED], CLOSED, []),
    ("reopen", [CLOSED], SUBMITTED, []),
    ("comment", list(STATES), None, []),
    ("claim", HANDLING, None, []),
    ("reassign", HANDLING, None, []),
    # Clears the "likely duplicate" flag set at submission; the case stays where it is.
    ("unlink_duplicate", list(OPEN_STATES), None, []),
    ("warn", list(OPEN_STATES), None, []),
    ("supervise", list(OPEN_STATES), None, []),
    # 部门解题: work sent to functional departments; the case stays where it is (a
    # dispatch's own state lives on its record, caseflow.services.dispatch).
    ("dispatch", [*WORKING, ON_HOLD, DELIBERATING], None, []),
    ("dispatch_accept", HANDLING, None, []),
    ("dispatch_return", HANDLING, None, []),
    ("dispatch_resolve", HANDLING, None, []),
    ("confirm_dispatch", HANDLING, None, []),
    ("reject_dispatch", HANDLING, None, []),
    ("dispatch_escalate", HANDLING, None, []),
]

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(row[0] for row in _TABLE))
# What a department does on a dispatch sent to it; the holder confirms or rejects results.
DEPARTMENT_ACTIONS = frozenset({"dispatch_accept", "dispatch_return", "dispatch_resolve"})
HOLDER_DISPATCH_ACTIONS = frozenset({"dispatch", "confirm_dispatch", "reject_dispatch"})
# Actions that move a case to another unit or layer; the service computes where.
MOVING_ACTIONS = frozenset({"escalate", "return", "reroute"})
IRREVERSIBLE_ACTIONS = frozenset(
    {"withdraw", "merge", "reject", "close", "defer", "escalate", "return"}
)


def _build_machine() -> Machine:
    machine = Machine(
        model=None,
        states=list(STATES),
        initial=SUBMITTED,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )
    for action, sources, dest, conditions in _TABLE:
        machine.add_transition(action, list(sources), dest, conditions=conditions)
    return machine


MACHINE = _build_machine()


def _plain_moves(machine: Machine) -> Mapping[tuple[str, str], str]:
    """(state, action) → next state, for the transitions the machine takes unconditionally.

    Read off the machine itself (it stays the one truth): a lone transition with no
    conditions and no callbacks anywhere is a table look-up, ~20x cheaper than a trigger.
    """
    if any(getattr(machine, name) for name in (
        "before_state_change", "after_state_change", "prepare_event", "finalize_event"
    )):
        return {}
    moves = {}
    for action, event in machine.events.items():
        for source, found in event.transitions.items():
            move = found[0]
            hooks = (move.conditions, move.before, move.after, move.prepare)
            if len(found) == 1 and not any(hooks):
                state = machine.get_state(source)
                target = move.dest or source
                if not (state.on_exit or machine.get_state(target).on_enter):
                    moves[source, action] = target
    return moves


_PLAIN_MOVES = _plain_moves(MACHINE)
_BY_STATE: Mapping[str, frozenset[str]] = {
    state: frozenset(row[0] for row in _TABLE if state in row[1]) for state in STATES
}


class HasState(Protocol):
    """Anything with a mutable `state` attribute: an ORM case or a plain record."""

    state: str


@dataclass
class CaseState:
    """A detached carrier for firing events without touching a database object."""

    state: str


def actions_in_state(state: str) -> frozenset[str]:
    """Actions the lifecycle knows from this state, before roles and guards."""
    return _BY_STATE.get(state, frozenset())


def fire(case: HasState, action: str, **data: Any) -> str:
    """Apply `action` to `case` and return its new state, or raise ActionNotAllowed."""
    if action not in _BY_STATE.get(case.state, ()):
        raise ActionNotAllowed(action, case.state, sorted(_BY_STATE.get(case.state, ())))
    target = _PLAIN_MOVES.get((case.state, action))
    if target is not None:
        case.state = target
        return target
    carrier = CaseState(case.state)
    if not MACHINE.events[action].trigger(carrier, **data):
        raise ActionNotAllowed(action, case.state, sorted(_BY_STATE[case.state]))
    case.state = carrier.state
    return carrier.state


def is_open(state: str) -> bool:
    """True while the case still needs someone to act."""
    return state in OPEN_STATES
