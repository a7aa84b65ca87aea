"""Demo of public accountability (caseflow/demo/assessments.yaml): the 39 Lishui assessed
units of seed 002 with two published quarterly assessments (so the ratings page has a
history and every company a credit grade), the current quarter open on the panel's desk,
and a published month of 双晒 accounts at 华熙LIVE·528锦都 under 酬金制 (seed 004)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import exists, select

from caseflow.models import Assessment, Unit, User
from caseflow.services import voting
from caseflow.services.assessments import ledger, panel, rounds
from caseflow.services.reporting.common import ZONE
from caseflow.services.reporting.evaluations import add_owner_evaluation
from caseflow.services.runtime import Runtime
from caseflow.services.units import get_unit, import_units
from caseflow.services.users import create_user
from caseflow.services.visibility import Viewer, staff_of

DATA = Path(__file__).resolve().parent.parent / "demo" / "assessments.yaml"
PASSWORD = "caseflow-demo"  # noqa: S105 - the demo users' published password


def _quarters(now: datetime) -> list[tuple[int, int]]:
    """The two quarters before the current one, oldest first, and the current one."""
    local = now.astimezone(ZONE).date()
    year, quarter = local.year, (local.month - 1) // 3 + 1
    out = [(year, quarter)]
    for _ in range(2):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        out.insert(0, (year, quarter))
    return out


def _units(runtime: Runtime, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Create the units the demo's tree lacks; (complex code, its row) for all 39."""
    communities = data["communities"]
    rows, placed = [], []
    for number, unit in enumerate(data["units"], start=1):
        code = unit.get("code") or f"foshan-lishui-u{number:02d}"
        placed.append((code, unit))
        if unit.get("code"):
            continue
        rows.append({"code": code, "name": unit["name"], "kind": "complex",
                     "parent": communities[number % len(communities)]})
        rows.append({"code": f"{code}-office", "name": f"{unit['name']}物业服务中心",
                     "kind": "property_office", "parent": code,
                     "property_company": unit["company"]})
    with runtime.uow() as uow:
        import_units(uow, data["companies"], rows)
        uow.commit()
    return placed


def _panel(runtime: Runtime, data: dict[str, Any]) -> list[Viewer]:
    with runtime.uow() as uow:
        for member in data["panel"]:
            create_user(uow, member["username"], member["name"], member["role"], data["area"],
                        PASSWORD)
        uow.commit()
        users = uow.session.scalars(select(User).where(
            User.username.in_([m["username"] for m in data["panel"]])))
        # The inspector first: the housing office runs and publishes the assessment.
        return sorted((staff_of(u) for u in users), key=lambda v: v.role != "inspector")


def _owners(runtime: Runtime, placed: list[tuple[str, dict[str, Any]]], year: int) -> None:
    """Three owners' representatives' paper evaluations per unit, around its mark."""
    settings = runtime.rules().ratings
    aspects = settings["owners_evaluation"]["aspects"]
    with runtime.uow() as uow:
        for code, unit in placed:
            if unit.get("owners") is False:
                continue
            office = uow.session.scalars(
                select(Unit).where(Unit.parent_id == get_unit(uow.session, code).id,
                                   Unit.kind == "property_office")).one()
            assert office.property_company is not None  # noqa: S101 (the demo's units)
            company = office.property_company.code
            for shift in (-2, 0, 2):
                mark = min(100, unit["score"] + shift)
                add_owner_evaluation(uow, settings, company, year, dict.fromkeys(aspects, mark),
                                     runtime.now(), code, "业主代表评议（纸质）")
        uow.commit()


def _assess(runtime: Runtime, data: dict[str, Any], placed: list[tuple[str, dict[str, Any]]],
            members: list[Viewer], period: tuple[int, int], drop: float,
            publish: bool) -> int:
    """Open a quarter, enter both members' sheets around each unit's mark, publish it."""
    rules, now = runtime.rules(), runtime.now()
    items = rules.ratings["assessment"]["expert_sheet"]
    with runtime.uow() as uow:
        assessment_id = panel.open_assessment(uow, None, data["area"], *period, now)
    for code, unit in placed:
        if unit.get("sheets") is False:
            continue
        for member, shift in zip(members, (1, -1), strict=False):
            share = min(100.0, unit["score"] - drop + shift) / 100
            scores = {item: round(points * share, 2) for item, points in items.items()}
            with runtime.uow() as uow:
                panel.enter_sheet(uow, rules, member,
                                  panel.SheetEntry(assessment_id, code, scores), now)
    if publish:
        with runtime.uow() as uow:
            panel.publish_assessment(uow, rules, members[0], assessment_id, now)
    return assessment_id


def _ballot_list(households: int) -> list[dict[str, str]]:
    """Building 1 of the demo complex: one owner per flat, 6 floors of 4 flats."""
    return [{"code": f"1-{n // 4 + 1}{n % 4 + 1:02d}", "area": ("89.20", "102.65")[n % 2],
             "owner_names": f"业主{n + 1}", "owner_key": f"h1-{n + 1}",
             "developer_unsold": "no"} for n in range(households)]


def _owners_vote(runtime: Runtime, keeper: Viewer, code: str, vote: dict[str, Any],
                 at: datetime) -> int:
    """The ballot list and the owners' vote approving the spending; returns the vote's id."""
    rows = _ballot_list(vote["households"])
    with runtime.uow() as uow:
        voting.import_ballot_list(uow, keeper, code, rows)
    with runtime.uow() as uow:
        opened = voting.create_vote(uow, runtime.rules(), keeper, at, code, vote["title"],
                                    vote["matter"], fund_amount=vote["fund"])
    for number, row in enumerate(rows):
        choice = "for" if number < vote["in_favour"] else "abstain"
        with runtime.uow() as uow:
            voting.cast_ballot(uow, keeper, at, opened.id, row["owner_key"], choice, "online")
    with runtime.uow() as uow:
        voting.close_vote(uow, runtime.rules(), keeper, at, opened.id)
    return opened.id


def _rating_round(runtime: Runtime, keeper: Viewer, code: str, plan: dict[str, Any]) -> int:
    """A round on the phone form: the first households answer, each once."""
    year = runtime.now().astimezone(ZONE).year
    settings = runtime.rules().ratings
    with runtime.uow() as uow:
        round_id = rounds.open_round(uow, keeper, code, year, plan["title"], runtime.now())
    with runtime.uow() as uow:
        _, codes = rounds.round_codes(uow, keeper, round_id)
    aspects = settings["owners_evaluation"]["aspects"]
    for number, (_, household_code, _) in enumerate(codes[: plan["answers"]]):
        scores = {a: 80 + (number + i) % 5 * 4 for i, a in enumerate(aspects)}
        with runtime.uow() as uow:
            rounds.submit_rating(uow, settings, household_code, scores, runtime.now())
    return int(plan["answers"])


def _accounts(runtime: Runtime, accounts: dict[str, Any]) -> int:
    """Last month's ledger, service report and publication at one complex, a spending line
    citing the owners' vote that approved it, and the owners' rating round."""
    first = runtime.now().astimezone(ZONE).date().replace(day=1)
    month = (first - timedelta(days=1)).replace(day=1)
    settings = runtime.rules().ratings
    with runtime.uow() as uow:
        keeper = staff_of(uow.session.scalar(select(User).where(
            User.username == accounts["keeper"])))
    code = accounts["complex"]
    vote_id = _owners_vote(runtime, keeper, code, accounts["vote"],
                           datetime.combine(month, datetime.min.time(), ZONE))
    _rating_round(runtime, keeper, code, accounts["rating_round"])
    with runtime.uow() as uow:
        ledger.set_remuneration_ratio(uow, keeper, code, accounts["remuneration_ratio"])
    for kind, category, amount, day, text, *cites in accounts["lines"]:
        entry = ledger.LineEntry(code, kind, category, amount,
                                 date(month.year, month.month, day).isoformat(), text,
                                 vote_id if cites else None)
        with runtime.uow() as uow:
            ledger.add_line(uow, settings, keeper, entry, runtime.now())
    label = month.strftime("%Y-%m")
    with runtime.uow() as uow:
        ledger.publish_month(uow, settings, keeper, code, label, runtime.now(),
                             report=accounts["report"])
    return len(accounts["lines"])


def seed_assessments_demo(runtime: Runtime,
                          progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Load the accountability demo once; {} when it is there or the demo tree is not."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    with runtime.uow() as uow:
        area = uow.session.scalar(select(Unit.id).where(Unit.code == data["area"]))
        if area is None or uow.session.scalar(select(exists().where(
                Assessment.area_id == area))):
            return {}
    progress("assessments: the 39 Lishui units, two published quarters, 双晒 accounts")
    placed = _units(runtime, data)
    members = _panel(runtime, data)
    earlier, previous, current = _quarters(runtime.now())
    for year in sorted({earlier[0], previous[0], current[0]}):
        _owners(runtime, placed, year)
    _assess(runtime, data, placed, members, earlier, 1.5, publish=True)
    _assess(runtime, data, placed, members, previous, 0.0, publish=True)
    _assess(runtime, data, placed, members, current, 0.0, publish=False)
    lines = _accounts(runtime, data["accounts"])
    return {"assessed units": len(placed), "published assessments": 2, "ledger lines": lines}
