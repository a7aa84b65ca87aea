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

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from caseflow.domain.deadlines import clocks_to_json, compute_deadlines
from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.lifecycle import SUBMITTED
from caseflow.domain.policy import Actor
from caseflow.models import Case, Unit
from caseflow.rules import RuleSet
from caseflow.services import submission
from caseflow.services.calendars import with_calendars
from caseflow.services.dispatch.routing import dispatch_on_routing
from caseflow.services.grid.assign import auto_assignee
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


def _place(session: Session, code: str) -> submission.Lineage:
    found = submission.lineage(session, code)
    if found is None:
        raise InvalidInput("unit", f"unknown unit {code!r}")
    if found.place.kind not in PLACE_KINDS:
        raise InvalidInput("unit", "must be the code of a complex or a building")
    return found


def _recent(session: Session, place_id: int, category: str, rules: RuleSet, now: datetime
            ) -> tuple[int, int | None]:
    """The repeat count routing reads, and the likely duplicate: computed before routing."""
    repeat_since = datetime.fromtimestamp(now.timestamp() - REPEAT_WINDOW_DAYS * 86400,
                                          tz=now.tzinfo)
    duplicate_since = now - rules.settings.duplicate_window.as_timedelta()
    return submission.recent_cases(session, place_id, category, repeat_since, duplicate_since)


def _first_holder(rules: RuleSet, layer: str, family: submission.Lineage) -> tuple[str, Unit]:
    """The layer a new case starts at and its holder: `layer`, or the next rung that has one."""
    target: str | None = layer
    while target is not None:
        unit = family.holder(rules.layer(target).unit_kind)
        if unit is not None:
            return target, unit
        target = rules.next_layer(target)
    raise InvalidInput("unit", f"no unit holds layer {layer!r} or any layer above it here")


def routing_facts(
    sub: Submission, place: Unit, priority: str, repeat_count: int
) -> dict[str, Any]:
    """casework.case_facts of the case about to be stored (tests/services check they agree)."""
    return {
        "category": sub.category,
        "priority": priority,
        "channel": sub.channel,
        "tags": list(sub.tags),
        "text": f"{sub.title}\n{sub.description}",
        "reporter": dict(sub.reporter_attrs),
        "place": {"kind": place.kind, "code": place.code, **place.attrs},
        "green_channel": False,
        "repeat_count": repeat_count,
    }


def submit_case(
    uow: UnitOfWork, rules: RuleSet, raw: Mapping[str, Any], actor: Actor, now: datetime
) -> tuple[Case, str]:
    """Validate, route and store a grievance as one transaction; returns case and token."""
    case, token = register_case(uow, rules, raw, actor, now)
    uow.commit()
    return case, token


def register_case(
    uow: UnitOfWork, rules: RuleSet, raw: Mapping[str, Any], actor: Actor, now: datetime,
    event_facts: Mapping[str, Any] | None = None,
) -> tuple[Case, str]:
    """Validate, route and add a grievance to the caller's unit of work (no commit).

    The case, its submit event and its notification are inserted (the case has its id).
    `event_facts`: what a composing service adds to the submit event (e.g. 代办's submitter).
    """
    session = uow.session
    sub = parse_submission(raw, rules)
    family = _place(session, sub.unit)
    place = family.place
    category = rules.categories[sub.category]
    repeat_count, duplicate = _recent(session, place.id, sub.category, rules, now)
    priority = sub.priority or category.priority
    decision = rules.route(routing_facts(sub, place, priority, repeat_count))
    tags = list(dict.fromkeys([*sub.tags, *decision.tags]))
    if duplicate is not None:
        tags.append("possible_duplicate")
    row = _row(sub, place, rules, now) | {
        "routing_rule": decision.rule_id, "green_channel": decision.green_channel,
        "priority": decision.priority or sub.priority or category.priority, "tags": tags,
        "duplicate_of_id": duplicate,
    }
    layer, holder = _first_holder(rules, decision.start_layer, family)
    row |= _start(session, rules, row, layer, holder.id, now, decision.clock_overrides)
    row["assignee_id"] = auto_assignee(session, rules, holder, place)  # rules/grid.yaml
    token = secrets.token_urlsafe(18)
    row["tracking_token_hash"] = hash_token(token)
    case = submission.insert_case(session, row, place, holder)
    data = {"rule": decision.rule_id, "rules_version": rules.version, "duplicate_of": duplicate,
            **(event_facts or {})}
    if decision.department:
        data |= dispatch_on_routing(session, rules, case, decision.department, now)
    submission.record_submission(session, case, actor, now, data)
    return case, token


def _row(sub: Submission, place: Unit, rules: RuleSet, now: datetime) -> dict[str, Any]:
    """The columns of a new case that routing does not decide, every one written out so the
    inserted case comes back fully loaded."""
    category = rules.categories[sub.category]
    local = now.astimezone(ZoneInfo(rules.calendar.zone))
    return {
        "ref": new_reference(local), "title": sub.title, "description": sub.description,
        "category": sub.category, "nature": category.nature, "channel": sub.channel,
        "reporter_name": sub.reporter_name, "reporter_phone": sub.reporter_phone,
        "reporter_attrs": sub.reporter_attrs, "place_unit_id": place.id, "state": SUBMITTED,
        "version": 1, "returned": False, "supervised": False, "problem_case": False,
        "extension_pending": False, "rework_count": 0, "reopen_count": 0,
        "escalation_count": 0, "extension_count": 0, "merged_into_id": None,
        "rules_version": rules.version, "submitted_at": now, "updated_at": now,
        "first_accepted_at": None, "accepted_on_time": None, "resolved_on_time": None,
        "resolved_at": None, "resolved_layer": None, "closed_at": None, "auto_close_at": None,
        "satisfaction": None, "deferred_until": None,
    }


def _start(session: Session, rules: RuleSet, row: Mapping[str, Any], layer: str, unit_id: int,
           now: datetime, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """casework.enter_layer and refresh_deadlines for a new case: holder, clocks, deadlines."""
    specs = rules.clocks_for(layer, row["category"], row["priority"], row["green_channel"],
                             dict(overrides))
    specs = with_calendars(session, rules, unit_id, specs, rules.layer(layer).unit_kind)
    clocks = clocks_to_json(specs, now)
    # A new case has no history yet: its deadlines follow from the fresh clocks alone.
    result = compute_deadlines(clocks, [], now, rules.calendars, rules.warning_fraction,
                               previous={})
    return {"layer": layer, "unit_id": unit_id, "assignee_id": None, "layer_entered_at": now,
            "handled_units": [unit_id], "clocks": clocks, "deadlines": result.clocks,
            "next_due_at": result.next_due_at, "next_warning_at": result.next_warning_at,
            "overdue_from": result.overdue_from, "warning_from": result.warning_from}


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
