"""Opinion campaigns: opinions collected by three channels, counted by topic, channel and
complex, turned into cases, published without their authors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseflow.domain.errors import Conflict, InvalidInput, PermissionDenied
from caseflow.services import campaigns
from caseflow.services.cases import get_case
from caseflow.services.visibility import PUBLIC, viewer_of
from tests.meetings.helpers import staff

TOPICS = ["外立面", "管网改造", "停车"]


@pytest.fixture
def users(runtime):
    return staff(runtime)


def open_one(runtime, user, **fields):
    command = campaigns.CampaignCommand(**({
        "area": "jiazhou-community", "title": "老旧小区改造征求意见",
        "description": "莱茵水岸、荷花苑改造方案", "complexes": ["rhine", "lotus"],
        "topics": TOPICS, "closes_at": runtime.now() + timedelta(days=14)} | fields))
    with runtime.uow() as uow:
        return campaigns.open_campaign(uow, viewer_of(user), runtime.now(), command)


def opinion(runtime, who, campaign_id, topic, channel="web", complex="rhine", **more):
    command = campaigns.OpinionCommand(topic=topic, text=more.pop("text", "希望统一更换雨污管"),
                                       channel=channel, complex=complex, **more)
    with runtime.uow() as uow:
        return campaigns.give_opinion(uow, who, runtime.now(), campaign_id, command)


def read(runtime, user, campaign_id):
    with runtime.uow() as uow:
        return campaigns.campaign_for(uow, viewer_of(user), campaign_id)


def test_opinions_are_counted_by_topic_channel_and_complex(runtime, users):
    cid = open_one(runtime, users["community"])
    community = viewer_of(users["community"])
    for topic, channel, place in [("管网改造", "web", "rhine"), ("管网改造", "web", "lotus"),
                                  ("停车", "web", "rhine"), ("管网改造", "meeting", "rhine"),
                                  ("外立面", "meeting", "lotus"), ("其他", "intake", "lotus")]:
        opinion(runtime, PUBLIC if channel == "web" else community, cid, topic, channel, place,
                author_name="刘女士", author_phone="13800000009")
    found = read(runtime, users["community"], cid)
    assert found.total == 6
    assert found.by_topic == {"管网改造": 3, "外立面": 1, "停车": 1, "其他": 1}
    assert found.by_channel["管网改造"] == {"web": 2, "meeting": 1, "intake": 0}
    assert found.by_complex == {"嘉州新城·莱茵水岸": 3, "荷花苑": 3}
    assert {o.author for o in found.opinions} == {"刘女士"}  # staff handling personal data
    masked = read(runtime, users["leader"], cid)
    assert "刘女士" not in {o.author for o in masked.opinions}
    with runtime.uow() as uow:
        public = campaigns.public_campaign(uow, runtime.now(), cid)
    assert public.opinions == [] and public.total == 6


def test_bad_opinions_change_nothing(runtime, users):
    cid = open_one(runtime, users["community"])
    with pytest.raises(InvalidInput) as bad:
        opinion(runtime, PUBLIC, cid, "绿化")
    assert bad.value.field == "topic"
    with pytest.raises(InvalidInput) as bad:
        opinion(runtime, PUBLIC, cid, "停车", complex="yibin-garden")
    assert bad.value.field == "complex"
    with pytest.raises(InvalidInput) as bad:
        opinion(runtime, PUBLIC, cid, "停车", text=" ")
    assert bad.value.field == "text"
    assert opinion(runtime, PUBLIC, cid, "停车", channel="meeting")  # the public is always web
    with pytest.raises(PermissionDenied):
        opinion(runtime, viewer_of(users["lotus-butler"]), cid, "停车", channel="intake")
    assert read(runtime, users["community"], cid).by_channel["停车"]["web"] == 1
    assert read(runtime, users["community"], cid).total == 1


def test_opinions_become_cases_and_the_summary_is_published(runtime, users):
    cid = open_one(runtime, users["community"])
    community = viewer_of(users["community"])
    first = opinion(runtime, PUBLIC, cid, "停车", author_phone="13800000009", text="消防通道被占")
    second = opinion(runtime, PUBLIC, cid, "管网改造")
    with runtime.uow() as uow:
        ref = campaigns.spin_out_case(uow, runtime.rules(), community, runtime.now(), first,
                                      "parking")
    with runtime.uow() as uow:
        case = get_case(uow.session, ref)
        assert (case.category, case.place_unit.code, case.description) == (
            "parking", "rhine", "消防通道被占")
    with runtime.uow() as uow, pytest.raises(InvalidInput):  # no phone: link, don't invent one
        campaigns.spin_out_case(uow, runtime.rules(), community, runtime.now(), second, "parking")
    with runtime.uow() as uow:
        assert campaigns.spin_out_case(uow, runtime.rules(), community, runtime.now(), second,
                                       "", case_ref=ref) == ref
    assert read(runtime, users["community"], cid).cases == 2
    with runtime.uow() as uow, pytest.raises(InvalidInput):
        campaigns.close_campaign(uow, community, runtime.now(), cid, " ", publish=True)
    with runtime.uow() as uow:
        campaigns.close_campaign(uow, community, runtime.now(), cid,
                                 "收集意见2条，停车问题已立案办理。", publish=True)
    with pytest.raises(Conflict):
        opinion(runtime, PUBLIC, cid, "停车")
    with runtime.uow() as uow:
        public = campaigns.public_campaign(uow, runtime.now(), cid)
        listed = campaigns.public_campaigns(uow, runtime.now())
    assert (public.status, public.summary, public.total) == (
        "published", "收集意见2条，停车问题已立案办理。", 2)
    assert [c.id for c in listed] == [cid]


def test_who_opens_and_reads(runtime, users):
    with pytest.raises(PermissionDenied):
        open_one(runtime, users["butler"])  # a butler does not run the community's
    with pytest.raises(InvalidInput) as bad:
        open_one(runtime, users["community"], complexes=["shizhong"])
    assert bad.value.field == "complexes"
    with pytest.raises(InvalidInput) as bad:
        open_one(runtime, users["community"], closes_at=runtime.now())
    assert bad.value.field == "closes_at"
    cid = open_one(runtime, users["community"])
    assert read(runtime, users["street"], cid).may_run  # the street above runs it too
    assert not read(runtime, users["leader"], cid).may_run
    lotus_only = open_one(runtime, users["community"], complexes=["lotus"], title="荷花苑停车")
    with runtime.uow() as uow:
        listed = campaigns.campaigns_for(uow, viewer_of(users["street"]))
        assert {c.id for c in listed} == {cid, lotus_only}
        listed = campaigns.campaigns_for(uow, viewer_of(users["butler"]))  # works at rhine
        assert [c.id for c in listed] == [cid]
    with pytest.raises(PermissionDenied):
        read(runtime, users["butler"], lotus_only)
