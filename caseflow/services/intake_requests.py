"""Intake requests: Open311 reports no place was found for, until a dispatcher handles them.

A GeoReport client may send only an `address_string` we cannot match to a complex or
building. Rather than refuse it, we keep it here, answer the client with a token, and let a
dispatcher (or an administrator) either register it as a case at the place they choose — the
ordinary submission, so routing, deadlines, events and notifications happen as for any case —
or dismiss it with a reason the client can read back.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.domain.policy import OUTSIDE, Actor
from caseflow.models import Case, IntakeRequest, Unit, UnitClosure, User
from caseflow.models.intake import INTAKE_STATUSES as INTAKE_STATUSES  # for the edges
from caseflow.rules import RuleSet
from caseflow.services.attachments import attach_waiting
from caseflow.services.cases import PLACE_KINDS, hash_token, parse_submission, register_case
from caseflow.services.units import get_unit, relation
from caseflow.services.uow import UnitOfWork

WAITING, REGISTERED, DISMISSED = "waiting", "registered", "dismissed"
DISPATCH_ROLES = ("dispatcher", "admin")
# `parse_submission` wants a place; this stands in for the one the dispatcher will choose.
PLACE_TO_COME = "to-be-placed"
REASON_LIMIT = 500
LIST_LIMIT = 500


def receive(
    uow: UnitOfWork,
    rules: RuleSet,
    raw: Mapping[str, Any],
    address_string: str,
    jurisdiction_id: int | None,
    filed_by_id: int | None,
    now: datetime,
) -> tuple[IntakeRequest, str]:
    """Keep a submission without a place for a dispatcher; returns it and the client's token."""
    # Every field but the place is checked now, so registering later cannot fail on them.
    submission = {key: value for key, value in raw.items() if key != "unit"}
    checked = parse_submission({**submission, "unit": PLACE_TO_COME}, rules)
    token = secrets.token_urlsafe(18)
    request = IntakeRequest(
        token_hash=hash_token(token),
        category=checked.category,
        title=checked.title,
        address_string=address_string,
        submission=submission,
        jurisdiction_id=jurisdiction_id,
        filed_by_id=filed_by_id,
        received_at=now,
        status=WAITING,
        dismiss_reason="",
    )
    uow.session.add(request)
    uow.commit()
    return request, token


def _dispatcher(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise PermissionDenied("sign in as an active user")
    if user.role not in DISPATCH_ROLES:
        raise PermissionDenied("only dispatchers and administrators handle intake requests")
    return user


def _visible(query: Select[IntakeRequest], user: User) -> Select[IntakeRequest]:
    """An administrator sees every request; a dispatcher those without a jurisdiction_id
    and those whose jurisdiction (a city) contains the dispatcher's unit."""
    if user.role == "admin":
        return query
    if user.unit_id is None:
        return query.where(IntakeRequest.jurisdiction_id.is_(None))
    covering = select(UnitClosure.ancestor_id).where(UnitClosure.descendant_id == user.unit_id)
    return query.where(
        or_(IntakeRequest.jurisdiction_id.is_(None), IntakeRequest.jurisdiction_id.in_(covering))
    )


def waiting_requests(session: Session, user_id: int) -> list[IntakeRequest]:
    """The requests waiting for this dispatcher, oldest first."""
    user = _dispatcher(session, user_id)
    query = select(IntakeRequest).where(IntakeRequest.status == WAITING)
    query = _visible(query, user).order_by(IntakeRequest.received_at, IntakeRequest.id)
    return list(session.scalars(query.limit(LIST_LIMIT)).unique())


def _load(session: Session, request_id: int, user: User) -> IntakeRequest:
    query = _visible(select(IntakeRequest).where(IntakeRequest.id == request_id), user)
    found = session.scalars(query).unique().one_or_none()
    if found is None:
        raise NotFound(f"intake request {request_id}")
    return found


def get_request(session: Session, request_id: int, user_id: int) -> IntakeRequest:
    """One request this dispatcher may see, in any status, or NotFound."""
    return _load(session, request_id, _dispatcher(session, user_id))


def _place(session: Session, code: str, request: IntakeRequest, user: User) -> Unit:
    """The complex or building chosen: inside the request's jurisdiction and the user's."""
    try:
        place = get_unit(session, code.strip())
    except NotFound:
        raise InvalidInput("unit", f"unknown unit {code!r}") from None
    if place.kind not in PLACE_KINDS:
        raise InvalidInput("unit", "must be the code of a complex or a building")
    scope = request.jurisdiction_id
    if scope is not None and relation(session, scope, place.id) == OUTSIDE:
        raise InvalidInput("unit", "is outside the jurisdiction_id the request was sent to")
    if user.role != "admin" and relation(session, user.unit_id, place.id) == OUTSIDE:
        raise PermissionDenied(f"unit {place.code} is outside your jurisdiction")
    return place


def _claim(session: Session, request: IntakeRequest, status: str, user: User, now: datetime,
           reason: str = "") -> None:
    """Move a waiting request on; whoever comes second (even at the same moment) gets 409."""
    if request.status != WAITING:
        raise Conflict(f"intake request {request.id} was already {request.status}")
    claimed = session.execute(
        update(IntakeRequest)
        .where(IntakeRequest.id == request.id, IntakeRequest.status == WAITING)
        .values(status=status, handled_by_id=user.id, handled_at=now, dismiss_reason=reason)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"intake request {request.id} was handled by someone else just now")


def register(
    uow: UnitOfWork, rules: RuleSet, request_id: int, user_id: int, unit: str, now: datetime
) -> Case:
    """Submit the request as a case at `unit` (a complex or building code), as one transaction."""
    session = uow.session
    user = _dispatcher(session, user_id)
    request = _load(session, request_id, user)
    place = _place(session, unit, request, user)
    _claim(session, request, REGISTERED, user, now)
    actor = Actor(role=user.role, relation=OUTSIDE, user_id=user.id, label=user.username)
    raw = {**request.submission, "unit": place.code}
    case, _unused = register_case(uow, rules, raw, actor, now)
    _keep_token(session, case, request.token_hash)
    # The photos and media_url the client sent wait with the request (services/attachments).
    attach_waiting(session, case.id, request.submission.get("media") or {},
                   request.submission.get("reporter", {}).get("name", ""), now)
    request.case_id = case.id
    uow.commit()
    return case


def _keep_token(session: Session, case: Case, token_hash: str) -> None:
    """The client already holds the request's token: it becomes the case's tracking token, so
    GET tokens/{token} finds the case and the resident can follow and evaluate it."""
    session.flush()  # the case row must exist (and have its id) before it can be updated
    # A plain UPDATE: this completes the submission, it is not a change the version counts.
    session.execute(
        update(Case).where(Case.id == case.id).values(tracking_token_hash=token_hash),
        execution_options={"synchronize_session": False},
    )
    set_committed_value(case, "tracking_token_hash", token_hash)


def dismiss(uow: UnitOfWork, request_id: int, user_id: int, reason: str, now: datetime) -> None:
    """Refuse a request with a reason the client reads back from tokens/{token}."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "is required: the resident is told why")
    if len(reason) > REASON_LIMIT:
        raise InvalidInput("reason", f"must be at most {REASON_LIMIT} characters")
    session = uow.session
    user = _dispatcher(session, user_id)
    _claim(session, _load(session, request_id, user), DISMISSED, user, now, reason)
    uow.commit()


def find_by_token(session: Session, token: str, inside: int | None) -> IntakeRequest | None:
    """The request this token was handed out for, within a jurisdiction; None if none."""
    query = select(IntakeRequest).where(IntakeRequest.token_hash == hash_token(token))
    if inside is not None:
        query = query.where(
            or_(IntakeRequest.jurisdiction_id.is_(None), IntakeRequest.jurisdiction_id == inside)
        )
    return session.scalars(query).unique().one_or_none()


def intake_record(request: IntakeRequest) -> dict[str, Any]:
    """A request as a dispatcher reads it; the reporter unmasked: they may have to call back
    (only DISPATCH_ROLES, which handle cases, read requests)."""
    reporter = request.submission.get("reporter", {})
    return {
        "id": request.id,
        "status": request.status,
        "received_at": request.received_at,
        "category": request.category,
        "title": request.title,
        "description": request.submission.get("description", ""),
        "address_string": request.address_string,
        "reporter": {"name": reporter.get("name", ""), "phone": reporter.get("phone", "")},
        "jurisdiction": request.jurisdiction.code if request.jurisdiction else None,
        "jurisdiction_name": request.jurisdiction.name if request.jurisdiction else "",
        "filed_by": request.filed_by.display_name if request.filed_by else "",
        "case_ref": request.case.ref if request.case else None,
        "handled_at": request.handled_at,
        "dismiss_reason": request.dismiss_reason,
    }


def waiting_for(uow: UnitOfWork, user_id: int) -> list[dict[str, Any]]:
    """`waiting_requests` as the dispatcher reads them."""
    return [intake_record(r) for r in waiting_requests(uow.session, user_id)]


def request_for(uow: UnitOfWork, request_id: int, user_id: int) -> dict[str, Any]:
    """`get_request` as the dispatcher reads it."""
    return intake_record(get_request(uow.session, request_id, user_id))
