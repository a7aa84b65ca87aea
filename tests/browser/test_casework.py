"""Casework in a real browser: a stale action keeps its text, the inbox finds a caller, a
likely duplicate is shown and unlinked."""

from __future__ import annotations

import pytest

from tests.browser.test_journeys import act, sign_in

pytestmark = pytest.mark.xdist_group("browser")


def report(page, title: str, name: str, phone: str) -> str:  # type: ignore[no-untyped-def]
    """A resident reports noise at the Rhine complex; returns the reference."""
    page.goto("/report")
    page.select_option("#unit", label="嘉州新城·莱茵水岸")
    page.select_option("#category", value="noise")
    page.fill("#title", title)
    page.fill("#name", name)
    page.fill("#phone", phone)
    page.click("#submit-report")  # not a "me too" button of a similar report
    return page.inner_text("#ref")


def test_a_stale_action_in_a_second_tab_keeps_its_text_and_says_what_changed(page):
    ref = report(page, "广场舞音响太吵", "赵女士", "13900007001")
    sign_in(page, "butler.rhine")
    other = page.context.new_page()  # the same signed-in browser, a second tab
    page.goto(f"/cases/{ref}")
    other.goto(f"/cases/{ref}")
    act(page, "accept")  # the first tab acts
    assert "已签收" in page.inner_text("table")

    other.check("#act-form input[name=action][value=comment]")
    other.fill("#note", "已电话联系业主，约明早上门")
    other.check("#act-form input[name=visibility][value=public]")
    other.click("#act-submit")
    assert "此诉求已被他人更新" in other.inner_text("#problem")
    assert "签收" in other.inner_text("#changed-since")
    assert other.input_value("#note") == "已电话联系业主，约明早上门"
    assert other.is_checked("#act-form input[name=action][value=comment]")
    assert other.is_checked("#act-form input[name=visibility][value=public]")
    other.click("#act-submit")  # sent again, on the version now shown
    assert "已电话联系业主，约明早上门" in other.inner_text(".timeline")


def test_the_composer_shows_only_the_chosen_actions_fields_and_confirms_the_irreversible(page):
    ref = report(page, "楼道灯不亮", "钱先生", "13900007002")
    sign_in(page, "butler.rhine")
    page.goto(f"/cases/{ref}")
    page.check("#act-form input[name=action][value=accept]")
    assert page.locator("fieldset.action-fields:visible").count() == 0
    page.check("#act-form input[name=action][value=return]")
    page.fill("#note", "不属于物业职责")
    page.click("#act-submit")
    assert "不可撤销" in page.inner_text("#confirm-step")
    assert page.input_value("#note") == "不属于物业职责"
    page.click("#confirm")
    assert "已完成" in page.inner_text("main") or page.url.endswith(ref)


def test_the_inbox_finds_a_case_by_the_callers_phone_and_name(page):
    ref = report(page, "电梯异响", "孙大爷", "13900004321")
    # The community's grid worker: repeated reports at one place may be routed above the
    # property office, and the community's area holds them wherever they are.
    sign_in(page, "grid.jiazhou")
    for query in ("4321", "13900004321", "孙大爷"):
        page.goto("/inbox")
        page.fill("input[name=q]", query)
        page.click("form[role=search] >> button[type=submit]")
        assert ref in page.inner_text("#inbox"), query


def test_a_likely_duplicate_is_shown_and_unlinked(page):
    report(page, "快递柜提示音扰民", "周先生", "13900007003")
    second = report(page, "快递柜提示音又响了", "吴女士", "13900007004")
    sign_in(page, "grid.jiazhou")
    page.goto("/inbox?q=快递柜提示音又响了")
    assert "疑似重复" in page.inner_text(f"#inbox tr:has-text('{second}')")
    page.goto(f"/inbox?q={second}")  # a reference opens the case
    # The oldest open noise report there: the first, or one an earlier test left open.
    assert "快递柜提示音又响了" in page.inner_text("h1")
    assert "CF-" in page.inner_text("#duplicate") and second not in page.inner_text("#duplicate")
    page.click("#unlink-duplicate")
    assert page.locator("#duplicate").count() == 0
    assert "不是重复" in page.inner_text(".timeline")
