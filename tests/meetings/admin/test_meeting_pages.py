"""The meeting and vote pages: plan, minutes, decision, ballots, close, public notice."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from caseflow.app import runtime_of
from caseflow.models import User
from caseflow.services.units import get_unit
from tests.admin.conftest import csrf, login, new_case, post, text
from tests.factories import act_on
from tests.meetings.helpers import BALLOT_CSV


@pytest.fixture
def committee(app):
    """An owners' committee member of the Rhine complex, able to sign in."""
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        hashed = uow.session.get(User, 1).password_hash
        uow.session.add(
            User(
                username="committee",
                display_name="业委会",
                role="owners_committee",
                unit_id=get_unit(uow.session, "rhine").id,
                password_hash=hashed,
            )
        )
        uow.commit()
    return "committee"


def working_case(app) -> str:
    ref, _ = new_case(app)
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        butler = uow.session.scalar(select(User).where(User.username == "butler"))
    for action in ("accept", "start"):
        with runtime.uow() as uow:
            act_on(uow, runtime.rules(), ref, action, butler, runtime.now())
    return ref


def test_a_roundtable_on_a_case_through_the_pages(app, client):
    ref = working_case(app)
    login(client, "butler")
    page = "/complexes/rhine/meetings"
    assert "Plan" in text(client.get(page)) or "议事" in text(client.get(page))
    planned = post(
        client,
        page,
        {
            "kind": "roundtable",
            "case": ref,
            "title": "快递柜圆桌会",
            "starts_at": "2026-11-25T19:00",
            "place": "议事厅",
            "participants": "陈书记 | party_member | 党支部\n刘女士 | resident_rep",
        },
        page=page,
    )
    assert planned.status_code == 302
    meeting_url = planned.headers["Location"]
    assert "快递柜圆桌会" in text(client.get(meeting_url)) and "陈书记" in text(
        client.get(meeting_url)
    )
    post(client, f"{meeting_url}/minutes", {"minutes": "同意夜间静音"}, page=meeting_url)
    done = post(
        client,
        f"{meeting_url}/decision",
        {
            "outcome": "resolved",
            "decisions": "快递柜夜间静音\n物业每周巡查",
            "tasks": "调整设置 | 物业 | 2026-11-30",
        },
        page=meeting_url,
    )
    assert done.status_code == 302
    shown = text(client.get(meeting_url))
    assert "物业每周巡查" in shown and 'id="status">已决定' in shown
    assert "resolved" in text(client.get(f"/cases/{ref}")) or "已办结" in text(
        client.get(f"/cases/{ref}")
    )
    client.post("/logout")
    notice = client.get("/notice/rhine")
    assert notice.status_code == 200 and "快递柜夜间静音" in text(notice)
    assert "/notice/rhine" in text(client.get("/notice"))


def test_a_vote_through_the_pages(app, client, committee):
    login(client, committee)
    page = "/complexes/rhine/meetings"
    sent = client.post(
        "/complexes/rhine/ballot-list",
        data={
            "csrf_token": csrf(client, page),
            "file": (io.BytesIO(BALLOT_CSV.encode()), "rhine.csv"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, text(sent)
    opened = post(
        client,
        "/complexes/rhine/votes",
        {"title": "维修资金换快递柜", "matter": "use_maintenance_fund", "fund_amount": "8600"},
        page=page,
    )
    vote_url = opened.headers["Location"]
    for voter, choice in (("wang", "for"), ("li", "for"), ("zhao", "against")):
        assert (
            post(
                client,
                f"{vote_url}/ballots",
                {"voter": voter, "choice": choice, "channel": "written"},
                page=vote_url,
            ).status_code
            == 302
        )
    twice = post(client, f"{vote_url}/ballots", {"voter": "li", "choice": "against"}, page=vote_url)
    assert twice.status_code == 409
    post(
        client,
        f"{vote_url}/ballots",
        {"voter": "zhao", "choice": "abstain", "change": "yes"},
        page=vote_url,
    )
    post(client, f"{vote_url}/close", {}, page=vote_url)
    closed = text(client.get(vote_url))
    assert 'id="status">表决已结束' in closed and 'id="verdict"' in closed
    assert "同意" in closed and "书面投票" in closed
    client.post("/logout")
    notice = text(client.get("/notice/rhine"))
    assert "¥8600.00" in notice and "维修资金换快递柜" in notice
    # The thresholds and the tally in the owners' words, not the engine's codes.
    assert "参与表决的业主人数" in notice and "同意: 2 人" in notice and "弃权: 1 人" in notice
    for code in ("participation_", "approval_", "for:", "abstain", " of "):
        assert code not in notice, code


def test_outsiders_cannot_record_ballots(app, client, committee):
    login(client, committee)
    page = "/complexes/rhine/meetings"
    client.post(
        "/complexes/rhine/ballot-list",
        data={"csrf_token": csrf(client, page), "file": (io.BytesIO(BALLOT_CSV.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    vote_url = post(
        client,
        "/complexes/rhine/votes",
        {"title": "选聘物业", "matter": "choose_property_company"},
        page=page,
    ).headers["Location"]
    client.post("/logout")
    login(client, "lotus-butler")
    refused = post(
        client, f"{vote_url}/ballots", {"voter": "li", "choice": "for"}, page="/meetings"
    )
    assert refused.status_code == 403


def test_the_nav_links_to_meetings_for_staff(app, client):
    login(client, "branch")
    index = text(client.get("/meetings"))
    assert "/complexes/rhine/meetings" in index and "/complexes/lotus/meetings" not in index
