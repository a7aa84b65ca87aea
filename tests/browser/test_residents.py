"""A resident on a phone (390×844): reports with a photo, follows the case by reference and
the last four digits of the phone; another adds their voice to a similar open report."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.serving import make_server

from caseflow.app import create_app, runtime_of
from caseflow.db import make_engine
from caseflow.domain.clock import FrozenClock
from caseflow.services import migrations
from caseflow.services.demo import seed_demo
from tests.conftest import RULES_DIR, START

pytestmark = pytest.mark.xdist_group("browser")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo served in a thread, its photos kept in a temporary folder."""
    folder = tmp_path_factory.mktemp("residents")
    url = f"sqlite:///{folder / 'caseflow.sqlite'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "RULES_DIR": str(RULES_DIR),
                      "CLOCK": FrozenClock(START), "SECRET_KEY": "browser-test",
                      "ATTACHMENTS_DIR": str(folder / "photos")})
    seed_demo(runtime_of(app))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    runtime_of(app).engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def phone(browser, live_url):  # type: ignore[no-untyped-def]
    """A new phone-sized browser (no cookies); more with phone.new()."""
    contexts = []

    def new():  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_url, viewport=PHONE, is_mobile=True,
                                      has_touch=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


def a_photo(path: Path) -> Path:
    """A JPEG as a phone takes it: with the place it was taken in its EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (29.0, 34.0, 55.0), 3: "E", 4: (103.0, 45.0, 36.0)}
    Image.new("RGB", (1200, 900), (180, 90, 40)).save(path, "JPEG", exif=exif.tobytes())
    return path


def fill_report(page, title: str, phone_number: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/report")
    page.select_option("#unit", label="嘉州新城·莱茵水岸")
    page.select_option("#category", value="noise")
    page.fill("#title", title)
    page.fill("#description", "每晚十一点后快递柜还在响提示音")
    page.fill("#name", "刘女士")
    page.fill("#phone", phone_number)


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_resident_reports_with_a_photo_and_follows_it_by_reference_and_phone(
        phone, tmp_path):  # type: ignore[no-untyped-def]
    page = phone()
    fill_report(page, "快递柜夜里一直响", "13800005678")
    page.fill("#phone", "abc")
    page.click("#submit-report")
    assert "请填写能回访您的电话号码" in page.inner_text("#phone-error")
    assert page.input_value("#title") == "快递柜夜里一直响"  # what was typed is kept
    assert fits(page)
    page.fill("#phone", "13800005678")
    page.set_input_files("#photos", str(a_photo(tmp_path / "IMG_0001.jpg")))
    page.click("#submit-report")
    ref = page.inner_text("#ref")
    assert page.locator(".thumbs img").count() == 1
    assert fits(page)

    later = phone()  # another day, another browser: no link, only the reference
    later.goto("/track")
    later.fill("#ref", ref)
    later.fill("#phone_last4", "0000")
    later.click("main form >> button[type=submit]")
    assert "没有与该编号和手机号相符的诉求" in later.inner_text("#ref-error")
    later.fill("#phone_last4", "5678")
    later.click("main form >> button[type=submit]")
    assert later.inner_text("h1").startswith(ref)
    assert later.inner_text("#category") == "噪音扰民"
    assert "快递柜还在响" in later.inner_text("#description")
    assert later.inner_text("#state") == "待签收"
    assert later.locator("[id^=expected-]").count() >= 1
    thumb = later.locator(".thumbs img")
    thumb.wait_for()
    assert later.evaluate("img => img.complete && img.naturalWidth", thumb.element_handle())
    with later.expect_response(lambda r: "/photos/" in r.url and "thumbnail" not in r.url) as got:
        later.click(".thumbs a")
    photo = Image.open(io.BytesIO(got.value.body()))
    assert photo.size == (1200, 900) and not photo.getexif().get_ifd(0x8825)
    later.go_back()
    assert fits(later)


def test_a_resident_adds_their_voice_to_a_similar_report(phone):  # type: ignore[no-untyped-def]
    first = phone()
    fill_report(first, "快递柜提示音半夜吵醒老人", "13900001111")
    first.click("#submit-report")
    ref = first.inner_text("#ref")

    neighbour = phone()
    neighbour.goto("/report")
    neighbour.select_option("#unit", label="嘉州新城·莱茵水岸")
    neighbour.select_option("#category", value="noise")
    similar = neighbour.locator(f"#similar-{ref}")
    similar.wait_for()  # fetched while the form is filled in
    assert "已有人反映" in neighbour.inner_text("#similar")
    assert fits(neighbour)
    neighbour.fill("#name", "王先生")
    neighbour.fill("#phone", "13700002222")
    similar.locator("button").click()
    assert neighbour.inner_text("h1") == "附议成功"
    assert neighbour.inner_text("#ref") == ref

    again = phone()
    again.goto("/report")
    again.select_option("#unit", label="嘉州新城·莱茵水岸")
    again.select_option("#category", value="noise")
    assert "已有 1 位居民附议" in again.locator(f"#similar-{ref}").inner_text()
