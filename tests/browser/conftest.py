"""A live caseflow with the demo data on SQLite, served in a thread, and a headless Chromium."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from caseflow.app import create_app, runtime_of
from caseflow.db import make_engine
from caseflow.domain.clock import FrozenClock
from caseflow.services import migrations
from caseflow.services.demo import seed_demo
from tests.conftest import RULES_DIR, START

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a running caseflow with the demo seeded (one per test module)."""
    path = tmp_path_factory.mktemp("browser") / "caseflow.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "RULES_DIR": str(RULES_DIR),
                      "CLOCK": FrozenClock(START), "SECRET_KEY": "browser-test"})
    seed_demo(runtime_of(app))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    runtime_of(app).engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless; the tests skip, saying why, where there is none."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_url):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) with a phone-sized-or-larger window."""
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
