"""Demo: a roundtable and an owners' vote on the maintenance fund at Lishui's 糖果雅苑.

Seed 002: the 融和圆桌议事会 settles the facade problem of 糖果雅苑 with a vote. This
adds, once, after `seed_demo`: the ballot list of building 5, a seepage case taken to a
roundtable, a closed and published vote on using the maintenance fund, and the decision
that resolves the case.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select

from caseflow.domain.policy import Actor
from caseflow.models import Meeting, Unit, User
from caseflow.services import meetings, voting
from caseflow.services.actions import ActionCommand, act
from caseflow.services.cases import submit_case
from caseflow.services.demo import DEMO_PASSWORD
from caseflow.services.runtime import Runtime
from caseflow.services.users import create_user
from caseflow.services.visibility import Viewer, staff_of

COMPLEX = "foshan-candy-elegance"
BUTLER, BRANCH = "butler.candy", "branch.candy"
# The owners' committee of the complex with the meeting and the vote (README's demo account).
COMMITTEE = ("committee.candy", "糖果雅苑业委会", "owners_committee", COMPLEX)
AREAS = ("89.52", "112.30", "95.18", "128.64")
SURNAMES = "陈李张黄吴刘梁何郭罗林周叶郑谢冯邓曾苏彭卢蔡"
# Voters by part, in floor order: abstain and against mixed into a clear majority for.
CHOICES = "fffaffffffgfffafff"  # 18 of the 22 owners vote
RESIDENT = Actor(role="resident", relation="owner", label="resident")
PEOPLE = [
    {"name": "何书记", "role": "party_member", "organisation": "糖果雅苑小区党支部"},
    {"name": "梁女士", "role": "resident_rep", "organisation": "5座业主"},
    {"name": "陈伯", "role": "resident_rep", "organisation": "5座业主"},
    {"name": "罗网格员", "role": "grid_worker", "organisation": "海南洲社区"},
    {"name": "物业管家", "role": "property_company", "organisation": "时代物业"},
    {"name": "海南洲社区", "role": "community", "organisation": "海南洲社区居委会"},
]


def ballot_rows() -> list[dict[str, Any]]:
    """Building 5, floors 1-6, four flats a floor: one owner holds two, two flats unsold."""
    rows = []
    for floor in range(1, 7):
        for flat in range(1, 5):
            index = (floor - 1) * 4 + flat - 1
            unsold = floor == 6 and flat >= 3
            owner = "陈先生" if index in (0, 1) else f"{SURNAMES[index % len(SURNAMES)]}业主"
            rows.append(
                {
                    "code": f"5-{floor}{flat:02d}",
                    "area": AREAS[flat - 1],
                    "owner_names": "" if unsold else owner,
                    "owner_key": "" if unsold else ("chen-5" if index in (0, 1) else f"o5-{index}"),
                    "developer_unsold": "yes" if unsold else "no",
                }
            )
    return rows


def seed_meetings_demo(runtime: Runtime) -> dict[str, int]:
    """Add the 糖果雅苑 roundtable and fund vote once; {} when already there or no demo."""
    with runtime.uow() as uow:
        complex_id = uow.session.scalar(select(Unit.id).where(Unit.code == COMPLEX))
        rows = {
            u.username: u
            for u in uow.session.scalars(select(User).where(User.username.in_((BUTLER, BRANCH))))
        }
        users = {name: staff_of(row) for name, row in rows.items()}
        if (
            complex_id is None
            or len(users) < 2
            or uow.session.scalar(select(exists().where(Meeting.complex_id == complex_id)))
        ):
            return {}
    rules, start = runtime.rules(), runtime.now() - timedelta(days=3)
    with runtime.uow() as uow:
        create_user(uow, *COMMITTEE, DEMO_PASSWORD)
        uow.commit()
    with runtime.uow() as uow:
        parts = voting.import_ballot_list(uow, users[BRANCH], COMPLEX, ballot_rows())
    ref = _working_case(runtime, rows[BUTLER], start)
    meeting = _roundtable(runtime, users[BUTLER], ref, start + timedelta(hours=2))
    vote = _fund_vote(runtime, users[BRANCH], meeting.id, start + timedelta(days=1))
    with runtime.uow() as uow:
        meetings.record_decision(
            uow,
            rules,
            users[BUTLER],
            start + timedelta(days=2),
            meeting.id,
            "resolved",
            [
                "5座外墙渗水处整体维修，使用专项维修资金86,400.00元",
                "维修资金使用情况张榜公示（双晒）",
            ],
            [
                {"title": "施工单位进场维修", "owner": "时代物业", "due_on": "2026-12-15"},
                {"title": "联合验收", "owner": "业委会、社区", "due_on": "2026-12-20"},
            ],
        )
    return {"committee users": 1, "ballot parts": parts, "meetings": 1, "votes": 1,
            "ballots": vote}


def _working_case(runtime: Runtime, butler: User, at: datetime) -> str:
    raw = {
        "title": "5座外墙渗水，雨天墙面发霉",
        "category": "wall_seepage",
        "description": "5座东侧外墙多处渗水，需用维修资金整体维修。",
        "unit": "foshan-candy-elegance-b5",
        "channel": "wechat",
        "reporter": {"name": "梁女士", "phone": "13800000402"},
    }
    with runtime.uow() as uow:
        case, _ = submit_case(uow, runtime.rules(), raw, RESIDENT, at)
    for minutes, action in ((5, "accept"), (10, "start")):
        with runtime.uow() as uow:
            act(uow, runtime.rules(), ActionCommand(case.ref, action, butler),
                at + timedelta(minutes=minutes))
    return case.ref


def _roundtable(runtime: Runtime, butler: Viewer, ref: str, at: datetime) -> Meeting:
    with runtime.uow() as uow:
        meeting = meetings.plan_meeting(
            uow,
            runtime.rules(),
            butler,
            at,
            kind="roundtable",
            case=ref,
            starts_at=at + timedelta(hours=6),
            place="糖果雅苑党群服务站",
            participants=PEOPLE,
            title="5座外墙渗水维修融和圆桌议事会",
            agenda="一、渗水检测结果；二、维修方案；三、动用专项维修资金的表决安排",
        )
    with runtime.uow() as uow:
        meetings.record_minutes(
            uow,
            butler,
            at + timedelta(hours=8),
            meeting.id,
            "检测确认外墙空鼓渗水；与会各方同意整体维修，由业主表决使用专项维修资金86,400.00元。",
        )
    return meeting


def _fund_vote(runtime: Runtime, clerk: Viewer, meeting_id: int, at: datetime) -> int:
    with runtime.uow() as uow:
        vote = voting.create_vote(
            uow,
            runtime.rules(),
            clerk,
            at,
            COMPLEX,
            "使用专项维修资金维修5座外墙",
            "use_maintenance_fund",
            fund_amount="86400.00",
            meeting_id=meeting_id,
        )
    voters = list(dict.fromkeys(row["owner_key"] or "developer" for row in ballot_rows()))
    cast = 0
    for number, (key, mark) in enumerate(zip(voters, CHOICES, strict=False)):
        choice = {"f": "for", "a": "abstain", "g": "against"}[mark]
        channel = ("in_person", "written", "proxy", "online")[number % 4]
        with runtime.uow() as uow:
            voting.cast_ballot(
                uow,
                clerk,
                at + timedelta(minutes=number),
                vote.id,
                key,
                choice,
                channel,
                "家属代投" if channel == "proxy" else "",
            )
        cast += 1
    with runtime.uow() as uow:
        voting.close_vote(uow, runtime.rules(), clerk, at + timedelta(hours=20), vote.id)
    return cast
