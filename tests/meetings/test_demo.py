"""The demo: 糖果雅苑 holds a roundtable, votes on the fund, publishes, resolves the case."""

from __future__ import annotations

from sqlalchemy import select

from caseflow.models import Meeting, Vote
from caseflow.services.demo import seed_demo
from caseflow.services.meetings import public_notice
from caseflow.services.meetings_demo import ballot_rows, seed_meetings_demo


def test_the_demo_complex_runs_a_roundtable_and_a_fund_vote_once(runtime):
    assert seed_meetings_demo(runtime) == {}  # nothing to attach to before seed-demo
    seed_demo(runtime)
    added = seed_meetings_demo(runtime)
    assert added == {"committee users": 1, "ballot parts": 24, "meetings": 1, "votes": 1,
                     "ballots": 18}
    assert seed_meetings_demo(runtime) == {}
    with runtime.uow() as uow:
        meeting = uow.session.scalar(select(Meeting))
        vote = uow.session.scalar(select(Vote).where(Vote.meeting_id == meeting.id))
        assert meeting.case.state == "resolved" and meeting.outcome == "resolved"
        assert vote.status == "closed" and vote.result["passed"] is True
        assert vote.result["total_owners"] == 22  # 24 flats, one owner of two, unsold as one
        notice = public_notice(uow, runtime.now(), "foshan-candy-elegance")
        assert [v.id for v in notice["votes"]] == [vote.id]
        assert [m.id for m in notice["meetings"]] == [meeting.id]


def test_the_ballot_list_has_a_double_owner_and_unsold_flats():
    rows = ballot_rows()
    assert sum(r["owner_key"] == "chen-5" for r in rows) == 2
    assert sum(r["developer_unsold"] == "yes" for r in rows) == 2


def test_the_demo_committee_sees_its_complexs_meeting_and_vote(runtime):
    from caseflow.services.deliberation.reads import complex_page
    from caseflow.services.users import find_user
    from caseflow.services.visibility import staff_of

    seed_demo(runtime)
    seed_meetings_demo(runtime)
    with runtime.uow() as uow:
        committee = staff_of(find_user(uow.session, "committee.candy"))
        assert committee.role == "owners_committee"
        page = complex_page(uow, committee, "foshan-candy-elegance")
        assert len(page.meetings) == 1 and len(page.votes) == 1
