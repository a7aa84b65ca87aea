"""Pages refuse hostile input in the reader's language, fast, and the server stays healthy."""

from __future__ import annotations

import time

from flask.testing import FlaskClient

from tests.admin.conftest import login, text


def test_a_huge_form_is_a_413_page_in_chinese(client: FlaskClient) -> None:
    started = time.perf_counter()
    response = client.post("/login", data=b"x" * (9 * 1024 * 1024),
                           content_type="application/x-www-form-urlencoded")
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 413 and "超过了 8192 kB 的上限" in text(response)
    assert client.get("/healthz").status_code == 200


def test_a_nul_byte_in_a_page_query_is_a_400_page(client: FlaskClient) -> None:
    login(client, "butler")
    response = client.get("/inbox?text=a%00b")
    assert response.status_code == 400 and "无法保存的字符" in text(response)
    assert client.get("/healthz").status_code == 200


def test_open311_answers_a_nul_byte_in_its_own_format(client: FlaskClient) -> None:
    response = client.get("/open311/v2/requests.json?status=open%00")
    assert response.status_code == 400
    [error] = response.get_json()
    assert error["code"] == 400 and "NUL" in error["description"]
