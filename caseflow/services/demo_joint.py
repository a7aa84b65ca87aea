"""Demo: a monthly four-party joint meeting at 嘉州社区 with its next sitting's agenda, and the
清心园 renovation's opinion campaign (seed 001: "讨论会就开了20多次, 收集意见建议200余条")."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from caseflow.models import Campaign, MeetingSeries, User
from caseflow.services import campaigns
from caseflow.services.deliberation import rhythm
from caseflow.services.runtime import Runtime
from caseflow.services.visibility import PUBLIC, Viewer, viewer_of

COMMUNITY, COMMUNITY_LEAD = "leshan-jiazhou", "lead.jiazhou"
RENOVATED, RENOVATION_LEAD = "zigong-qingxin-garden", "lead.guojiaao"
FOUR_PARTY = [
    {"name": "嘉州社区党委", "role": "community", "organisation": "嘉州社区"},
    {"name": "莱茵水岸业委会", "role": "owners_committee", "organisation": "莱茵水岸"},
    {"name": "乐山花城物业", "role": "property_company", "organisation": "乐山花城物业"},
    {"name": "居民代表", "role": "resident_rep"},
]
TOPICS = ["雨污管网改造", "外墙及屋面", "停车棚整治", "绿地与晾晒", "垃圾清运"]
# (topic, channel, how many, text): what the discussion meetings and the counter heard.
OPINIONS = [
    ("雨污管网改造", "meeting", 6, "雨污管网老化，雨季倒灌，希望一次改到位"),
    ("雨污管网改造", "web", 3, "管网改造期间请安排临时排水"),
    ("外墙及屋面", "meeting", 4, "顶楼渗水，屋面防水要重做"),
    ("停车棚整治", "meeting", 3, "违章搭建的停车棚要拆，但要给电动车找地方"),
    ("停车棚整治", "intake", 2, "拆棚后电动车充电怎么办"),
    ("绿地与晾晒", "web", 2, "绿地里牵线晾晒，希望统一设置晾衣架"),
    ("垃圾清运", "intake", 2, "生活垃圾堆放点离单元门太近"),
    ("其他", "web", 1, "改造期间请公示施工时间"),
]


def _viewer(runtime: Runtime, username: str) -> Viewer | None:
    with runtime.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        return viewer_of(user) if user is not None else None


def seed_joint_demo(runtime: Runtime) -> dict[str, int]:
    """Add the joint meeting and the campaign once; {} when already there or no demo."""
    lead, renovation = _viewer(runtime, COMMUNITY_LEAD), _viewer(runtime, RENOVATION_LEAD)
    with runtime.uow() as uow:
        done = uow.session.scalar(select(exists().where(MeetingSeries.id.is_not(None)))) or \
            uow.session.scalar(select(exists().where(Campaign.id.is_not(None))))
    if lead is None or renovation is None or done:
        return {}
    return {"joint meetings": _joint_meeting(runtime, lead),
            "opinions": _campaign(runtime, renovation)}


def _joint_meeting(runtime: Runtime, lead: Viewer) -> int:
    """A monthly 四方联席 whose next sitting is five days away: planned now, with its agenda."""
    rules, now = runtime.rules(), runtime.now()
    day = (now + timedelta(days=5)).astimezone(ZoneInfo(rules.calendar.zone)).day
    command = rhythm.SeriesCommand(area=COMMUNITY, kind="four_party", title="嘉州社区四方联席会议",
                                   frequency="monthly", day=min(day, 28), at="19:00",
                                   place="嘉州社区党群服务中心", participants=FOUR_PARTY)
    with runtime.uow() as uow:
        rhythm.start_series(uow, rules, lead, now, command)
    with runtime.uow() as uow:
        return len(rhythm.plan_due(uow, rules, now))


def _campaign(runtime: Runtime, lead: Viewer) -> int:
    """The renovation campaign, its opinions counted, two turned into cases, published."""
    now = runtime.now()
    opened = now - timedelta(days=20)
    command = campaigns.CampaignCommand(
        area=RENOVATED, title="清心园老旧小区改造方案征求意见",
        description="改造方案已在小区公示栏张贴，请就管网、外墙、停车棚、绿地、垃圾清运提出意见。",
        complexes=[], topics=TOPICS, closes_at=now + timedelta(days=10))
    with runtime.uow() as uow:
        campaign_id = campaigns.open_campaign(uow, lead, opened, command)
    given = 0
    for n, (topic, channel, count, text) in enumerate(OPINIONS):
        for k in range(count):
            at = opened + timedelta(days=n * 2, hours=k)
            opinion = campaigns.OpinionCommand(
                topic=topic, text=text, channel=channel, author_name=f"清心园居民{n}{k}",
                author_phone=f"1390813{n:02d}{k:02d}")
            with runtime.uow() as uow:
                made = campaigns.give_opinion(uow, PUBLIC if channel == "web" else lead, at,
                                              campaign_id, opinion)
            given += 1
            if topic == "停车棚整治" and k == 0:
                with runtime.uow() as uow:
                    campaigns.spin_out_case(uow, runtime.rules(), lead, at, made, "parking")
    return given
