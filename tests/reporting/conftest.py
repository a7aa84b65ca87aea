"""A hand-made set of cases whose every report figure is computed by hand in the tests.

Period: November 2026 (Beijing). Now: Monday 2026-11-23 09:00 Beijing (01:00 UTC).
Street A (jiazhou-street) holds complexes rhine and lotus (company huacheng); street B
(pine-street) holds complex pine (company pineco) and must never leak into street A's figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from caseflow.app import create_app, runtime_of
from caseflow.models import Case, CaseEvent, Unit, User
from caseflow.services.reporting.evaluations import add_owner_evaluation
from caseflow.services.units import import_units, parse_units
from tests.conftest import RULES_DIR

TREE = """
companies:
  - {code: huacheng, name: 乐山花城物业}
  - {code: pineco, name: 松林物业}
units:
  - code: leshan
    name: 乐山市
    kind: city
    children:
      - code: jiazhou-street
        name: 嘉州街道
        kind: street
        children:
          - code: jiazhou-community
            name: 嘉州新城社区
            kind: community
            children:
              - code: rhine
                name: 莱茵水岸
                kind: complex
                children:
                  - {code: rhine-b3, name: 3栋, kind: building}
                  - {code: rhine-office, name: 莱茵物业, kind: property_office,
                     property_company: huacheng}
              - code: lotus
                name: 荷花苑
                kind: complex
                children:
                  - {code: lotus-office, name: 荷花物业, kind: property_office,
                     property_company: huacheng}
      - code: pine-street
        name: 松林街道
        kind: street
        children:
          - code: pine-community
            name: 松林社区
            kind: community
            children:
              - code: pine
                name: 松林小区
                kind: complex
                children:
                  - {code: pine-office, name: 松林物业中心, kind: property_office,
                     property_company: pineco}
"""


@pytest.fixture
def app(database_url, clock) -> Iterator[Flask]:
    """The app on the test database (pages and API tests override `runtime` with its own)."""
    application = create_app({"TESTING": True, "DATABASE_URL": database_url,
                              "RULES_DIR": str(RULES_DIR), "CLOCK": clock,
                              "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    yield application
    runtime_of(application).engine.dispose()


def utc(day: int, hour: int = 1, minute: int = 0, month: int = 11) -> datetime:
    """A UTC instant in 2026 (01:00 UTC is 09:00 in Beijing)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# ref: (place, holder, layer, state, category, phone, submitted, fields)
CASES: dict[str, tuple[str, str, str, str, str, str, datetime, dict[str, Any]]] = {
    "C1": ("rhine-b3", "rhine-office", "property", "closed", "noise", "1", utc(2), {
        "first_accepted_at": utc(2, 2), "accepted_on_time": True, "resolved_at": utc(2, 5),
        "resolved_on_time": True, "resolved_layer": "property", "closed_at": utc(3),
        "satisfaction": "satisfied"}),
    # Escalated twice, reworked once, reopened twice; finally closed at the community.
    "C2": ("rhine", "jiazhou-community", "community", "closed", "noise", "1", utc(5), {
        "first_accepted_at": utc(5, 3), "accepted_on_time": True, "resolved_at": utc(6),
        "resolved_on_time": False, "resolved_layer": "community", "closed_at": utc(7),
        "satisfaction": "basically_satisfied", "reopen_count": 2, "rework_count": 1,
        "escalation_count": 2}),
    # Submitted Friday 17:00 Beijing, on hold over the weekend, accepted Monday 08:30:
    # 63.5 hours on the wall clock, yet on time because the clock paused.
    "C3": ("lotus", "lotus-office", "property", "in_progress", "garbage", "3", utc(20, 9), {
        "first_accepted_at": utc(23, 0, 30), "accepted_on_time": True,
        "next_due_at": utc(25), "overdue_from": utc(25)}),
    # Never accepted and past its accept deadline: due to accept, not on time; overdue.
    "C4": ("lotus", "lotus-office", "property", "submitted", "garbage", "4", utc(21), {
        "next_due_at": utc(22), "overdue_from": utc(22)}),
    # Accepted late at the complex, resolved on time, waiting for evaluation; extended once.
    "C5": ("rhine", "rhine", "complex", "resolved", "noise", "5", utc(10), {
        "first_accepted_at": utc(10, 9), "accepted_on_time": False, "resolved_at": utc(12),
        "resolved_on_time": True, "resolved_layer": "complex", "extension_count": 1}),
    # Outside street A.
    "C6": ("pine", "pine-office", "property", "closed", "noise", "6", utc(3), {
        "first_accepted_at": utc(3, 2), "accepted_on_time": True, "resolved_at": utc(3, 4),
        "resolved_on_time": True, "resolved_layer": "property", "closed_at": utc(4),
        "satisfaction": "satisfied"}),
    # A duplicate: counts as a complaint in hotspots, in no rate.
    "C7": ("rhine", "rhine-office", "property", "merged", "noise", "1", utc(10), {
        "closed_at": utc(10, 3)}),
    # Submitted in October, closed in November at the street.
    "C8": ("rhine", "jiazhou-street", "street", "closed", "noise", "8", utc(30, month=10), {
        "first_accepted_at": utc(30, 2, month=10), "accepted_on_time": True,
        "resolved_at": utc(3), "resolved_on_time": True, "resolved_layer": "street",
        "closed_at": utc(4), "satisfaction": "satisfied"}),
}

# ref: [(at, action, from_layer, to_layer)]
EVENTS: dict[str, list[tuple[datetime, str, str | None, str]]] = {
    "C1": [(utc(2, 2), "accept", "property", "property")],
    "C2": [(utc(5, 3), "accept", "property", "property"),
           (utc(5, 5), "escalate", "property", "complex"),
           (utc(5, 10), "escalate", "complex", "community")],
    "C3": [(utc(20, 10), "hold", "property", "property"),
           (utc(23, 0, 30), "accept", "property", "property")],
    "C5": [(utc(10, 9), "accept", "complex", "complex"),
           (utc(10, 10), "return", "complex", "property")],
    "C6": [(utc(3, 2), "accept", "property", "property"),
           (utc(8), "escalate", "property", "complex")],
    "C8": [(utc(1, 2), "escalate", "property", "street")],
}


def _case(units: dict[str, int], ref: str) -> Case:
    place, holder, layer, state, category, phone, submitted, fields = CASES[ref]
    return Case(
        ref=ref, title=f"case {ref}", category=category, place_unit_id=units[place],
        unit_id=units[holder], layer=layer, state=state, reporter_phone=phone,
        rules_version="test", routing_rule="test", layer_entered_at=submitted,
        submitted_at=submitted, updated_at=submitted, **fields,
    )


@pytest.fixture
def dataset(runtime) -> dict[str, User]:
    """Load the tree, the cases, their events, owners' evaluations and a few viewers."""
    settings = runtime.rules().ratings  # before the unit of work: it may store the rules
    with runtime.uow() as uow:
        companies, rows = parse_units(TREE, "tree.yaml")
        import_units(uow, companies, rows)
        uow.session.flush()  # ids for the cases below
        units = dict(uow.session.execute(select(Unit.code, Unit.id)).all())
        cases = {ref: _case(units, ref) for ref in CASES}
        uow.session.add_all(cases.values())
        uow.session.flush()  # case ids for their events
        for ref, events in EVENTS.items():
            for at, action, a, b in events:
                uow.session.add(CaseEvent(
                    case_id=cases[ref].id, at=at, actor_role="caseworker", action=action,
                    from_state="x", to_state="y", from_layer=a, to_layer=b,
                ))
        for average in (80, 90):
            scores = {a: average for a in settings["owners_evaluation"]["aspects"]}
            add_owner_evaluation(uow, settings, "huacheng", 2026, scores, runtime.now(), "rhine")
        viewers = {
            "leader": User(username="leader", display_name="l", role="leader",
                           unit_id=units["jiazhou-street"]),
            "caseworker": User(username="cw", display_name="c", role="caseworker",
                               unit_id=units["jiazhou-street"]),
            "admin": User(username="admin", display_name="a", role="admin",
                          unit_id=units["leshan"]),
        }
        uow.session.add_all(viewers.values())
        uow.commit()
    return viewers
