"""Real-browser checks for leaders and for every page of the navigation bar:
- a district leader lands on the overview and, from an overdue count, opens exactly the
  cases it counted;
- every page each demo role reaches from the bar fits a 1366 px desk and a 390 px phone
  (wide tables scroll inside their own box, not the page). The pages come from the bar's
  definition (caseflow.admin.nav.NAV), so pages added later are checked too.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from caseflow.admin.nav import entries_for
from caseflow.app import create_app
from caseflow.services.demo import ADMIN_PASSWORD, DEMO_PASSWORD, DEMO_USERS
from tests.browser.test_journeys import sign_in
from tests.conftest import RULES_DIR

pytestmark = pytest.mark.xdist_group("browser")
VIEWPORTS = ({"width": 1366, "height": 900}, {"width": 390, "height": 844})
# One demo user of each role that signs in to pages (residents follow their case by link).
ROLES = {role: username for username, _, role, _ in reversed(DEMO_USERS)
         if role != "resident"}


def nav_pages(role: str | None) -> list[str]:
    """The paths the bar links to for a role (None: a visitor who has not signed in)."""
    app = create_app({"DATABASE_URL": "sqlite://", "RULES_DIR": str(RULES_DIR),
                      "SECRET_KEY": "nav"})
    user = SimpleNamespace(is_authenticated=role is not None, role=role)
    with app.test_request_context():
        return [app.url_for(entry.endpoint) for entry in entries_for(user)]


def _width(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desk", "phone"])
def test_every_page_of_the_bar_fits_the_screen_for_every_role(browser, live_url, viewport):
    too_wide = []
    checked = 0
    for role in [None, *sorted(ROLES)]:
        context = browser.new_context(base_url=live_url, viewport=viewport)
        context.set_default_timeout(10_000)
        page = context.new_page()
        if role is not None:
            sign_in(page, ROLES[role], ADMIN_PASSWORD if role == "admin" else DEMO_PASSWORD)
            assert "/login" not in page.url, role
        pages = nav_pages(role)
        assert pages, role
        if role is None:
            page.goto(pages[0])
        shown = [page.get_attribute(f"nav.nav a >> nth={n}", "href")
                 for n in range(page.locator("nav.nav a").count())]
        assert shown == pages, role  # the bar on screen is the bar's definition
        for path in pages:
            response = page.goto(path)
            assert response is not None and response.status == 200, (role, path)
            checked += 1
            if _width(page) > viewport["width"]:
                too_wide.append(f"{role or 'visitor'} {path}: {_width(page)} px")
        context.close()
    assert checked >= 2 * len(ROLES)
    assert not too_wide, "\n".join(too_wide)


def test_a_leader_drills_from_an_overdue_count_to_the_cases(page):
    sign_in(page, ROLES["leader"])
    assert page.url.endswith("/dashboard/")  # a leader's home is the overview
    cells = page.locator("#by-unit td[data-figure=overdue] a")
    counts = [int(cells.nth(n).inner_text()) for n in range(cells.count())]
    assert max(counts) > 0  # the demo has overdue cases in the district
    biggest = counts.index(max(counts))
    unit = page.locator("#by-unit tr[data-unit]").nth(biggest).get_attribute("data-unit")
    cells.nth(biggest).click()
    assert "/inbox" in page.url and "overdue=yes" in page.url
    rows = page.locator("#inbox tbody tr[class^=row-]")
    assert rows.count() == counts[biggest], unit
    assert page.locator("#inbox tbody tr.row-overdue").count() == counts[biggest]
    assert page.locator("#figure-filters").is_visible()
    # The total tile opens the district's overdue cases, as many as it says.
    page.go_back()
    total = int(page.inner_text("#now [data-figure=overdue]"))
    page.click("#now [data-figure=overdue] a")
    assert page.locator("#inbox tbody tr[class^=row-]").count() == total


def test_the_unit_picker_finds_a_unit_by_name(page):
    sign_in(page, ROLES["leader"])
    page.goto("/dashboard/rates")
    assert page.locator("select#unit").is_hidden()  # the script replaced it with a search
    page.fill("#unit-search", "柏杨")
    # Focusing the box lists the whole area; then the answer to the typed name replaces it.
    page.wait_for_function("""() => {
        const found = [...document.querySelectorAll('#unit-options li[role=option]')];
        return found.length > 0 && found.every(li => li.firstChild.textContent.includes('柏杨'));
    }""")
    option = page.locator("#unit-options li[role=option]").first
    option.dispatch_event("mousedown")
    code = page.input_value("select#unit")
    assert code
    page.click("form.filters button[type=submit]")
    assert re.search(rf"[?&]unit={re.escape(code)}(&|$)", page.url)
    assert page.input_value("#unit-search").startswith("柏杨")
