"""Read-only look-ups behind the Open311 GeoReport views; nothing here writes or commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from caseflow.domain.errors import NotFound
from caseflow.domain.lifecycle import FINAL_STATES, OPEN_STATES
from caseflow.models import Attachment, Case, CaseEvent, Unit, UnitClosure
from caseflow.services import intake_requests
from caseflow.services.cases import hash_token


@dataclass(frozen=True)
class EventLine:
    """What status_notes tells of one event."""

    at: datetime
    action: str
    note: str


MAX_REQUESTS = 1000  # the spec has no paging; the 90-day window and this cap bound a list


@dataclass(frozen=True)
class RequestFilter:
    """GET requests filters; `refs`, when given, overrides every other one."""

    refs: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def jurisdiction(session: Session, code: str) -> Unit:
    """The root unit (a city) whose code is `code`: a GeoReport jurisdiction_id."""
    unit = session.scalar(select(Unit).where(Unit.code == code, Unit.parent_id.is_(None)))
    if unit is None:
        raise NotFound(f"jurisdiction_id {code!r}")
    return unit


def _cases(inside: int | None) -> Select[tuple[Case]]:
    # The place's parent gives a building its complex's coordinates without a query per row.
    query = select(Case).options(joinedload(Case.place_unit).joinedload(Unit.parent))
    if inside is not None:
        query = query.join(UnitClosure, UnitClosure.descendant_id == Case.place_unit_id).where(
            UnitClosure.ancestor_id == inside
        )
    return query


def find_requests(session: Session, where: RequestFilter, inside: int | None) -> list[Case]:
    """Cases matching the filters, newest first, at most MAX_REQUESTS."""
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
    return list(session.scalars(query).unique())


def find_request(session: Session, ref: str, inside: int | None) -> Case:
    """One case by its reference (the service_request_id), or NotFound."""
    case = session.scalars(_cases(inside).where(Case.ref == ref)).unique().one_or_none()
    if case is None:
        raise NotFound(f"service_request_id {ref!r}")
    return case


@dataclass(frozen=True)
class TokenStatus:
    """What a GeoReport token stands for: a case reference, or a report still (or never) placed."""

    service_request_id: str | None
    dismissed: str | None = None  # the dispatcher's reason, when the report was refused


def token_status(session: Session, token: str, inside: int | None) -> TokenStatus:
    """The case a token belongs to, else the intake request it was handed out for; NotFound."""
    query = _cases(inside).where(Case.tracking_token_hash == hash_token(token))
    case = session.scalars(query).unique().one_or_none()
    if case is not None:
        return TokenStatus(case.ref)
    waiting = intake_requests.find_by_token(session, token, inside)
    if waiting is None:
        raise NotFound(f"token {token!r}")
    if waiting.status == intake_requests.DISMISSED:
        return TokenStatus(None, waiting.dismiss_reason)
    return TokenStatus(waiting.case.ref if waiting.case is not None else None)


def latest_events(
    session: Session, case_ids: Sequence[int], per_case: int
) -> dict[int, list[EventLine]]:
    """The `per_case` latest events of each case, newest first, in one query."""
    if not case_ids:
        return {}
    rank = (
        func.row_number()
        .over(partition_by=CaseEvent.case_id, order_by=CaseEvent.id.desc())
        .label("rank")
    )
    ranked = (
        select(CaseEvent.case_id, CaseEvent.at, CaseEvent.action, CaseEvent.note, rank)
        .where(CaseEvent.case_id.in_(list(case_ids)))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.case_id, ranked.c.at, ranked.c.action, ranked.c.note)
        .where(ranked.c.rank <= per_case)
        .order_by(ranked.c.case_id, ranked.c.rank)
    )
    lines: dict[int, list[EventLine]] = {}
    for case_id, at, action, note in rows:
        lines.setdefault(case_id, []).append(EventLine(at, action, note or ""))
    return lines


def first_attachments(session: Session, case_ids: Sequence[int]) -> dict[int, int]:
    """The id of each case's first attachment (its media_url), for cases that have one."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(Attachment.case_id, func.min(Attachment.id))
        .where(Attachment.case_id.in_(list(case_ids)))
        .group_by(Attachment.case_id)
    )
    return {case_id: attachment_id for case_id, attachment_id in rows}
