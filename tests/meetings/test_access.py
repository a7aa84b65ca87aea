"""Who reads and writes meetings, minutes, votes and ballots: the one policy, in services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseflow.domain.errors import PermissionDenied
from caseflow.services.deliberation import reads, writes
from caseflow.services.visibility import PUBLIC
from tests.meetings.helpers import add_other_city, scene, staff

OUTSIDERS = ["yibin-butler", "yibin-city", "lotus-butler"]
INSIDE = ["butler", "branch", "committee", "community", "street", "district", "city", "leader",
          "admin"]


@pytest.fixture
def users(runtime):
    users = staff(runtime)
    users.update(add_other_city(runtime))
    return users


@pytest.fixture
def ids(runtime, users):
    return scene(runtime, users["committee"])


def read(runtime, fn, *args):
    with runtime.uow() as uow:
        return fn(uow, *args)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_are_refused_every_direct_read(runtime, users, ids, who):
    user, rules = users[who], runtime.rules()
    for fn, args in ((reads.meeting_for, (user, ids["meeting"])),
                     (reads.vote_for, (user, ids["vote"])),
                     (reads.ballots_for, (user, ids["vote"])),
                     (reads.complex_page, (user, "rhine")),
                     (reads.ballot_list_for, (user, "rhine"))):
        with pytest.raises(PermissionDenied):
            read(runtime, fn, *args)
    with pytest.raises(PermissionDenied):
        read(runtime, lambda uow: reads.result_for(uow, rules, user, ids["vote"]))
    with pytest.raises(PermissionDenied):
        read(runtime, lambda uow: reads.vote_page(uow, rules, user, ids["vote"]))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_find_nothing_in_lists(runtime, users, ids, who):
    user = users[who]
    assert read(runtime, reads.meetings_for, user, None, "rhine") == []
    assert read(runtime, reads.meetings_for, user) == []
    assert read(runtime, reads.votes_for, user, "rhine") == []
    assert "rhine" not in [c.code for c in read(runtime, reads.complexes_for, user)]


@pytest.mark.parametrize("who", INSIDE)
def test_the_complex_and_the_units_above_read_meetings_votes_and_ballots(runtime, users, ids,
                                                                        who):
    user = users[who]
    assert read(runtime, reads.meeting_for, user, ids["meeting"]).id == ids["meeting"]
    assert [m.id for m in read(runtime, reads.meetings_for, user, None, "rhine")] == [
        ids["meeting"]]
    assert [v.id for v in read(runtime, reads.votes_for, user, "rhine")] == [ids["vote"]]
    ballots = read(runtime, reads.ballots_for, user, ids["vote"])
    assert sorted(b.voter_key for b in ballots) == ["li", "wang", "zhao"]
    assert "rhine" in [c.code for c in read(runtime, reads.complexes_for, user)]


def test_the_yibin_butler_reads_yibin_but_not_leshan(runtime, users, ids):
    codes = [c.code for c in read(runtime, reads.complexes_for, users["yibin-butler"])]
    assert codes == ["yibin-garden"]


@pytest.mark.parametrize("who", ["leader", "committee"])
def test_leaders_and_committees_see_participants_and_numbers_masked(runtime, users, ids, who):
    meeting = read(runtime, reads.meeting_for, users[who], ids["meeting"])
    assert [p["name"] for p in meeting.participants] == ["陈**", "刘**"]
    assert "13812345678" not in meeting.minutes and "138****5678" in meeting.minutes
    assert "510102199001011234" not in meeting.minutes
    assert meeting.masked
    proxies = {b.voter_key: b.proxy_holder for b in read(runtime, reads.ballots_for, users[who],
                                                          ids["vote"])}
    assert proxies["zhao"] == "赵**"


def test_handlers_read_names_and_minutes_in_full(runtime, users, ids):
    meeting = read(runtime, reads.meeting_for, users["butler"], ids["meeting"])
    assert [p["name"] for p in meeting.participants] == ["陈书记", "刘女士"]
    assert "13812345678" in meeting.minutes and not meeting.masked
    ballots = read(runtime, reads.ballots_for, users["butler"], ids["vote"])
    assert {b.voter_key: b.proxy_holder for b in ballots}["zhao"] == "赵太太"


def test_the_public_notice_shows_tallies_without_names_numbers_or_ballots(runtime, users, ids):
    notice = read(runtime, reads.notice_board, runtime.now(), "rhine")
    assert [v.id for v in notice.votes] == [ids["vote"]]
    assert notice.votes[0].result["passed"] in (True, False)
    shown = repr(notice)
    assert not hasattr(notice.votes[0], "ballots")
    for secret in ("13812345678", "陈书记", "赵太太", "wang", "zhao", "voter_key"):
        assert secret not in shown
    assert notice.meetings[0].decisions == ["联系刘女士138****5678安排施工"]
    runtime.clock.advance(timedelta(days=8))
    assert read(runtime, reads.notice_board, runtime.now(), "rhine").votes == []


def test_the_public_reads_no_meeting_or_ballots_directly(runtime, users, ids):
    with pytest.raises(PermissionDenied):
        read(runtime, reads.meeting_for, PUBLIC, ids["meeting"])
    with pytest.raises(PermissionDenied):
        read(runtime, reads.ballots_for, PUBLIC, ids["vote"])
    assert read(runtime, reads.meetings_for, PUBLIC, None, "rhine") == []


@pytest.mark.parametrize("who", ["yibin-butler", "lotus-butler", "leader", "city"])
def test_writes_outside_the_complex_are_refused(runtime, users, ids, who):
    user, rules, now = users[who], runtime.rules(), runtime.now()
    attempts = [
        lambda uow: writes.plan_meeting(uow, rules, user, now, kind="roundtable",
                                        complex="rhine", starts_at=now + timedelta(days=1)),
        lambda uow: writes.record_minutes(uow, user, now, ids["meeting"], "改写纪要"),
        lambda uow: writes.create_vote(uow, rules, user, now, "rhine", "再表决", "other"),
        lambda uow: writes.import_ballot_list(uow, user, "rhine", [{"code": "1", "area": "1",
                                                                    "owner_key": "k"}]),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            read(runtime, attempt)


def test_ballots_outside_the_complex_are_refused(runtime, users):
    from tests.meetings.helpers import load_ballot_list

    load_ballot_list(runtime, users["committee"])
    with runtime.uow() as uow:
        vote = writes.create_vote(uow, runtime.rules(), users["committee"], runtime.now(),
                                  "rhine", "更换门禁", "other")
    for who in ("yibin-butler", "lotus-butler", "district"):
        with pytest.raises(PermissionDenied), runtime.uow() as uow:
            writes.record_ballot(uow, users[who], runtime.now(), vote.id, "wang", "for")
        with pytest.raises(PermissionDenied), runtime.uow() as uow:
            writes.close_vote(uow, runtime.rules(), users[who], runtime.now(), vote.id)
    assert read(runtime, reads.ballots_for, users["committee"], vote.id) == []
