"""The outbox over the API: administrators list messages and replay dead ones."""

from __future__ import annotations

from sqlalchemy import update

from caseflow.models import OutboxMessage
from tests.api.conftest import app, auth, case, client, runtime, users  # noqa: F401 (fixtures)


def test_admins_list_and_replay_dead_messages(client, auth, case, runtime):  # noqa: F811
    with runtime.uow() as uow:
        uow.session.execute(update(OutboxMessage).values(status="dead", last_error="HTTP 500"))
        uow.commit()
    listed = client.get("/api/v1/outbox?status=dead", headers=auth["admin"])
    assert listed.status_code == 200
    [message] = listed.get_json()["messages"]
    assert message["kind"] == "submitted" and message["last_error"] == "HTTP 500"
    replayed = client.post("/api/v1/outbox/replay", json={"ids": [message["id"]]},
                           headers=auth["admin"])
    assert replayed.get_json() == {"replayed": 1}
    assert client.get("/api/v1/outbox?status=dead", headers=auth["admin"]).get_json() == {
        "messages": []}


def test_only_admins_see_the_outbox_and_replay_needs_a_target(client, auth, users):  # noqa: F811
    assert client.get("/api/v1/outbox", headers=auth["butler"]).status_code == 403
    assert client.get("/api/v1/outbox").status_code == 401
    empty = client.post("/api/v1/outbox/replay", json={}, headers=auth["admin"])
    assert empty.status_code == 422
