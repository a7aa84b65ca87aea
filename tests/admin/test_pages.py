"""Every page renders in Chinese by default and in English by choice."""

from __future__ import annotations

import pytest

from tests.admin.conftest import login, new_case, post, text

STAFF_PAGES = [
    ("butler", "/inbox", "待办", "Inbox"),
    ("butler", "/case", "办理记录", "Timeline"),
    ("dispatcher", "/intake", "登记诉求", "Register a grievance"),
    ("butler", "/account/password", "修改密码", "Change password"),
    ("admin", "/admin/rules/", "当前版本", "Active version"),
    ("admin", "/admin/rules/edit?file=routing.yaml", "检查并启用", "Check and activate"),
    ("admin", "/admin/rules/dry-run", "试运行", "Dry run"),
    ("admin", "/admin/users", "新增用户", "New user"),
    ("admin", "/admin/units", "嘉州新城·莱茵水岸", "Residential complex"),
    ("admin", "/admin/companies", "新增物业服务企业", "New property company"),
]


@pytest.mark.parametrize(("user", "path", "zh", "en"), STAFF_PAGES)
def test_staff_pages_speak_chinese_first_and_english_on_request(app, client, user, path, zh, en):
    ref, _token = new_case(app)
    path = path.replace("/case", f"/cases/{ref}")
    login(client, user)
    chinese = text(client.get(path))
    assert zh in chinese and "English" in chinese
    post(client, "/lang", {"lang": "en", "next": path}, page=path)
    english = text(client.get(path))
    assert en in english and "中文" in english


def test_public_pages_in_both_languages(app, client):
    ref, token = new_case(app)
    for lang, words in (("zh", ["我要反映", "问题类别"]), ("en", ["Report a problem"])):
        client.set_cookie("caseflow_lang", lang)
        page = text(client.get("/report"))
        assert all(word in page for word in words)
        tracked = text(client.get(f"/track/{ref}?token={token}"))
        assert ("待签收" if lang == "zh" else "Submitted") in tracked


def test_the_inbox_shows_the_units_cases_with_their_deadline_colour(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    page = text(client.get("/inbox"))
    assert ref in page and '<tr class="row-on_time">' in page


def test_the_inbox_search_by_reference_opens_the_case(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    response = client.get(f"/inbox?q={ref}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{ref}")


def test_the_inbox_filters_by_state(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    assert ref not in text(client.get("/inbox?state=resolved"))
    assert ref in text(client.get("/inbox?state=submitted&overdue=no"))
