"""Bearer tokens: stored hashed, expiring, revocable, their use recorded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseflow.models import ApiToken
from caseflow.services import tokens


def test_tokens_are_stored_hashed_and_their_use_is_recorded(client, runtime, users, clock):
    with runtime.uow() as uow:
        _, secret = tokens.issue_token(uow, users["butler"], runtime.now(), days=1)
    clock.advance(timedelta(minutes=5))
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"}).status_code \
        == 200
    with runtime.uow() as uow:
        stored = uow.session.scalars(select(ApiToken)).one()
    assert stored.token_hash != secret and secret not in stored.token_hash
    assert stored.last_used_at == runtime.now()


def test_an_expired_or_revoked_token_is_refused(client, runtime, users, clock):
    with runtime.uow() as uow:
        old, expiring = tokens.issue_token(uow, users["butler"], runtime.now(), days=1)
        other, revoked = tokens.issue_token(uow, users["butler"], runtime.now(), days=1)
        tokens.revoke_token(uow, other.id, runtime.now())
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {revoked}"})
    assert response.status_code == 401 and "revoked" in response.get_json()["detail"]
    clock.advance(timedelta(days=1, seconds=1))
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {expiring}"})
    assert response.status_code == 401 and "expired" in response.get_json()["detail"]


def test_password_guessing_is_rate_limited(app, client, users):
    app.extensions["caseflow_limiter"].reset()
    statuses = {
        client.post("/api/v1/auth/token", json={"username": "butler", "password": "x"}).status_code
        for _ in range(25)
    }
    # Wrong passwords, then the address's lockout (403), then the rate limit (429).
    assert statuses == {401, 403, 429}
