"""Auto-assignment in a property office (rules/grid.yaml `auto_assign.mode`).

`building`: a new case about a building goes to that building's butler (楼栋管家) when the
butler works in the office holding the case; `round_robin`: to the office's caseworkers in
turn, by the case's number among the office's cases (the same pick on every worker).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseflow.models import Case, Membership, Unit, User
from caseflow.rules import RuleSet
from caseflow.rules.grid_check import grid_settings

PROPERTY_OFFICE = "property_office"
CASEWORKERS = ("caseworker", "unit_lead")


def _office_staff(session: Session, office_id: int) -> list[int]:
    """Active caseworkers of the office (first unit or membership), by id."""
    first = select(User.id).where(User.unit_id == office_id, User.role.in_(CASEWORKERS),
                                  User.active)
    member = (select(User.id).join(Membership, Membership.user_id == User.id)
              .where(Membership.unit_id == office_id, Membership.role.in_(CASEWORKERS),
                     User.active))
    return sorted(set(session.scalars(first)) | set(session.scalars(member)))


def auto_assignee(session: Session, rules: RuleSet, holder: Unit, place: Unit) -> int | None:
    """Who a new case held by `holder` about `place` is assigned to, or None."""
    mode = grid_settings(rules).assign_mode
    if mode == "none" or holder.kind != PROPERTY_OFFICE:
        return None
    if mode == "building" and place.kind != "building":
        return None  # nothing to read: most submissions name a complex
    staff = _office_staff(session, holder.id)
    if mode == "building":
        butlers = session.scalars(
            select(Membership.user_id).where(Membership.unit_id == place.id,
                                             Membership.role == "butler")
            .order_by(Membership.user_id))
        return next((user for user in butlers if user in staff), None)
    if mode == "round_robin" and staff:
        held = session.scalar(select(func.count()).select_from(Case)
                              .where(Case.unit_id == holder.id)) or 0
        return staff[held % len(staff)]
    return None
