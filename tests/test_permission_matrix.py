"""Who may see what, checked on every route the app has.

The routes come from the app's own URL map, so a new route is covered without editing this
test: each GET route × each role (one user per role, whose unit holds the inside place) ×
a case, a meeting and a vote inside the viewer's jurisdiction and in another city. Through
every edge (API, pages, Open311, the public notice board):
- nothing outside the jurisdiction answers 200, unless the route is public (it answers the
  anonymous visitor too), and no list names what lies outside;
- roles that read masked data (leaders, owners' committees, the public) never receive a
  reporter's full phone, an ID number typed into a description or a phone in the minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from caseflow.app import create_app, runtime_of
from caseflow.domain.clock import FrozenClock
from caseflow.models import User
from caseflow.services import attachments, tokens
from caseflow.services.case_views import read_case
from caseflow.services.cases import submit_case
from caseflow.services.deliberation import writes
from caseflow.services.dispatch.records import new_dispatch
from caseflow.services.units import get_unit, import_units
from caseflow.services.visibility import staff_of
from caseflow.services.voting import import_ballot_list, parse_ballot_csv
from tests import photos as test_photos
from tests.admin.conftest import _password_hash, login
from tests.conftest import RULES_DIR
from tests.factories import RESIDENT, submission
from tests.meetings.helpers import BALLOT_CSV, add_other_city, add_users, staff

# One user of every staff role, each of whose units holds (or lies above) the Rhine complex,
# and a department's caseworker the inside case was dispatched to (部门解题).
ROLES = {"admin": "admin", "dispatcher": "dispatcher", "unit_lead": "lead",
         "caseworker": "butler", "leader": "leader", "owners_committee": "committee",
         "department": "chengguan"}
MASKED_ROLES = ("leader", "owners_committee", "anonymous")
PLACES = {"inside": "rhine", "outside": "yibin-garden"}
CLERKS = {"inside": "committee", "outside": "yibin-committee"}
# Personal data of each place's case and meeting: never shown to a role that gets masks.
SECRETS = {
    "inside": ("13911110001", "510104199001011234", "13811112222"),
    "outside": ("13922220002", "510104199202021234", "13833334444"),
}
NOT_A_PAGE = ("static", "api_docs.static", "open311.unknown")




def _place_case(runtime: Any, where: str, clerk: User, photos: Any) -> dict[str, Any]:
    """A case, a photo, a decided meeting and a closed vote at one place."""
    phone, id_number, minutes_phone = SECRETS[where]
    complex_code, now = PLACES[where], runtime.now()
    with runtime.uow() as uow:
        case, _ = submit_case(uow, runtime.rules(), submission(
            unit=complex_code, title=f"外墙脱落 {where}",
            description=f"请联系{phone}，身份证{id_number}",
            reporter={"name": "刘女士", "phone": phone}), RESIDENT, now)
        ref = case.ref
    with runtime.uow() as uow:
        found = read_case(uow, staff_of(_admin(uow)), ref, now)
        photo = attachments.save_attachment(uow, found, _admin(uow), "before", "a.png",
                                            test_photos.png(), now, photos,
                                            test_photos.LIMITS)
    with runtime.uow() as uow:
        import_ballot_list(uow, clerk, complex_code, parse_ballot_csv(BALLOT_CSV))
    with runtime.uow() as uow:
        meeting = writes.plan_meeting(
            uow, runtime.rules(), clerk, now, kind="roundtable", complex=complex_code,
            starts_at=now + timedelta(days=1), title=f"议事会 {where}",
            participants=[{"name": "刘女士", "role": "resident_rep"}])
    with runtime.uow() as uow:
        writes.record_minutes(uow, clerk, now, meeting.id, f"刘女士（{minutes_phone}）同意")
    with runtime.uow() as uow:
        vote = writes.create_vote(uow, runtime.rules(), clerk, now, complex_code,
                                  f"表决 {where}", "use_maintenance_fund")
    with runtime.uow() as uow:
        writes.record_ballot(uow, clerk, now, vote.id, "zhao", "for", "proxy", "赵太太")
    return {"ref": ref, "key": ref, "meeting_id": meeting.id, "vote_id": vote.id,
            "attachment_id": photo.id, "code": complex_code,
            "markers": (ref, f"议事会 {where}", f"表决 {where}", phone)}


def _department(runtime: Any, ref: str) -> dict[str, User]:
    """The district's 城管 with a caseworker, and the inside case dispatched to it."""
    with runtime.uow() as uow:
        import_units(uow, [], [{"code": "shizhong-chengguan", "name": "市中区城管局",
                                "kind": "department", "parent": "shizhong"}])
        uow.commit()
    made = add_users(runtime, {"chengguan": ("caseworker", "shizhong-chengguan")},
                     _password_hash())
    with runtime.uow() as uow:
        case = read_case(uow, staff_of(_admin(uow)), ref, runtime.now())
        new_dispatch(uow.session, runtime.rules(), case.id, get_unit(uow.session,
                     "shizhong-chengguan"), case.unit_id, "请核查", runtime.now())
        uow.commit()
    return made


def _admin(uow: Any) -> User:
    return uow.session.query(User).filter_by(username="admin").one()


@pytest.fixture
def world(database_url: str, clock: FrozenClock, tmp_path: Any) -> Iterator[dict[str, Any]]:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "RULES_DIR": str(RULES_DIR), "CLOCK": clock, "SECRET_KEY": "matrix",
                      "ATTACHMENTS_DIR": str(tmp_path / "photos"), "RATELIMIT_ENABLED": False})
    runtime = runtime_of(app)
    users = staff(runtime)
    users |= add_other_city(runtime)
    users |= add_users(runtime, {"yibin-committee": ("owners_committee", "yibin-garden")})
    with runtime.uow() as uow:
        uow.session.execute(update(User).values(password_hash=_password_hash()))
        uow.commit()
    places = {where: _place_case(runtime, where, users[CLERKS[where]], tmp_path / "photos")
              for where in PLACES}
    users |= _department(runtime, places["inside"]["ref"])
    yield {"app": app, "places": places, "users": users}
    runtime.engine.dispose()


def _clients(app: Flask, users: dict[str, User]) -> dict[str, tuple[FlaskClient, dict]]:
    """Each viewer's browser (signed in) and bearer header; the anonymous visitor has none."""
    runtime = runtime_of(app)
    clients: dict[str, tuple[FlaskClient, dict]] = {"anonymous": (app.test_client(), {})}
    for role, name in ROLES.items():
        client = app.test_client()
        assert login(client, name).status_code == 302, name
        with runtime.uow() as uow:
            _, secret = tokens.issue_token(uow, users[name], runtime.now(), name="matrix")
        clients[role] = (client, {"Authorization": f"Bearer {secret}"})
    return clients


FILL = {"name": "unresolved", "chart_id": "counts", "fmt": "csv", "username": "butler",
        "token": "no-such-token", "voter": "zhao", "rest": "x", "request_id": "999999"}
PLACE_BOUND = ("ref", "key", "meeting_id", "vote_id", "attachment_id", "code")


def _urls(app: Flask, place: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """(URL, bound to the place?) for every GET route of the app."""
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_A_PAGE:
            continue
        values: dict[str, Any] = {}
        for arg in rule.arguments:
            values[arg] = place[arg] if arg in PLACE_BOUND else FILL.get(arg, "1")
        if "fmt" in rule.arguments and rule.rule.startswith("/open311"):
            values["fmt"] = "json"
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **values)
        bound = any(arg in PLACE_BOUND for arg in rule.arguments)
        if url.startswith(("/api/v1/stats/", "/dashboard/")):
            url, bound = f"{url}?unit={place['code']}", True
        yield url, bound


def test_no_route_shows_what_lies_outside_or_unmasked_data_to_masked_roles(world):
    app, places = world["app"], world["places"]
    clients = _clients(app, world["users"])
    secrets = [s for where in SECRETS for s in SECRETS[where]]
    checked, failures = 0, []
    for where, place in places.items():
        for url, bound in _urls(app, place):
            with clients["anonymous"][0].get(url) as anonymous:
                public = anonymous.status_code == 200
            for role, (client, headers) in clients.items():
                with client.get(url, headers=headers) as answer:
                    body = answer.get_data().decode("utf-8", "replace")
                checked += 1
                if answer.status_code >= 500:
                    failures.append(f"{role} {url}: {answer.status_code}")
                if role in MASKED_ROLES and answer.status_code == 200:
                    failures += [f"{role} {url}: shows {s}" for s in secrets if s in body]
                if where == "inside" or role == "admin" or public or answer.status_code != 200:
                    continue
                if bound:
                    failures.append(f"{role} {url}: 200 outside the jurisdiction")
                failures += [f"{role} {url}: lists {m}" for m in place["markers"] if m in body]
    assert not failures, "\n".join(failures)
    # The matrix is as large as the app: every GET route, 8 viewers, 2 places.
    assert checked >= 2 * 8 * 40
    print(f"permission matrix: {checked} reads checked")


def test_the_same_case_is_masked_alike_on_every_edge(world):
    """A leader reads the inside case through the API, its page and the dashboard export,
    and the public through Open311: the phone shows masked the same way everywhere."""
    app, place = world["app"], world["places"]["inside"]
    clients = _clients(app, world["users"])
    client, headers = clients["leader"]
    phone = SECRETS["inside"][0]
    masked = phone[:3] + "****" + phone[-4:]
    api = client.get(f"/api/v1/cases/{place['ref']}", headers=headers).get_json()
    assert api["reporter"]["phone"] == masked and phone not in api["description"]
    page = client.get(f"/cases/{place['ref']}").get_data(as_text=True)
    assert masked in page and phone not in page
    public = clients["anonymous"][0].get(f"/open311/v2/requests/{place['ref']}.json")
    assert public.status_code == 200 and phone not in public.get_data(as_text=True)
    assert re.search(r"\d{3}\*{4}\d{4}", public.get_data(as_text=True))


def test_a_department_reads_exactly_the_cases_dispatched_to_it(world):
    """The district's 城管 lists the inside case sent to it (by the API and its inbox) and
    nothing else; its page opens with the reporter in full (a handling role)."""
    app, places = world["app"], world["places"]
    client, headers = _clients(app, world["users"])["department"]
    listed = client.get("/api/v1/cases", headers=headers).get_json()
    assert [c["ref"] for c in listed["items"]] == [places["inside"]["ref"]]
    assert places["inside"]["ref"] in client.get("/inbox").get_data(as_text=True)
    page = client.get(f"/cases/{places['inside']['ref']}")
    assert page.status_code == 200 and SECRETS["inside"][0] in page.get_data(as_text=True)
    assert client.get(f"/cases/{places['outside']['ref']}").status_code == 403
    own = client.get("/api/v1/cases?unit=shizhong-chengguan", headers=headers).get_json()
    assert [c["ref"] for c in own["items"]] == [places["inside"]["ref"]]
