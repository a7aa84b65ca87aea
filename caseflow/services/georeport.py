"""Read-only look-ups behind the Open311 GeoReport views; nothing here writes or commits.

GeoReport v2's request list is public: whoever asks reads it without an account. So what
leaves here is plain data read as the public (caseflow.services.visibility.PUBLIC): no
reporter name, phone, e-mail or device id; phone and ID numbers typed into a description
masked; of the history only what caseflow.services.timeline shows the public.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from caseflow.domain.errors import NotFound
from caseflow.domain.lifecycle import FINAL_STATES, OPEN_STATES
from caseflow.models import Attachment, Case, Unit, UnitClosure
from caseflow.services import intake_requests
from caseflow.services.cases import hash_token
from caseflow.services.timeline import latest_timelines
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import PUBLIC, shown_text

NOTE_EVENTS = 3  # how many of the latest public events status_notes tells


@dataclass(frozen=True)
class EventLine:
    """What status_notes tells of one event (a public one: see services.timeline)."""

    at: datetime
    action: str
    note: str


@dataclass(frozen=True)
class ServiceRequest:
    """A case as the public GeoReport list shows it: no personal data, numbers masked."""

    id: int
    ref: str
    state: str
    layer: str
    unit_name: str
    category: str
    description: str
    submitted_at: datetime
    updated_at: datetime
    deadlines: dict[str, Any]
    address: str
    address_id: str
    lat: float | None
    long: float | None
    events: list[EventLine]
    first_attachment_id: int | None = None


MAX_REQUESTS = 1000  # the spec has no paging; the 90-day window and this cap bound a list


@dataclass(frozen=True)
class RequestFilter:
    """GET requests filters; `refs`, when given, overrides every other one."""

    refs: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def jurisdiction(uow: UnitOfWork, code: str) -> int | None:
    """The id of the root unit (a city) a GeoReport jurisdiction_id names; None for everywhere.

    An unknown code is NotFound: the client named a jurisdiction we do not serve.
    """
    code = code.strip()
    if not code:
        return None
    unit_id = uow.session.scalar(
        select(Unit.id).where(Unit.code == code, Unit.parent_id.is_(None))
    )
    if unit_id is None:
        raise NotFound(f"jurisdiction_id {code!r}")
    return unit_id


def _cases(inside: int | None) -> Select[Case]:
    # The place's parent gives a building its complex's coordinates without a query per row.
    query = select(Case).options(joinedload(Case.place_unit).joinedload(Unit.parent))
    if inside is not None:
        query = query.join(UnitClosure, UnitClosure.descendant_id == Case.place_unit_id).where(
            UnitClosure.ancestor_id == inside
        )
    return query


def find_requests(
    uow: UnitOfWork, where: RequestFilter, inside: int | None
) -> list[ServiceRequest]:
    """Requests matching the filters, newest first, at most MAX_REQUESTS, as the public reads."""
    query = _cases(inside)
    if where.refs:
        query = query.where(Case.ref.in_(where.refs))
    else:
        if where.service_codes:
            query = query.where(Case.category.in_(where.service_codes))
        if where.start is not None:
            query = query.where(Case.submitted_at >= where.start)
        if where.end is not None:
            query = query.where(Case.submitted_at <= where.end)
        if set(where.statuses) == {"open"}:
            query = query.where(Case.state.in_(OPEN_STATES))
        elif set(where.statuses) == {"closed"}:
            query = query.where(Case.state.in_(FINAL_STATES))
    query = query.order_by(Case.submitted_at.desc(), Case.id.desc()).limit(MAX_REQUESTS)
    return _published(uow, list(uow.session.scalars(query).unique()))


def find_request(uow: UnitOfWork, ref: str, inside: int | None) -> ServiceRequest:
    """One request by its reference (the service_request_id) as the public sees it; NotFound."""
    case = uow.session.scalars(_cases(inside).where(Case.ref == ref)).unique().one_or_none()
    if case is None:
        raise NotFound(f"service_request_id {ref!r}")
    return _published(uow, [case])[0]


def address_of(place: Unit) -> str:
    """A building is named with its complex ("莱茵水岸 3栋"); a complex by its own name."""
    if place.kind == "building" and place.parent is not None:
        return f"{place.parent.name} {place.name}"
    return place.name


def _first(values: Sequence[float | None]) -> float | None:
    return next((v for v in values if v is not None), None)


def _published(uow: UnitOfWork, cases: list[Case]) -> list[ServiceRequest]:
    """The cases as plain public records: their latest public events and first photo."""
    ids = [case.id for case in cases]
    timelines = latest_timelines(uow, ids, PUBLIC, NOTE_EVENTS)
    photos = first_attachments(uow, ids)
    requests = []
    for case in cases:
        place, parent = case.place_unit, case.place_unit.parent
        events = [EventLine(e.at, e.action, e.note) for e in timelines.get(case.id, [])]
        requests.append(ServiceRequest(
            id=case.id, ref=case.ref, state=case.state, layer=case.layer,
            unit_name=case.unit.name, category=case.category,
            description=shown_text(case.description, PUBLIC),
            submitted_at=case.submitted_at, updated_at=case.updated_at,
            deadlines=dict(case.deadlines or {}), address=address_of(place),
            address_id=place.code,
            lat=_first([place.latitude, parent.latitude if parent else None]),
            long=_first([place.longitude, parent.longitude if parent else None]),
            events=events, first_attachment_id=photos.get(case.id),
        ))
    return requests


@dataclass(frozen=True)
class TokenStatus:
    """What a GeoReport token stands for: a case reference, or a report still (or never) placed."""

    service_request_id: str | None
    dismissed: str | None = None  # the dispatcher's reason, when the report was refused


def token_status(uow: UnitOfWork, token: str, inside: int | None) -> TokenStatus:
    """The case a token belongs to, else the intake request it was handed out for; NotFound."""
    query = _cases(inside).where(Case.tracking_token_hash == hash_token(token))
    case = uow.session.scalars(query).unique().one_or_none()
    if case is not None:
        return TokenStatus(case.ref)
    waiting = intake_requests.find_by_token(uow.session, token, inside)
    if waiting is None:
        raise NotFound(f"token {token!r}")
    if waiting.status == intake_requests.DISMISSED:
        return TokenStatus(None, waiting.dismiss_reason)
    return TokenStatus(waiting.case.ref if waiting.case is not None else None)


def first_attachments(uow: UnitOfWork, case_ids: Sequence[int]) -> dict[int, int]:
    """The id of each case's first attachment (its media_url), for cases that have one."""
    if not case_ids:
        return {}
    rows = uow.session.execute(
        select(Attachment.case_id, func.min(Attachment.id))
        .where(Attachment.case_id.in_(list(case_ids)), Attachment.stored_path != "")
        .group_by(Attachment.case_id)
    )
    return {case_id: attachment_id for case_id, attachment_id in rows}
