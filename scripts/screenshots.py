"""Save screenshots of the main pages to docs/screenshots/ (demo data, headless Chromium).

    .venv/bin/python scripts/screenshots.py [--lang zh|en] [--out docs/screenshots]

Seeds the demo into a temporary SQLite database with the clock frozen at Monday
2026-11-23 09:00 Beijing time, serves caseflow on 127.0.0.1 and drives Debian's chromium.
Chinese needs a CJK font, or every character is a box: the script checks `fc-list :lang=zh`
first and stops, naming the Debian package (fonts-noto-cjk), when there is none.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caseflow.app import create_app, runtime_of  # noqa: E402
from caseflow.db import make_engine  # noqa: E402
from caseflow.domain.clock import FrozenClock  # noqa: E402
from caseflow.services import migrations  # noqa: E402
from caseflow.services.demo import ADMIN_PASSWORD, DEMO_PASSWORD, seed_demo  # noqa: E402
from caseflow.services.demo_joint import seed_joint_demo  # noqa: E402
from caseflow.services.meetings_demo import seed_meetings_demo  # noqa: E402

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


def serve(directory: Path) -> tuple[str, object]:
    """A caseflow with the demo data on a free port; returns its address and the server."""
    url = f"sqlite:///{directory / 'caseflow.sqlite'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "CLOCK": FrozenClock(NOW), "SECRET_KEY": "shots"})
    runtime = runtime_of(app)
    seed_demo(runtime, progress=lambda label: None)
    seed_meetings_demo(runtime)  # what `caseflow seed-demo` adds after the cases
    seed_joint_demo(runtime)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


FONT_PACKAGE = "fonts-noto-cjk"


def cjk_font() -> str:
    """The first font fontconfig offers for Chinese; exits naming the package when none."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        sys.exit(f"fc-list not found: apt-get install fontconfig {FONT_PACKAGE}")
    listed = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,  # noqa: S603
                            check=False).stdout.split("\n")
    families = sorted(line.split(",")[0].strip() for line in listed if line.strip())
    if not families:
        sys.exit(f"no CJK font (fc-list :lang=zh is empty): Chinese would render as boxes. "
                 f"Install Debian's {FONT_PACKAGE}: apt-get install {FONT_PACKAGE}")
    return families[0]


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the form."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main form >> button[type=submit]")


def shoot(page: Page, out: Path, name: str, full: bool = False) -> None:
    """One PNG of the current page."""
    page.screenshot(path=str(out / f"{name}.png"), full_page=full)
    print(out / f"{name}.png")


TOUR = {"lang": "zh", "base": ""}  # set by main(); the tour clears cookies between users


def lang_cookie(page: Page) -> None:
    """Keep the chosen language across the cleared sessions of the tour."""
    page.context.add_cookies([{"name": "caseflow_lang", "value": TOUR["lang"],
                               "url": TOUR["base"]}])


def tour(page: Page, out: Path) -> None:
    """Visit the main pages as the people who use them."""
    lang_cookie(page)
    page.goto("/login")
    shoot(page, out, "login")
    page.goto("/report")
    page.select_option("#unit", label="嘉州新城·莱茵水岸")
    page.select_option("#category", value="noise")
    page.fill("#title", "快递柜半夜提示音太吵")
    page.fill("#description", "3栋楼下的快递柜每晚十一点后还在提示音，影响休息。")
    page.fill("#name", "王先生")
    page.fill("#phone", "13900000002")
    shoot(page, out, "report", full=True)
    page.click("#submit-report")  # not a "me too" button of a similar open report
    link = page.get_attribute("#track-link", "href") or ""
    ref = page.inner_text("#ref")
    sign_in(page, "butler.rhine", DEMO_PASSWORD)
    shoot(page, out, "inbox", full=True)
    page.goto(f"/cases/{ref}")
    shoot(page, out, "case", full=True)
    other = page.context.new_page()  # a second tab on the same case, left open
    other.goto(f"/cases/{ref}")
    for action in ("accept", "start", "resolve"):
        page.check(f"#act-form input[name=action][value={action}]")
        page.click("#act-submit")
    other.check("#act-form input[name=action][value=comment]")
    other.fill("#note", "已电话联系王先生，约明早九点上门查看快递柜")
    other.click("#act-submit")
    shoot(other, out, "case-conflict", full=True)
    other.close()
    page.context.clear_cookies()
    lang_cookie(page)
    page.goto(link)
    shoot(page, out, "tracking", full=True)
    page.context.clear_cookies()
    lang_cookie(page)
    sign_in(page, "dispatch.baiyang", DEMO_PASSWORD)
    page.goto("/intake")
    shoot(page, out, "intake")
    page.context.clear_cookies()
    lang_cookie(page)
    sign_in(page, "admin", ADMIN_PASSWORD)
    page.goto("/admin/rules/")
    shoot(page, out, "rules")
    page.goto("/admin/rules/edit?file=layers.yaml")
    page.fill("#text", page.input_value("#text").replace("name_zh:", "name_zh: [", 1))
    page.click("button[value=check]")
    shoot(page, out, "rules-check")
    page.goto("/admin/rules/dry-run")
    page.select_option("#category", value="noise")
    page.select_option("#unit", label="嘉州新城·莱茵水岸")
    page.check("input[name=elderly]")
    page.click("main form >> button[type=submit]")
    shoot(page, out, "rules-dry-run", full=True)
    page.goto("/admin/units")
    shoot(page, out, "units")
    _accountability(page, out)


def _accountability(page: Page, out: Path) -> None:
    """The leader's landing page, a department's inbox, a joint meeting's agenda, an opinion
    campaign and the public ratings."""
    for username, path, name in (
        ("leader.shizhong", "/dashboard/", "dashboard"),
        ("chengguan.shizhong", "/inbox", "department-inbox"),
        ("lead.jiazhou", "/joint-meetings", "joint-meetings"),
        ("lead.guojiaao", "/campaigns", "campaigns"),
    ):
        page.context.clear_cookies()
        lang_cookie(page)
        sign_in(page, username, DEMO_PASSWORD)
        page.goto(path)
        if name == "joint-meetings":  # its next sitting's agenda
            page.click("main a[href*='/agenda']")
            name = "agenda"
        elif name == "campaigns":
            page.click("main table a")
            name = "campaign"
        shoot(page, out, name, full=True)
    page.context.clear_cookies()
    lang_cookie(page)
    page.goto("/ratings")
    shoot(page, out, "ratings", full=True)


def main() -> None:
    """Parse the arguments, serve, and take the pictures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args()
    print(f"CJK font: {cjk_font()} (Debian package {FONT_PACKAGE})")
    args.out.mkdir(parents=True, exist_ok=True)
    TOUR["lang"] = args.lang
    with tempfile.TemporaryDirectory() as tmp:
        base, server = serve(Path(tmp))
        TOUR["base"] = base
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860},
                                          locale="zh-CN")
            tour(context.new_page(), args.out)
            browser.close()
        server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
