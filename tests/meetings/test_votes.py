"""Owners' votes through the services: the ballot list, one ballot per owner, closing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.services import meetings, voting
from tests.meetings.helpers import BALLOT_CSV, load_ballot_list, staff


@pytest.fixture
def users(runtime):
    users = staff(runtime)
    load_ballot_list(runtime, users["committee"])
    return users


def open_vote(runtime, user, matter="use_maintenance_fund", fund="12800.50"):
    with runtime.uow() as uow:
        return voting.create_vote(
            uow,
            runtime.rules(),
            user,
            runtime.now(),
            "rhine",
            "使用维修资金更换3栋外墙瓷砖",
            matter,
            fund_amount=fund,
        )


def cast(runtime, user, vote_id, voter, choice, change=False, **kwargs):
    verb = voting.change_ballot if change else voting.cast_ballot
    with runtime.uow() as uow:
        return verb(uow, user, runtime.now(), vote_id, voter, choice, **kwargs)


def close(runtime, user, vote_id):
    with runtime.uow() as uow:
        return voting.close_vote(uow, runtime.rules(), user, runtime.now(), vote_id)


def result(runtime, vote_id):
    with runtime.uow() as uow:
        return voting.vote_result(uow, runtime.rules(), vote_id)


def test_the_ballot_list_counts_owners_as_the_court_says(runtime, users):
    vote = open_vote(runtime, users["committee"])
    assert vote.threshold == "ordinary" and vote.fund_amount == voting.Decimal("12800.50")
    counted = result(runtime, vote.id)
    # wang's two parts count once; the two unsold parts are one owner, the developer.
    assert counted["total_owners"] == 4 and counted["total_area"] == "400.00"
    assert counted["final"] is False and counted["passed"] is False


def test_a_vote_passes_with_two_thirds_taking_part_and_more_than_half_in_favour(runtime, users):
    vote = open_vote(runtime, users["committee"])
    cast(runtime, users["butler"], vote.id, "3-1-102", "for")  # wang, by either of his parts
    cast(runtime, users["committee"], vote.id, "li", "for", channel="written")
    cast(
        runtime, users["branch"], vote.id, "zhao", "abstain", channel="proxy", proxy_holder="赵太太"
    )
    closed = close(runtime, users["committee"], vote.id)
    checks = {c["name"]: (c["needed"], c["reached"], c["passed"]) for c in closed.result["checks"]}
    # 300 of 400 m² and 3 of 4 owners took part; 250 of 300 m² and 2 of 3 owners in favour.
    assert checks == {
        "participation_area": ("266.67", "300.00", True),
        "participation_owners": ("3", "3", True),
        "approval_area": ("150.01", "250.00", True),
        "approval_owners": ("2", "2", True),
    }
    assert closed.result["passed"] and closed.status == "closed"
    assert closed.notice_until == runtime.now() + timedelta(days=7)
    with runtime.uow() as uow:
        ballots = {
            b.voter_key: (b.channel, b.proxy_holder)
            for b in voting.ballots_of(uow.session, vote.id)
        }
        notice = meetings.public_notice(uow, runtime.now(), "rhine")
        assert [v.id for v in notice["votes"]] == [vote.id]
    assert ballots == {
        "wang": ("in_person", ""),
        "li": ("written", ""),
        "zhao": ("proxy", "赵太太"),
    }


def test_one_owner_short_of_two_thirds_fails_the_quorum(runtime, users):
    vote = open_vote(runtime, users["committee"])
    cast(runtime, users["committee"], vote.id, "wang", "for")
    cast(runtime, users["committee"], vote.id, "zhao", "for")
    counted = result(runtime, vote.id)
    # 2 of 4 owners (3 needed) and 200 of 400 m² (266.67 needed).
    assert counted["quorum_met"] is False and counted["passed"] is False


def test_a_second_ballot_from_the_same_owner_is_refused(runtime, users):
    vote = open_vote(runtime, users["committee"])
    cast(runtime, users["committee"], vote.id, "3-1-101", "for")
    with pytest.raises(Conflict, match="already voted"):
        cast(runtime, users["committee"], vote.id, "3-1-102", "against")  # wang's other part
    assert result(runtime, vote.id)["counts"]["for"] == {"area": "150.00", "owners": 1}


def test_a_ballot_may_change_until_the_vote_closes_and_never_after(runtime, users):
    vote = open_vote(runtime, users["committee"])
    cast(runtime, users["committee"], vote.id, "li", "against")
    runtime.clock.advance(timedelta(hours=2))
    changed = cast(runtime, users["committee"], vote.id, "li", "for", change=True)
    assert changed.choice == "for" and [h["choice"] for h in changed.history] == ["against"]
    counted = result(runtime, vote.id)["counts"]
    assert counted["for"]["owners"] == 1 and counted["against"]["owners"] == 0
    close(runtime, users["committee"], vote.id)
    with pytest.raises(Conflict, match="closed"):
        cast(runtime, users["committee"], vote.id, "li", "against", change=True)
    with pytest.raises(Conflict, match="closed"):
        cast(runtime, users["committee"], vote.id, "wang", "for")
    with pytest.raises(Conflict):
        close(runtime, users["committee"], vote.id)
    assert result(runtime, vote.id)["counts"]["for"]["owners"] == 1


def test_changing_a_ballot_that_was_never_cast_is_refused(runtime, users):
    vote = open_vote(runtime, users["committee"])
    with pytest.raises(NotFound):
        cast(runtime, users["committee"], vote.id, "li", "for", change=True)


@pytest.mark.parametrize("who", ["butler", "branch", "committee", "admin"])
def test_the_complexs_staff_and_committee_record_ballots(runtime, users, who):
    vote = open_vote(runtime, users["committee"])
    assert cast(runtime, users[who], vote.id, "li", "for").recorded_by_id == users[who].id


@pytest.mark.parametrize("who", ["lotus-butler", "community", "leader", "dispatcher"])
def test_outsiders_may_not_record_ballots_or_close(runtime, users, who):
    vote = open_vote(runtime, users["committee"])
    with pytest.raises(PermissionDenied):
        cast(runtime, users[who], vote.id, "li", "for")
    with pytest.raises(PermissionDenied):
        close(runtime, users[who], vote.id)
    with pytest.raises(PermissionDenied):
        load_ballot_list(runtime, users[who])


def test_major_matters_take_the_three_quarter_threshold(runtime, users):
    vote = open_vote(runtime, users["committee"], matter="raise_maintenance_fund")
    assert vote.threshold == "major"
    for voter in ("wang", "li", "zhao", "developer"):
        cast(runtime, users["committee"], vote.id, voter, "for" if voter != "zhao" else "against")
    counted = result(runtime, vote.id)
    # 350 of 400 m² (>= 300) and 3 of 4 owners (>= 3): exactly three quarters of heads passes.
    assert counted["passed"] is True
    assert counted["checks"][3]["needed"] == "3" and counted["checks"][3]["reached"] == "3"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"choice": "maybe"}, "choice"),
        ({"choice": "for", "channel": "carrier_pigeon"}, "channel"),
        ({"choice": "for", "channel": "proxy"}, "proxy_holder"),
        ({"choice": "for", "voter": "nobody"}, "voter"),
    ],
)
def test_bad_ballots_are_refused(runtime, users, kwargs, field):
    vote = open_vote(runtime, users["committee"])
    args = {"voter": "li", **kwargs}
    with pytest.raises(InvalidInput) as error:
        cast(runtime, users["committee"], vote.id, args.pop("voter"), args.pop("choice"), **args)
    assert error.value.field == field


def test_the_list_cannot_change_while_a_vote_is_open(runtime, users):
    open_vote(runtime, users["committee"])
    with pytest.raises(Conflict):
        load_ballot_list(runtime, users["committee"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BALLOT_CSV.replace("100.00,王", "abc,王"), "not a number"),
        (BALLOT_CSV.replace("100.00,王", "100.001,王"), "two decimals"),
        (BALLOT_CSV.replace("3-1-102", "3-1-101"), "twice"),
        (BALLOT_CSV.replace(",li,no", ",,no"), "owner_key"),
        ("code,area\n1,2\n", "owner_key"),
    ],
)
def test_bad_ballot_lists_are_refused(runtime, users, text, message):
    with pytest.raises(InvalidInput, match=message):
        load_ballot_list(runtime, users["committee"], text)


def test_votes_need_a_ballot_list_and_a_known_matter(runtime, users):
    with pytest.raises(InvalidInput):
        open_vote(runtime, users["committee"], matter="buy_a_yacht")
    with runtime.uow() as uow:
        with pytest.raises(PermissionDenied):
            voting.create_vote(
                uow, runtime.rules(), users["lotus-butler"], runtime.now(), "rhine", "x", "other"
            )
        with pytest.raises(Conflict, match="ballot list"):
            voting.create_vote(
                uow, runtime.rules(), users["admin"], runtime.now(), "lotus", "x", "other"
            )


def test_a_ballot_racing_the_close_is_refused_not_counted(runtime, users):
    vote = open_vote(runtime, users["committee"])
    with runtime.uow() as clerk:
        voting.get_vote(clerk.session, vote.id)  # this clerk saw the vote open …
        close(runtime, users["committee"], vote.id)  # … while another closed it
        with pytest.raises(Conflict):
            voting.cast_ballot(clerk, users["committee"], runtime.now(), vote.id, "li", "for")
    assert result(runtime, vote.id)["counts"]["for"]["owners"] == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [(b"\xff\xfecode", "file"), (b"", "file")],
)
def test_unreadable_uploads_are_refused_plainly(data, field):
    with pytest.raises(InvalidInput) as error:
        voting.parse_ballot_csv(voting.decode_csv(data))
    assert error.value.field == field


def test_oversized_values_are_refused(runtime, users):
    too_big = BALLOT_CSV.replace("100.00,王", "10000000,王")
    with pytest.raises(InvalidInput, match="at most"):
        load_ballot_list(runtime, users["admin"], too_big)
    with pytest.raises(InvalidInput, match="at most"):
        load_ballot_list(runtime, users["admin"], BALLOT_CSV.replace(",li,", f",{'x' * 65},"))


def test_votes_past_their_closing_time_are_closed_once_by_the_sweep(runtime, users):
    with runtime.uow() as uow:
        vote = voting.create_vote(
            uow,
            runtime.rules(),
            users["committee"],
            runtime.now(),
            "rhine",
            "选聘物业",
            "choose_property_company",
            closes_at=runtime.now() + timedelta(days=3),
        )
    cast(runtime, users["committee"], vote.id, "li", "for")
    assert voting.close_due_votes(runtime.uow, runtime.rules(), runtime.now()) == 0
    runtime.clock.advance(timedelta(days=3))
    with pytest.raises(Conflict, match="over"):
        cast(runtime, users["committee"], vote.id, "wang", "for")
    assert voting.close_due_votes(runtime.uow, runtime.rules(), runtime.now()) == 1
    assert voting.close_due_votes(runtime.uow, runtime.rules(), runtime.now()) == 0
    assert result(runtime, vote.id)["final"] is True
