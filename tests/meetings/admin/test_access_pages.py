"""The meeting and vote pages apply the one read policy: area, masks, ballots, the notice."""

from __future__ import annotations

import pytest

from caseflow.app import runtime_of
from tests.admin.conftest import _password_hash, login, post, text
from tests.meetings.helpers import add_other_city, add_users, scene


@pytest.fixture
def ids(app):
    """The Rhine scene run by its owners' committee; Yibin's staff may sign in too."""
    runtime = runtime_of(app)
    add_other_city(runtime, _password_hash())
    committee = add_users(runtime, {"committee": ("owners_committee", "rhine")},
                          _password_hash())["committee"]
    return scene(runtime, committee)


def pages_of(ids):
    return [f"/meetings/{ids['meeting']}", f"/votes/{ids['vote']}", "/complexes/rhine/meetings"]


@pytest.mark.parametrize("who", ["yibin-butler", "lotus-butler"])
def test_outsiders_get_403_and_do_not_find_the_complex(client, ids, who):
    login(client, who)
    for page in pages_of(ids):
        assert client.get(page).status_code == 403, page
    index = text(client.get("/meetings"))
    assert "莱茵水岸" not in index


@pytest.mark.parametrize("who", ["committee", "butler", "street", "leader", "admin"])
def test_the_complex_and_the_units_above_open_the_pages(client, ids, who):
    login(client, who)
    for page in pages_of(ids):
        assert client.get(page).status_code == 200, page
    assert "莱茵水岸" in text(client.get("/meetings"))


def test_a_leader_sees_participants_and_numbers_masked(client, ids):
    login(client, "leader")
    page = text(client.get(f"/meetings/{ids['meeting']}"))
    assert "陈**" in page and "陈书记" not in page
    assert "138****5678" in page and "13812345678" not in page
    assert 'id="masked"' in page
    vote = text(client.get(f"/votes/{ids['vote']}"))
    assert "赵**" in vote and "赵太太" not in vote


def test_the_committee_running_the_vote_sees_its_ballots(client, ids):
    login(client, "committee")
    vote = text(client.get(f"/votes/{ids['vote']}"))
    assert "zhao" in vote and "wang" in vote


def test_the_public_notice_board_shows_tallies_without_names_or_ballots(client, ids):
    page = client.get("/notice/rhine")
    assert page.status_code == 200
    body = text(page)
    assert 'id="verdict"' in body
    for secret in ("13812345678", "陈书记", "赵太太", "zhao", "wang"):
        assert secret not in body


def test_writes_outside_the_complex_are_refused(client, ids):
    login(client, "yibin-butler")
    attempts = [
        (f"/meetings/{ids['meeting']}/minutes", {"minutes": "改写"}),
        (f"/votes/{ids['vote']}/ballots", {"voter": "wang", "choice": "for"}),
        (f"/votes/{ids['vote']}/close", {}),
        ("/complexes/rhine/meetings", {"kind": "roundtable", "starts_at": "2026-11-25T19:00"}),
    ]
    for path, form in attempts:
        assert post(client, path, form, page="/meetings").status_code == 403, path
