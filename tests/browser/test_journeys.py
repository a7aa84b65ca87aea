"""Real-browser journeys: a resident reports, a caseworker resolves, the resident evaluates."""

from __future__ import annotations

import re

import pytest

from caseflow.services.demo import ADMIN_PASSWORD, DEMO_PASSWORD

# One worker runs them all under `--dist loadgroup`: the module's server and Chromium start
# once, not on each worker. (pytest-xdist 3.8 sets a node id pytest 9 no longer reads, so
# for now they may still be spread; each worker then starts its own, which is only slower.)
pytestmark = pytest.mark.xdist_group("browser")


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main form >> button[type=submit]")


def act(page, action: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
    """Choose the action in the case page's composer, write the note, send."""
    page.check(f"#act-form input[name=action][value={action}]")
    if note:
        page.fill("#note", note)
    page.click("#act-submit")


def test_a_case_goes_from_report_to_evaluation(page):
    page.goto("/report")
    page.select_option("#unit", label="嘉州新城·莱茵水岸")
    page.select_option("#category", value="noise")
    page.fill("#title", "快递柜半夜提示音太吵")
    page.fill("#name", "王先生")
    page.fill("#phone", "13900000002")
    page.click("#submit-report")  # the form also offers "me too" on similar open reports
    ref = page.inner_text("#ref")
    link = page.get_attribute("#track-link", "href")

    sign_in(page, "butler.rhine")
    page.fill("input[name=q]", ref)
    page.click("form[role=search] >> button[type=submit]")
    assert page.inner_text("h1").startswith(ref)
    act(page, "accept")
    act(page, "start")
    act(page, "resolve", "已将快递柜夜间提示音关闭")
    assert "已办结" in page.inner_text("table")

    page.goto(link)
    page.check("input[value=satisfied]")
    page.select_option("#resolution", "5")
    page.click("main form >> button[type=submit] >> text=评价")
    assert page.inner_text("#state") == "已结案"


def test_a_broken_rule_file_is_refused_with_its_line(page):
    sign_in(page, "admin", ADMIN_PASSWORD)
    page.goto("/admin/rules/edit?file=layers.yaml")
    text = page.input_value("#text")
    page.fill("#text", text.replace("name_zh:", "name_zh: [", 1))
    page.click("button[value=activate]")
    result = page.inner_text("#check-result")
    assert "未启用" in result and re.search(r"第 \d+ 行", result)
    assert page.locator("tr.has-issue").count() >= 1


def test_the_language_switch_is_on_every_page(page):
    page.goto("/login")
    assert page.inner_text("h1") == "登录"
    page.click("text=English")
    assert page.inner_text("h1") == "Sign in"
    page.goto("/report")
    assert page.inner_text("h1") == "Report a problem"
    page.click("text=中文")
    assert page.inner_text("h1") == "我要反映"
