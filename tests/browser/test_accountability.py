"""On a 390 px phone: the published ratings and a month of 双晒 accounts, reached from the
navigation in Chinese and English, with wide tables scrolling inside their box."""

from __future__ import annotations

import pytest


@pytest.fixture
def phone(browser, live_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _fits(phone) -> None:  # type: ignore[no-untyped-def]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_ratings_and_accounts_are_reached_from_the_navigation_on_a_phone(phone):
    phone.goto("/report")
    phone.click("nav >> text=物业考评")
    assert "里水镇" in phone.inner_text("h1")
    assert phone.locator("#red-list li").count() == 9
    assert phone.locator("#units tbody tr").count() == 39
    assert phone.locator("#companies tbody tr").count() > 0
    _fits(phone)
    phone.click("text=English")
    phone.click("nav >> text=Public accounts")
    phone.click("text=华熙LIVE·528锦都")
    phone.locator("#content a, main li a").first.click()
    assert "Remuneration system" in phone.inner_text("#remuneration")
    assert phone.locator("#ledger tbody tr").count() == 11
    _fits(phone)
    phone.goto("/rate")
    phone.fill("#code", "NOSUCH")
    phone.click("button[type=submit] >> text=Continue")
    assert phone.locator("#code-error").is_visible()
    _fits(phone)
