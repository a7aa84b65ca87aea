"""The grid's part of `caseflow seed-demo` (caseflow/demo/grid.yaml): liaisons, volunteers
and butlers at buildings of 莱茵水岸 and 华熙LIVE·528锦都, households, a grievance submitted
on a resident's behalf, a deferred case whose review date is near, a meeting task due soon."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select

from caseflow.domain.durations import parse_duration
from caseflow.domain.policy import Actor
from caseflow.models import Meeting, Unit, User
from caseflow.services.accounts import viewer_named
from caseflow.services.actions import ActionCommand, act
from caseflow.services.cases import submit_case
from caseflow.services.grid.households import NewHousehold, add_household
from caseflow.services.grid.memberships import add_membership
from caseflow.services.grid.proxy import OnBehalf, submit_on_behalf
from caseflow.services.runtime import Runtime
from caseflow.services.users import create_user, find_user

DATA = Path(__file__).resolve().parent.parent.parent / "demo" / "grid.yaml"
PASSWORD = "caseflow-demo"  # noqa: S105 (the demo's published sign-in, README)
RESIDENT = Actor(role="resident", relation="owner", label="resident")


def seed_grid_demo(runtime: Runtime) -> dict[str, int]:
    """Add the grid's people and stories once; {} without the demo units or when done."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    with runtime.uow() as uow:
        first = data["people"][0]["username"]
        if find_user(uow.session, first) is not None or uow.session.scalar(
                select(Unit.id).where(Unit.code == data["meeting"]["complex"])) is None:
            return {}
    with runtime.uow() as uow:
        for person in data["people"]:
            create_user(uow, person["username"], person["name"], person["role"], person["unit"],
                        PASSWORD)
            find_user(uow.session, person["username"]).phone = person["phone"]  # type: ignore[union-attr]
        uow.commit()
    for row in data["memberships"]:
        with runtime.uow() as uow:
            add_membership(uow, row["username"], row["unit"], row["role"])
    for row in data["households"]:
        with runtime.uow() as uow:
            by = viewer_named(uow, row.pop("liaison"))
            add_household(uow, NewHousehold(by, liaison=by.username, **row), runtime.now())
    _on_behalf(runtime, data["on_behalf"])
    _deferred(runtime, data["deferred"])
    _meeting(runtime, data["meeting"])
    return {"grid people": len(data["people"]), "memberships": len(data["memberships"]),
            "households": len(data["households"]), "grid stories": 3}


def _on_behalf(runtime: Runtime, story: dict[str, Any]) -> None:
    with runtime.uow() as uow:
        submit_on_behalf(uow, runtime.rules(), OnBehalf(
            viewer_named(uow, story["by"]), story["grievance"], story["consent"],
            story["consent_note"]), runtime.now())


def _deferred(runtime: Runtime, story: dict[str, Any]) -> None:
    rules, now = runtime.rules(), runtime.now()
    with runtime.uow() as uow:
        case, _ = submit_case(uow, rules, story["grievance"], RESIDENT, now)
    butler, lead = story["by"]
    review = now + parse_duration(story["review_in"]).as_timedelta()
    with runtime.uow() as uow:
        act(uow, rules, ActionCommand(case.ref, "accept", viewer_named(uow, butler)), now)
    with runtime.uow() as uow:
        act(uow, rules, ActionCommand(case.ref, "defer", viewer_named(uow, lead), story["note"],
                                      data={"review_on": review.isoformat()}), now)


def _meeting(runtime: Runtime, story: dict[str, Any]) -> None:
    now = runtime.now()
    local = now.astimezone(ZoneInfo(runtime.rules().calendar.zone)).date()
    tasks = [{"title": t["title"], "owner": t["owner"],
              "due_on": (local + parse_duration(t["due_in"]).as_timedelta()).isoformat()}
             for t in story["tasks"]]
    with runtime.uow() as uow:
        complex_id = uow.session.scalar(select(Unit.id).where(Unit.code == story["complex"]))
        uow.session.add(Meeting(
            complex_id=complex_id, kind=story["kind"], title=story["title"], status="decided",
            starts_at=now - timedelta(days=1), place="小区党群服务站", outcome="continue",
            decisions=list(story["decisions"]), tasks=tasks, due_at=now + timedelta(days=14),
            created_at=now - timedelta(days=2), decided_at=now - timedelta(days=1),
            participants=[], created_by_id=uow.session.scalar(
                select(User.id).where(User.username == story["tasks"][0]["owner"]))))
        uow.commit()
