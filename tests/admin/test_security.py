"""Forms need their token, roles see only their pages, lockout, cookies and headers."""

from __future__ import annotations

import re
from datetime import timedelta

from caseflow.app import runtime_of
from caseflow.services.cases import get_case
from tests.admin.conftest import PASSWORD, csrf, login, new_case, post, text


def _state(app, ref):
    with runtime_of(app).uow() as uow:
        case = get_case(uow.session, ref)
        return case.state, case.version


def test_a_form_posted_without_its_token_is_refused_and_changes_nothing(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    before = _state(app, ref)
    response = client.post(f"/cases/{ref}/act", data={"action": "accept", "version": "1"})
    assert response.status_code == 400
    assert "未做任何更改" in text(response)
    assert _state(app, ref) == before


def test_signing_in_needs_the_token_too(client):
    response = client.post("/login", data={"username": "butler", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/inbox").status_code == 302


def test_a_caseworker_cannot_open_the_rules_page(client):
    login(client, "butler")
    assert client.get("/admin/rules/").status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_tracking_page_needs_the_right_token(app, client):
    ref, token = new_case(app)
    assert client.get(f"/track/{ref}?token=wrong").status_code == 404
    assert client.get(f"/track/{ref}").status_code == 404
    assert client.get(f"/track/CF-20260101-AAAAAA?token={token}").status_code == 404
    assert client.get(f"/track/{ref}?token={token}").status_code == 200


def test_five_wrong_passwords_lock_the_account_until_an_admin_resets_it(app, client, clock):
    for _ in range(5):
        assert login(client, "butler", "wrong-password").status_code == 401
    refused = login(client, "butler")
    assert refused.status_code == 403 and "登录失败次数过多" in text(refused)
    admin = app.test_client()
    login(admin, "admin")
    post(admin, "/admin/users/butler/password", {"password": "new-password-9"}, "/admin/users")
    assert login(client, "butler", "new-password-9").status_code == 302


def test_the_lockout_ends_by_itself(client, clock):
    for _ in range(5):
        login(client, "butler", "wrong-password")
    clock.advance(timedelta(minutes=16))
    assert login(client, "butler").status_code == 302


def test_a_deactivated_user_cannot_sign_in(app, client):
    admin = app.test_client()
    login(admin, "admin")
    post(admin, "/admin/users/butler/active", {"active": "no"}, "/admin/users")
    assert login(client, "butler").status_code == 401


def test_changing_ones_password(client):
    login(client, "butler")
    response = post(client, "/account/password",
                    {"old": PASSWORD, "new": "another-pass-1", "repeat": "another-pass-1"})
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf(client, "/inbox")})
    assert login(client, "butler", "another-pass-1").status_code == 302


def test_pages_carry_strict_headers_and_safe_cookies(client):
    cookie = login(client, "butler").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    response = client.get("/inbox")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_carries_inline_script_or_style(app, client):
    ref, _token = new_case(app)
    login(client, "admin")
    for path in ("/inbox", f"/cases/{ref}", "/admin/rules/", "/admin/rules/dry-run", "/report"):
        page = text(client.get(path))
        # Scripts come from /static only (the case page's composer.js), never inline.
        scripts = re.findall(r"<script[^>]*>", page)
        assert all(re.search(r'src="/static/[\w.-]+\.js"', tag) for tag in scripts), scripts
        assert "style=" not in page and "<style" not in page
