"""部门解题 in a real browser, on the demo: the street's dispatch waits in 城管's inbox, the
department caseworker gives its result, the street confirms it and resolves the case."""

from __future__ import annotations

import pytest

from tests.browser.test_journeys import act, sign_in

pytestmark = pytest.mark.xdist_group("browser")

TITLE = "小区北门流动摊贩占道经营，油烟和垃圾扰民"
HOARDING = "小区南门外工地围挡被风吹倒，压住人行道"


def dispatch_act(page, action: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
    form = page.locator(f"#dispatches form:has(input[name=action][value={action}])")
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()


def test_a_department_caseworker_reads_its_inbox_and_gives_its_result(page):
    sign_in(page, "chengguan.shizhong")
    row = page.locator("#inbox tr", has_text=TITLE)
    assert row.count() == 1
    # Exactly what the street sent to 城管 (the hoarding it fixed waits for the resident);
    # none of the complex's cases that stayed territorial.
    titles = {text.split(" ")[0] for text in page.locator("#inbox tbody td:nth-child(2)")
              .all_inner_texts()}
    assert titles == {TITLE, HOARDING}
    assert "待部门签收" in row.inner_text() and "结果已确认" in page.locator(
        "#inbox tr", has_text=HOARDING).inner_text()
    row.locator("a.ref").click()
    ref = page.inner_text("h1 .ref")
    panel = page.inner_text("#dispatches")
    assert "市中区综合行政执法局（城管）" in panel and "请清理北门外占道烧烤摊" in panel
    assert "待部门签收" in panel
    # The department acts on its dispatch only; the case's own actions are the street's.
    assert page.locator("#act-form input[name=action][value=resolve]").count() == 0
    dispatch_act(page, "dispatch_accept")
    assert "部门办理中" in page.inner_text("#dispatches")
    dispatch_act(page, "dispatch_resolve", "已清理占道摊点，每日傍晚安排巡查")
    panel = page.inner_text("#dispatches")
    assert "已反馈结果，待属地确认" in panel and "已清理占道摊点" in panel

    # The street, still responsible, confirms the result and resolves the case.
    sign_in(page, "officer.baiyang")
    page.goto(f"/cases/{ref}")
    dispatch_act(page, "confirm_dispatch")
    assert "结果已确认" in page.inner_text("#dispatches")
    act(page, "resolve", "城管已清理占道摊点并建立常态巡查")
    assert "已办结" in page.inner_text("table")

    # Another department of the district reads nothing of it.
    sign_in(page, "zhujian.shizhong")
    assert page.locator("#inbox tr", has_text=TITLE).count() == 0
    answer = page.goto(f"/cases/{ref}")
    assert answer is not None and answer.status == 403
