"""红色代办: a liaison or volunteer submits a grievance on a resident's behalf.

The resident stays the case's reporter (their name and phone, masked like any reporter's);
who submitted it and the resident's consent are recorded with the case and named in its
submit event, so the case shows both. Without consent nothing is submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from caseflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from caseflow.domain.policy import HOLDER, Actor
from caseflow.models import Household, ProxySubmission, UnitClosure, User
from caseflow.rules import RuleSet
from caseflow.services.case_views import case_record
from caseflow.services.cases import register_case
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, require_staff, resident

CONSENTS = ("verbal", "written", "signed")
PROXY_ROLES = frozenset({"volunteer", "liaison", "building_lead", "butler", "caseworker",
                         "dispatcher", "unit_lead", "admin"})


@dataclass(frozen=True)
class OnBehalf:
    """A grievance submitted for a resident: the grievance, and the resident's consent."""

    viewer: Viewer
    grievance: Mapping[str, Any]
    consent: str
    consent_note: str = ""
    household_id: int | None = None


@dataclass(frozen=True)
class ProxyView:
    """Who submitted a case for its resident, and the consent they recorded."""

    by: str
    by_name: str
    consent: str
    consent_note: str
    consented_at: datetime


@dataclass(frozen=True)
class ProxyReceipt:
    """What the submitter reads back: the case as its resident reads it, and the tracking
    token to hand to the resident (shown once)."""

    case_id: int
    ref: str
    token: str
    record: dict[str, Any]


def submit_on_behalf(uow: UnitOfWork, rules: RuleSet, command: OnBehalf,
                     now: datetime) -> ProxyReceipt:
    """Submit the grievance for the resident, with their consent recorded, and commit.

    The submitter acts about a place in their area only (their buildings, for the grid).
    """
    viewer = require_staff(command.viewer)
    if viewer.role not in PROXY_ROLES:
        raise PermissionDenied(f"role {viewer.role} does not submit on a resident's behalf")
    if command.consent not in CONSENTS:
        raise InvalidInput("consent", "record the resident's consent: "
                           f"{', '.join(CONSENTS)}")
    session = uow.session
    place = str(command.grievance.get("unit") or "")
    try:
        place_id: int | None = get_unit(session, place).id
    except NotFound:
        place_id = None  # register_case refuses it, naming the field
    if place_id is not None and not viewer.sees_everything and not _linked(uow, viewer, place_id):
        raise PermissionDenied("that place lies outside your area")
    if command.household_id is not None and session.get(Household, command.household_id) is None:
        raise InvalidInput("household", f"unknown household {command.household_id}")
    # The submitter acts; the resident stays the reporter. The event names both.
    submitter = Actor(role=viewer.role, relation=HOLDER, user_id=viewer.id,
                      label=viewer.username)
    facts = {"on_behalf": {"by": viewer.username, "consent": command.consent}}
    case, token = register_case(uow, rules, command.grievance, submitter, now, facts)
    session.add(ProxySubmission(case_id=case.id, by_user_id=viewer.id,
                                household_id=command.household_id, consent=command.consent,
                                consent_note=command.consent_note.strip(), consented_at=now))
    session.flush()
    record = case_record(case, resident(case.id), now, token)
    uow.commit()
    return ProxyReceipt(case.id, case.ref, token, record)


def _linked(uow: UnitOfWork, viewer: Viewer, place_id: int) -> bool:
    """The place lies in one of the viewer's units, or holds one (a building's liaison
    speaks for a grievance about its complex too)."""
    closure = UnitClosure
    below = select(closure.depth).where(closure.ancestor_id.in_(viewer.units),
                                        closure.descendant_id == place_id)
    above = select(closure.depth).where(closure.descendant_id.in_(viewer.units),
                                        closure.ancestor_id == place_id)
    return uow.session.scalar(below.union_all(above).limit(1)) is not None


def proxy_of(uow: UnitOfWork, case_id: int) -> ProxyView | None:
    """Who submitted this case for its resident, if someone did."""
    row = uow.session.execute(
        select(User.username, User.display_name, ProxySubmission.consent,
               ProxySubmission.consent_note, ProxySubmission.consented_at)
        .join(User, User.id == ProxySubmission.by_user_id)
        .where(ProxySubmission.case_id == case_id)).first()
    return ProxyView(*row) if row is not None else None
