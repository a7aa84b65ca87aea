"""Submitting grievances and reading cases."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.lifecycle import OPEN_STATES, SUBMITTED
from caseflow.domain.policy import Actor
from caseflow.models import Case, Unit
from caseflow.rules import RuleSet
from caseflow.services.casework import case_facts, enter_layer, record_event, refresh_deadlines
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork

CHANNELS = ("web", "phone", "walk_in", "app", "open311", "hotline_12345", "wechat", "grid_patrol")
PRIORITIES = ("normal", "urgent", "critical")
PLACE_KINDS = ("complex", "building")
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{4,19}$")
REPEAT_WINDOW_DAYS = 30
REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread


@dataclass(frozen=True)
class Submission:
    """A validated grievance, ready to be routed."""

    title: str
    description: str
    category: str
    unit: str
    reporter_name: str
    reporter_phone: str
    reporter_attrs: dict[str, Any] = field(default_factory=dict)
    channel: str = "web"
    priority: str | None = None
    tags: tuple[str, ...] = ()


def _text(raw: Mapping[str, Any], name: str, limit: int, required: bool = True) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput(name, "must be text")
    value = value.strip()
    if required and not value:
        raise InvalidInput(name, "is required")
    if len(value) > limit:
        raise InvalidInput(name, f"must be at most {limit} characters")
    return value


def parse_submission(raw: Mapping[str, Any], rules: RuleSet) -> Submission:
    """Check every field of a submission; raise InvalidInput naming the first bad one."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("body", "must be a JSON object")
    reporter = raw.get("reporter") or {}
    if not isinstance(reporter, Mapping):
        raise InvalidInput("reporter", "must be an object with name and phone")
    category = _text(raw, "category", 64)
    if category not in rules.categories:
        raise InvalidInput("category", f"unknown category {category!r}")
    channel = raw.get("channel") or "web"
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"must be one of {', '.join(CHANNELS)}")
    priority = raw.get("priority")
    if priority is not None and priority not in PRIORITIES:
        raise InvalidInput("priority", f"must be one of {', '.join(PRIORITIES)}")
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t) <= 32 for t in tags):
        raise InvalidInput("tags", "must be a list of short texts")
    phone = _text(reporter, "phone", 32)
    if not PHONE.match(phone):
        raise InvalidInput("reporter.phone", "is not a phone number")
    attrs = {k: v for k, v in reporter.items() if k not in ("name", "phone")}
    if not all(isinstance(v, str | bool | int | float) for v in attrs.values()):
        raise InvalidInput("reporter", "attributes must be plain values")
    return Submission(
        title=_text(raw, "title", 200),
        description=_text(raw, "description", 5000, False),
        category=category,
        unit=_text(raw, "unit", 64),
        reporter_name=_text(reporter, "name", 100),
        reporter_phone=phone,
        reporter_attrs=attrs,
        channel=channel,
        priority=priority,
        tags=tuple(tags),
    )


def new_reference(local: datetime) -> str:
    """A reference residents can read out on the phone, not guessable from its neighbours."""
    return f"CF-{local:%Y%m%d}-{''.join(secrets.choice(REF_ALPHABET) for _ in range(6))}"


def hash_token(token: str) -> str:
    """Tracking tokens are stored hashed, like passwords."""
    return hashlib.sha256(token.encode()).hexdigest()


def _place(session: Session, code: str) -> Unit:
    try:
        place = get_unit(session, code)
    except NotFound:
        raise InvalidInput("unit", f"unknown unit {code!r}") from None
    if place.kind not in PLACE_KINDS:
        raise InvalidInput("unit", "must be the code of a complex or a building")
    return place


def _repeat_count(session: Session, place_id: int, category: str, now: datetime) -> int:
    since = now.timestamp() - REPEAT_WINDOW_DAYS * 86400
    return (
        session.scalar(
            select(func.count())
            .select_from(Case)
            .where(
                Case.place_unit_id == place_id,
                Case.category == category,
                Case.submitted_at >= datetime.fromtimestamp(since, tz=now.tzinfo),
            )
        )
        or 0
    )


def _likely_duplicate(session: Session, case: Case, rules: RuleSet, now: datetime) -> int | None:
    window = rules.settings.duplicate_window.as_timedelta()
    return session.scalar(
        select(Case.id)
        .where(
            Case.place_unit_id == case.place_unit_id,
            Case.category == case.category,
            Case.state.in_(OPEN_STATES),
            Case.submitted_at >= now - window,
        )
        .order_by(Case.id)
        .limit(1)
    )


def submit_case(
    uow: UnitOfWork, rules: RuleSet, raw: Mapping[str, Any], actor: Actor, now: datetime
) -> tuple[Case, str]:
    """Validate, route and store a grievance as one transaction; returns case and token."""
    case, token = register_case(uow, rules, raw, actor, now)
    uow.commit()
    return case, token


def register_case(
    uow: UnitOfWork, rules: RuleSet, raw: Mapping[str, Any], actor: Actor, now: datetime
) -> tuple[Case, str]:
    """Validate, route and add a grievance to the caller's unit of work (no commit)."""
    session = uow.session
    sub = parse_submission(raw, rules)
    place = _place(session, sub.unit)
    category = rules.categories[sub.category]
    token = secrets.token_urlsafe(18)
    local = now.astimezone(ZoneInfo(rules.calendar.zone))
    case = Case(
        ref=new_reference(local),
        title=sub.title,
        description=sub.description,
        category=sub.category,
        priority=sub.priority or category.priority,
        nature=category.nature,
        channel=sub.channel,
        tags=list(sub.tags),
        reporter_name=sub.reporter_name,
        reporter_phone=sub.reporter_phone,
        reporter_attrs=sub.reporter_attrs,
        place_unit_id=place.id,
        place_unit=place,
        state=SUBMITTED,
        rules_version=rules.version,
        submitted_at=now,
        updated_at=now,
        tracking_token_hash=hash_token(token),
        handled_units=[],
        clocks={},
        deadlines={},
    )
    facts = case_facts(case) | {"repeat_count": _repeat_count(session, place.id, sub.category, now)}
    decision = rules.route(facts)
    case.routing_rule = decision.rule_id
    case.priority = decision.priority or case.priority
    case.green_channel = decision.green_channel
    case.tags = list(dict.fromkeys([*case.tags, *decision.tags]))
    duplicate = _likely_duplicate(session, case, rules, now)
    if duplicate is not None:
        case.duplicate_of_id = duplicate
        case.tags = [*case.tags, "possible_duplicate"]
    enter_layer(session, case, rules, decision.start_layer, now, dict(decision.clock_overrides))
    refresh_deadlines(session, case, rules, now)
    session.add(case)
    record_event(
        session,
        case,
        actor,
        "submit",
        now,
        (None, None, None),
        data={"rule": decision.rule_id, "rules_version": rules.version, "duplicate_of": duplicate},
    )
    return case, token


# Built once: every action and read loads its case through one of these (see bench/).
BY_ID = select(Case).where(Case.id == bindparam("key"))
BY_REF = select(Case).where(Case.ref == bindparam("key"))


def get_case(session: Session, key: str | int) -> Case:
    """A case by numeric id or by reference, or NotFound."""
    text = str(key)
    if text.isdigit():
        case = session.scalar(BY_ID, {"key": int(text)})
    else:
        case = session.scalar(BY_REF, {"key": text})
    if case is None:
        raise NotFound(f"case {text}")
    return case
