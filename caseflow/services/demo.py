"""`caseflow seed-demo`: units, companies, users and case stories drawn from the articles.

The history is built honestly: every case is submitted and moved through the ordinary
services (`submit_case`, `act`) at explicit past times, starting 30 days before the
runtime's clock, and the sweep runs whenever a deadline or warning falls due between two
steps, exactly as the worker would. Nothing is written in the future.

The data lives in `caseflow/demo/` (units.yaml, cases.yaml); the users are DEMO_USERS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, select

from caseflow.domain.errors import CaseflowError
from caseflow.domain.policy import OWNER, Actor
from caseflow.models import Case, Unit
from caseflow.rules import RuleSet
from caseflow.services.actions import ActionCommand, act
from caseflow.services.cases import submit_case
from caseflow.services.demo_assessments import seed_assessments_demo
from caseflow.services.dispatch.demo import department_stories, seed_departments
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep
from caseflow.services.units import import_units, parse_units
from caseflow.services.users import create_user, find_user

DATA_DIR = Path(__file__).resolve().parent.parent / "demo"
# The demo's published sign-ins (README); `seed-demo` is for trial installs, never production.
ADMIN_PASSWORD = "admin-demo-2026"  # noqa: S105
DEMO_PASSWORD = "caseflow-demo"  # noqa: S105
# Days of history before the runtime's clock; day 0 of cases.yaml is this many days ago.
HISTORY_DAYS = 30

# (username, display name, role, unit code). Every one signs in with DEMO_PASSWORD, except
# admin, whose password is ADMIN_PASSWORD.
DEMO_USERS: tuple[tuple[str, str, str, str | None], ...] = (
    ("admin", "系统管理员", "admin", None),
    # 乐山 嘉州新城·莱茵水岸: the whole ladder, property office to city
    ("butler.rhine", "莱茵水岸物业管家", "caseworker", "leshan-rhine-waterfront-office"),
    ("manager.rhine", "莱茵水岸项目经理", "unit_lead", "leshan-rhine-waterfront-office"),
    ("branch.rhine", "莱茵水岸小区党支部", "caseworker", "leshan-rhine-waterfront"),
    ("committee.rhine", "莱茵水岸业委会", "owners_committee", "leshan-rhine-waterfront"),
    ("resident.rhine", "莱茵水岸业主", "resident", "leshan-rhine-waterfront"),
    ("grid.jiazhou", "嘉州社区网格员", "caseworker", "leshan-jiazhou"),
    ("lead.jiazhou", "嘉州社区党委书记", "unit_lead", "leshan-jiazhou"),
    ("officer.baiyang", "柏杨街道城管办", "caseworker", "leshan-baiyang"),
    ("dispatch.baiyang", "柏杨街道分拨员", "dispatcher", "leshan-baiyang"),
    ("officer.shizhong", "市中区住建局", "caseworker", "leshan-shizhong"),
    ("leader.shizhong", "市中区分管领导", "leader", "leshan-shizhong"),
    ("officer.leshan", "乐山市住建局", "caseworker", "leshan"),
    # 自贡 星河家园、清心园
    ("butler.galaxy", "星河家园物业管家", "caseworker", "zigong-galaxy-home-office"),
    ("butler.qingxin", "清心园物业服务站", "caseworker", "zigong-qingxin-garden-office"),
    ("branch.qingxin", "清心园小区党支部", "caseworker", "zigong-qingxin-garden"),
    ("grid.guojiaao", "郭家坳社区网格员", "caseworker", "zigong-guojiaao-community"),
    ("lead.guojiaao", "郭家坳社区党委书记", "unit_lead", "zigong-guojiaao-community"),
    ("officer.guojiaao", "郭家坳街道办", "caseworker", "zigong-guojiaao"),
    ("officer.ziliujing", "自流井区住建局", "caseworker", "zigong-ziliujing"),
    ("officer.zigong", "自贡市住建局", "caseworker", "zigong"),
    # 佛山里水 糖果雅苑、金沙里、中恒海晖
    ("butler.candy", "糖果雅苑物业管家", "caseworker", "foshan-candy-elegance-office"),
    ("manager.candy", "糖果雅苑项目经理", "unit_lead", "foshan-candy-elegance-office"),
    ("branch.candy", "糖果雅苑小区党支部", "caseworker", "foshan-candy-elegance"),
    ("grid.hainanzhou", "海南洲社区网格员", "caseworker", "foshan-hainanzhou"),
    ("officer.lishui", "里水镇城治办", "caseworker", "foshan-lishui"),
    ("lead.lishui", "里水镇城治办主任", "unit_lead", "foshan-lishui"),
    ("leader.nanhai", "南海区分管领导", "leader", "foshan-nanhai"),
    ("butler.jinshali", "金沙里楼栋管家", "caseworker", "foshan-jinshali-office"),
    ("manager.jinshali", "金沙里项目总监", "unit_lead", "foshan-jinshali-office"),
    ("butler.haihui", "中恒海晖物业管家", "caseworker", "foshan-zhongheng-haihui-office"),
    # 大同平城 东方罗马城
    ("butler.rome", "东方罗马城物业管家", "caseworker", "datong-oriental-rome-office"),
    ("grid.hetai", "和泰社区网格员", "caseworker", "datong-hetai"),
    ("officer.yingbin", "迎宾街道办", "caseworker", "datong-yingbin"),
    # 成都锦江 华熙LIVE·528锦都
    ("butler.huaxi", "华熙528物业管家", "caseworker", "chengdu-huaxi-528-office"),
    ("liaison.huaxi", "华熙528党员联络员", "caseworker", "chengdu-huaxi-528"),
    ("committee.huaxi", "华熙528物管会", "owners_committee", "chengdu-huaxi-528"),
    ("grid.zhizijie", "栀子街社区微网格员", "caseworker", "chengdu-zhizijie"),
    ("lead.zhizijie", "栀子街社区党委书记", "unit_lead", "chengdu-zhizijie"),
    ("lead.sansheng", "三圣街道党工委", "unit_lead", "chengdu-sansheng"),
)

Progress = Callable[[str], None]
# One moment of the history: (when, order, story, step or None for the submission).
Event = tuple[datetime, int, dict[str, Any], dict[str, Any] | None]


def seed_demo(runtime: Runtime, progress: Progress = lambda label: None) -> dict[str, int]:
    """Load the demo once; returns what was created ({} when the demo is already there)."""
    companies, units = parse_units((DATA_DIR / "units.yaml").read_text(encoding="utf-8"),
                                   "units.yaml")
    if _already_seeded(runtime, [row["code"] for row in units]):
        progress("demo data already loaded; nothing changed")
        return {}
    progress(f"units: {len(units)} units, {len(companies)} property companies")
    with runtime.uow() as uow:
        import_units(uow, companies, units)
        uow.commit()
    progress(f"users: {len(DEMO_USERS)}")
    with runtime.uow() as uow:
        for username, display_name, role, unit_code in DEMO_USERS:
            password = ADMIN_PASSWORD if role == "admin" else DEMO_PASSWORD
            create_user(uow, username, display_name, role, unit_code, password)
        uow.commit()
    departments = seed_departments(runtime, DEMO_PASSWORD, progress)  # 部门解题
    history = _History(runtime, runtime.rules(), progress)
    history.play(load_stories() + department_stories())
    accountability = seed_assessments_demo(runtime, progress)  # seeds 002-004: ratings, 双晒
    return {**accountability, **departments, "units": len(units),
            "property companies": len(companies),
            "users": len(DEMO_USERS), "cases": len(history.cases),
            "actions": history.actions, "sweeps": history.sweeps,
            "skipped steps": history.skipped}


def _already_seeded(runtime: Runtime, codes: list[str]) -> bool:
    with runtime.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Unit)
                                  .where(Unit.code.in_(codes))) != 0


def load_stories() -> list[dict[str, Any]]:
    """The case stories of cases.yaml, in file order."""
    data = yaml.safe_load((DATA_DIR / "cases.yaml").read_text(encoding="utf-8"))
    return list(data["cases"])


_SPAN = re.compile(r"(\d+)\s*([dhm])")


def span(text: str) -> timedelta:
    """`10m`, `3h`, `2d`, `1d2h` as a timedelta (the `after` of a story step)."""
    parts = _SPAN.findall(str(text))
    if not parts or _SPAN.sub("", str(text)).strip():
        raise ValueError(f"bad span {text!r}: use forms like 10m, 3h, 2d, 1d2h")
    unit = {"d": "days", "h": "hours", "m": "minutes"}
    return sum((timedelta(**{unit[u]: int(n)}) for n, u in parts), timedelta())


def expand_steps(steps: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Steps with each `consult` series unrolled into deliberate / record_decision pairs.

    Decisions are always "continue" and the handler then resolves: a case resolved by
    record_decision keeps its resolve clock running (rules/compile.py SHORTHAND_ENDS), and
    the sweep would later try to escalate it once closed.
    """
    for step in steps:
        series = step.get("consult")
        if series is None:
            yield step
            continue
        rounds = series["rounds"]
        for number, note in enumerate(rounds, start=1):
            gap = step["after"] if number == 1 else "10m"
            yield {"after": gap, "by": step["by"], "do": "deliberate", "note": note}
            last = number == len(rounds)
            yield {"after": series["every"], "by": step["by"], "do": "record_decision",
                   "data": {"outcome": "continue"},
                   "note": series["note"] if last else f"第{number}次协商结束，下次继续"}


def timeline(stories: list[dict[str, Any]], now: datetime, zone: str) -> list[Event]:
    """Every submission and step at its moment, oldest first (ties keep file order)."""
    local = ZoneInfo(zone)
    first_day = now.astimezone(local).date() - timedelta(days=HISTORY_DAYS)
    events: list[Event] = []
    for story in stories:
        hour, minute = (int(x) for x in str(story["at"]).split(":"))
        day = first_day + timedelta(days=int(story["day"]))
        at = datetime.combine(day, time(hour, minute), tzinfo=local).astimezone(UTC)
        events.append((at, len(events), story, None))
        for step in expand_steps(story.get("steps") or []):
            at += span(step["after"])
            events.append((at, len(events), story, step))
    return sorted(events, key=lambda event: (event[0], event[1]))


class _History:
    """Plays the stories in time order through the services, sweeping as the worker would."""

    def __init__(self, runtime: Runtime, rules: RuleSet, progress: Progress) -> None:
        self.runtime, self.rules, self.progress = runtime, rules, progress
        self.cases: dict[str, int] = {}
        self.broken: set[str] = set()
        self.actions = self.sweeps = self.skipped = 0

    def play(self, stories: list[dict[str, Any]]) -> None:
        """Submit and act on every story, then sweep up to now."""
        now = self.runtime.now()
        for at, _order, story, step in timeline(stories, now, self.rules.calendar.zone):
            if at > now or story["key"] in self.broken:
                self.skipped += 1
                continue
            self.catch_up(at)
            try:
                if step is None:
                    self.submit(story, at)
                else:
                    self.act(story, step, at)
            except CaseflowError as error:
                # A rule set other than the shipped one may move a case elsewhere first.
                self.broken.add(story["key"])
                self.skipped += 1
                self.progress(f"skipped the rest of {story['key']}: {error}")
        self.catch_up(now)

    def catch_up(self, until: datetime) -> None:
        """Sweep at every moment a warning, deadline or auto-close falls due up to `until`."""
        last: datetime | None = None
        while (due := self._next_due()) is not None and due <= until:
            if last is not None and due <= last:
                return  # that sweep could not clear it; the next catch-up tries again
            sweep(self.runtime.uow, self.rules, due)
            self.sweeps += 1
            last = due

    def _next_due(self) -> datetime | None:
        columns = (Case.next_due_at, Case.next_warning_at, Case.auto_close_at)
        with self.runtime.uow() as uow:
            moments = uow.session.execute(select(*(func.min(c) for c in columns))).one()
        return min((m for m in moments if m is not None), default=None)

    def submit(self, story: dict[str, Any], at: datetime) -> None:
        """Submit a story's grievance as its reporter would."""
        raw: dict[str, Any] = {
            key: story[key] for key in ("title", "category", "channel") if key in story
        }
        raw |= {"description": story.get("description", ""), "unit": story["place"],
                "reporter": dict(story["reporter"])}
        with self.runtime.uow() as uow:
            case, _token = submit_case(uow, self.rules, raw, self._resident(story), at)
            self.cases[story["key"]] = case.id
        self.progress(f"{case.ref} {story['title']}")

    def act(self, story: dict[str, Any], step: dict[str, Any], at: datetime) -> None:
        """One action of a story, by the demo user (or the reporter) it names."""
        data = dict(step.get("data") or {})
        if "into" in data:
            data["into"] = self.cases[data["into"]]
        if "review_in" in step:
            local = at.astimezone(ZoneInfo(self.rules.calendar.zone))
            data["review_on"] = (local + span(step["review_in"])).isoformat()
        with self.runtime.uow() as uow:
            actor = self._resident(story) if step["by"] == "resident" \
                else find_user(uow.session, step["by"])
            if actor is None:
                raise CaseflowError(f"no demo user {step['by']!r}")
            act(uow, self.rules, ActionCommand(self.cases[story["key"]], step["do"], actor,
                                               step.get("note", ""), data=data), at)
        self.actions += 1

    @staticmethod
    def _resident(story: dict[str, Any]) -> Actor:
        return Actor(role="resident", relation=OWNER, label=story["reporter"]["name"])
