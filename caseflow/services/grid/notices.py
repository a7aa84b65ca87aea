"""Telling people: outbox messages fanned out to persons and sent by SMS or WeCom.

Every notification is first an outbox message, written with the change it reports
(services.outbox). `fan_out` turns each new message into one notice per person it concerns,
as `rules/notifications.yaml` `people.tell` lists them per kind:
- `assignee`: the caseworker the case is assigned to;
- `unit`: the people of the unit holding the case (or the street, for a follow-up call);
- `liaison`, `butler`, `building_lead`, `volunteer`: those roles at the case's building;
- `resident`: the reporter's phone, with a plain text that names no staff;
- `owner`: a meeting task's owner.
Each audience is looked for only in the part of the unit tree the message concerns (the
holding unit, the building); `people.scopes` narrows an audience further to the subtrees of
given units. Messages that are not urgent wait for the end of the quiet hours.
`send_notices` delivers what is due through the provider's URL template, at least once.
A message is fanned out once: the outbox keeps a delivery row `people` for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import Connection, and_, insert, select

from caseflow.domain.grid import fill_template
from caseflow.models import (
    Case,
    OutboxDelivery,
    OutboxMessage,
    PersonNotice,
    Unit,
    UnitClosure,
    User,
)
from caseflow.rules import RuleSet
from caseflow.rules.grid_check import GridSettings, Provider, grid_settings
from caseflow.services.grid.memberships import people_at
from caseflow.services.uow import UnitOfWork

MARK = "people"  # the outbox delivery row that says a message was fanned out
LOOK_BACK = timedelta(days=2)  # older messages are history, not news
MAX_ATTEMPTS = 5
# What a resident reads: plain words, no staff names, no internal codes.
RESIDENT_TEXT = {
    "submitted": "已收到您反映的诉求（{ref}），我们会尽快处理。",
    "resolved": "您反映的诉求（{ref}）已办结，请对处理结果进行评价。",
    "follow_up_due": "您反映的诉求（{ref}）办结后，工作人员将与您电话回访。",
}
GRID_AUDIENCES = ("liaison", "butler", "building_lead", "volunteer")
Send = Callable[[str, str, float], int]  # (method, url, timeout) → HTTP status


@dataclass(frozen=True)
class Recipient:
    """One person a message goes to, and the unit whose part of the tree it concerns."""

    audience: str
    user_id: int | None
    address: str
    unit_id: int | None


@dataclass
class NoticeReport:
    """What a pass did."""

    fanned_out: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _in_scope(conn: Connection, codes: frozenset[str], unit_id: int | None) -> bool:
    if not codes:
        return True
    if unit_id is None:
        return False
    found = conn.scalar(select(UnitClosure.depth)
                        .join(Unit, Unit.id == UnitClosure.ancestor_id)
                        .where(Unit.code.in_(sorted(codes)),
                               UnitClosure.descendant_id == unit_id).limit(1))
    return found is not None


def recipients(conn: Connection, settings: GridSettings, message: OutboxMessage,
               case: Case | None) -> list[Recipient]:
    """The people `message` goes to, each found in the part of the tree it concerns."""
    unit_id = (message.payload.get("case") or {}).get("unit_id")
    place_id = case.place_unit_id if case is not None else None
    data = message.payload.get("data") or {}
    found: list[Recipient] = []
    for audience in settings.tell.get(message.kind, ()):
        people: Iterable[tuple[int | None, str, str]] = ()
        concerns: int | None = unit_id
        if audience == "assignee" and case is not None and case.assignee_id is not None:
            people = conn.execute(select(User.id, User.username, User.phone)
                                  .where(User.id == case.assignee_id, User.active)).all()
        elif audience == "unit" and unit_id is not None:
            people = people_at(conn, unit_id)
        elif audience in GRID_AUDIENCES and place_id is not None:
            concerns = place_id  # the building's people, only for a case at the building
            people = people_at(conn, place_id, frozenset({audience}))
        elif audience == "resident" and case is not None and message.kind in RESIDENT_TEXT:
            concerns = place_id
            people = [(None, "resident", case.reporter_phone)]
        elif audience == "owner" and data.get("owner_id") is not None:
            people = conn.execute(select(User.id, User.username, User.phone)
                                  .where(User.id == data["owner_id"], User.active)).all()
        if not _in_scope(conn, settings.scopes.get(audience, frozenset()), concerns):
            continue
        found += [Recipient(audience, user, phone, concerns)
                  for user, _, phone in people if phone]
    return found


def _text(message: OutboxMessage, recipient: Recipient) -> str:
    if recipient.audience == "resident":
        ref = (message.payload.get("case") or {}).get("ref", "")
        return RESIDENT_TEXT[message.kind].format(ref=ref)
    return str(message.payload.get("text", ""))


def _urgent(settings: GridSettings, message: OutboxMessage) -> bool:
    priority = (message.payload.get("case") or {}).get("priority")
    return message.kind in settings.urgent_kinds or priority in settings.urgent_priorities


def fan_out(uow: UnitOfWork, rules: RuleSet, now: datetime, limit: int = 500) -> NoticeReport:
    """Turn new outbox messages into notices to people, and commit."""
    settings, report = grid_settings(rules), NoticeReport()
    session = uow.session
    marked = and_(OutboxDelivery.message_id == OutboxMessage.id, OutboxDelivery.webhook == MARK)
    new = session.scalars(select(OutboxMessage).outerjoin(OutboxDelivery, marked)
                          .where(OutboxDelivery.id.is_(None),
                                 OutboxMessage.created_at >= now - LOOK_BACK,
                                 OutboxMessage.created_at <= now)
                          .order_by(OutboxMessage.id).limit(limit)).all()
    conn = session.connection()
    for message in new:
        case = session.get(Case, message.case_id) if message.case_id else None
        urgent = _urgent(settings, message)
        send_after = settings.quiet.send_after(now, urgent) if settings.quiet else now
        seen: set[tuple[str, str]] = set()
        for person in recipients(conn, settings, message, case):
            if (person.audience, person.address) in seen:
                continue
            seen.add((person.audience, person.address))
            conn.execute(insert(PersonNotice).values(
                message_id=message.id, audience=person.audience, user_id=person.user_id,
                unit_id=person.unit_id, address=person.address, text=_text(message, person),
                urgent=urgent, status="pending", attempts=0, send_after=send_after,
                last_error=""))
            report.queued += 1
        session.add(OutboxDelivery(message_id=message.id, webhook=MARK, status="delivered",
                                   attempts=1, next_attempt_at=now, last_error="",
                                   delivered_at=now))
        report.fanned_out += 1
    uow.commit()
    return report


def http_sender(timeout_session: requests.Session) -> Send:
    """Send through one requests session; returns the HTTP status, raises on network errors."""

    def send(method: str, url: str, timeout: float) -> int:
        return timeout_session.request(method, url, timeout=timeout).status_code

    return send


def send_notices(uow: UnitOfWork, rules: RuleSet, now: datetime, send: Send | None = None,
                 limit: int = 200) -> NoticeReport:
    """Send every notice that is due through the provider, settling each, and commit.

    Without a provider in the rules nothing is sent (the notices wait for one).
    """
    settings, report = grid_settings(rules), NoticeReport()
    provider = settings.provider
    if provider is None:
        return report
    if send is None:
        with requests.Session() as http:
            return send_notices(uow, rules, now, http_sender(http), limit)
    due = uow.session.scalars(select(PersonNotice)
                              .where(PersonNotice.status == "pending",
                                     PersonNotice.send_after <= now)
                              .order_by(PersonNotice.send_after, PersonNotice.id)
                              .limit(limit)).all()
    for notice in due:
        error = _send_one(provider, notice, send)
        notice.attempts += 1
        notice.last_error = error
        if not error:
            notice.status, notice.sent_at = "sent", now
            report.sent += 1
            continue
        report.failed += 1
        report.errors.append(f"#{notice.id} {error}")
        if notice.attempts >= MAX_ATTEMPTS:
            notice.status = "dead"
        else:
            notice.send_after = now + timedelta(minutes=2 ** notice.attempts)
    uow.commit()
    return report


def _send_one(provider: Provider, notice: Any, send: Send) -> str:
    url = fill_template(provider.url_template, {"to": notice.address, "text": notice.text,
                                                "kind": notice.audience, "ref": ""})
    try:
        status = send(provider.method, url, 10.0)
    except requests.RequestException as error:
        return f"{type(error).__name__}: {error}"[:500]
    return "" if 200 <= status < 300 else f"HTTP {status}"


def notices_of(uow: UnitOfWork, user_id: int, limit: int = 50) -> list[Any]:
    """The latest notices to one person (their own list of what they were told)."""
    return list(uow.session.scalars(select(PersonNotice).where(PersonNotice.user_id == user_id)
                                    .order_by(PersonNotice.id.desc()).limit(limit)))
