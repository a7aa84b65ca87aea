"""Builders for meeting and vote tests: the Leshan tree, an owners' committee, a ballot list."""

from __future__ import annotations

from datetime import timedelta

from caseflow.models import User
from caseflow.services.cases import submit_case
from caseflow.services.units import get_unit, import_units, parse_units
from caseflow.services.voting import import_ballot_list, parse_ballot_csv
from tests.factories import RESIDENT, act_on, build_tree, submission

# Four owners, 400 m² in all: wang owns two parts, the developer two unsold ones.
BALLOT_CSV = """code,area,owner_names,owner_key,developer_unsold
3-1-101,100.00,王先生,wang,no
3-1-102,50.00,王先生,wang,no
3-1-201,100.00,李女士,li,no
3-1-202,50.00,赵先生,zhao,no
3-2-101,50.00,,,yes
3-2-102,50.00,,,yes
"""


def staff(runtime) -> dict[str, User]:
    """build_tree's users plus an owners' committee member of the Rhine complex."""
    users = build_tree(runtime)
    with runtime.uow() as uow:
        member = User(
            username="committee",
            display_name="业委会主任",
            role="owners_committee",
            unit_id=get_unit(uow.session, "rhine").id,
        )
        uow.session.add(member)
        uow.commit()
    users["committee"] = member
    return users


def working_case(runtime, users) -> str:
    """A noise case accepted and started by the Rhine butler; returns its reference."""
    with runtime.uow() as uow:
        case, _ = submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())
    for action in ("accept", "start"):
        with runtime.uow() as uow:
            act_on(uow, runtime.rules(), case.ref, action, users["butler"], runtime.now())
    return case.ref


def load_ballot_list(runtime, user=None, text: str = BALLOT_CSV) -> int:
    """Import BALLOT_CSV for the Rhine complex."""
    with runtime.uow() as uow:
        return import_ballot_list(uow, user, "rhine", parse_ballot_csv(text))


def later(runtime, hours: int = 1):
    """Move the frozen clock on."""
    runtime.clock.advance(timedelta(hours=hours))
    return runtime.now()


# A second city beside Leshan: its caseworkers must never read Leshan's meetings or votes.
OTHER_CITY = """
units:
  - code: yibin
    name: 宜宾市
    kind: city
    children:
      - code: yibin-garden
        name: 宜宾花园
        kind: complex
        children:
          - {code: yibin-garden-office, name: 宜宾花园物业, kind: property_office}
"""
OUTSIDERS = {"yibin-butler": ("caseworker", "yibin-garden-office"),
             "yibin-city": ("caseworker", "yibin")}
MINUTES = "刘女士（电话13812345678）同意维修，身份证号510102199001011234登记在案。"
SCENE_PEOPLE = [
    {"name": "陈书记", "role": "party_member", "organisation": "小区党支部"},
    {"name": "刘女士", "role": "resident_rep"},
]


def add_users(runtime, people: dict[str, tuple[str, str]], password_hash: str | None = None
              ) -> dict[str, User]:
    """Users by name, each (role, unit code); able to sign in with `password_hash`."""
    made = {}
    with runtime.uow() as uow:
        for name, (role, unit) in people.items():
            user = User(username=name, display_name=name, role=role,
                        unit_id=get_unit(uow.session, unit).id, password_hash=password_hash)
            uow.session.add(user)
            made[name] = user
        uow.commit()
    return made


def add_other_city(runtime, password_hash: str | None = None) -> dict[str, User]:
    """Import Yibin beside Leshan, with a butler and a city caseworker there."""
    with runtime.uow() as uow:
        companies, rows = parse_units(OTHER_CITY, "other.yaml")
        import_units(uow, companies, rows)
        uow.commit()
    return add_users(runtime, OUTSIDERS, password_hash)


def scene(runtime, clerk) -> dict[str, int]:
    """At Rhine: a decided complex meeting whose minutes name a phone and an ID number, and a
    closed vote with a proxy ballot; returns {meeting, vote} ids. `clerk` runs both."""
    from caseflow.services.deliberation import writes

    starts = runtime.now() + timedelta(days=1)
    load_ballot_list(runtime, clerk)
    with runtime.uow() as uow:
        meeting = writes.plan_meeting(uow, runtime.rules(), clerk, runtime.now(),
                                      kind="roundtable", complex="rhine", starts_at=starts,
                                      title="外墙维修议事会", participants=SCENE_PEOPLE)
    with runtime.uow() as uow:
        writes.record_minutes(uow, clerk, runtime.now(), meeting.id, MINUTES)
    with runtime.uow() as uow:
        writes.record_decision(uow, runtime.rules(), clerk, runtime.now(), meeting.id,
                               "resolved", ["联系刘女士13812345678安排施工"])
    with runtime.uow() as uow:
        vote = writes.create_vote(uow, runtime.rules(), clerk, runtime.now(), "rhine",
                                  "使用维修资金维修外墙", "use_maintenance_fund")
    for voter, choice, channel, proxy in (("wang", "for", "in_person", ""),
                                          ("li", "for", "written", ""),
                                          ("zhao", "against", "proxy", "赵太太")):
        with runtime.uow() as uow:
            writes.record_ballot(uow, clerk, runtime.now(), vote.id, voter, choice, channel,
                                 proxy)
    with runtime.uow() as uow:
        writes.close_vote(uow, runtime.rules(), clerk, runtime.now(), vote.id)
    return {"meeting": meeting.id, "vote": vote.id}
