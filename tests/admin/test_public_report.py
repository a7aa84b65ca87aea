"""The resident's report form: errors beside their fields with what was typed kept, in the
page's language; photos stored without their location, with thumbnails on every page."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image

from caseflow.app import runtime_of
from caseflow.models import Case
from caseflow.services.attachments import list_attachments
from caseflow.services.cases import get_case
from tests import photos
from tests.admin.conftest import csrf, login, text

FORM = {"unit": "rhine-b3", "category": "noise", "title": "快递柜夜间噪音扰民",
        "description": "每晚十一点后还在响", "name": "刘女士", "phone": "13800000001"}


@pytest.fixture(autouse=True)
def photo_store(app, tmp_path):
    """Photos under tmp_path, two per report, each at most 1 MB."""
    app.config.update(ATTACHMENTS_DIR=str(tmp_path / "photos"), PHOTOS_PER_REPORT=2,
                      ATTACHMENT_MAX_BYTES=1024 * 1024)


def report(client, form, files=(), page="/report"):
    data = {**form, "csrf_token": csrf(client, page),
            "photos": [(io.BytesIO(data), name) for name, data in files]}
    return client.post("/report", data=data, content_type="multipart/form-data")


def ref_of(page: str) -> str:
    return re.search(r'id="ref">([^<]+)<', page).group(1)


def test_a_bad_report_keeps_what_was_typed_and_says_beside_each_field_what_is_wrong(client):
    response = report(client, {**FORM, "phone": "abc", "title": ""})
    assert response.status_code == 422
    page = text(response)
    assert "每晚十一点后还在响" in page and 'value="刘女士"' in page  # nothing typed is lost
    assert '<option value="rhine-b3" selected>' in page
    phone_error = re.search(r'id="phone-error"[^>]*>([^<]+)<', page).group(1)
    title_error = re.search(r'id="title-error"[^>]*>([^<]+)<', page).group(1)
    assert "电话号码" in phone_error and "请填写" in title_error
    assert 'aria-describedby="phone-error"' in page
    assert "is not a phone number" not in page and "返回" not in page


def test_the_errors_are_in_english_on_the_english_page(client):
    client.set_cookie("caseflow_lang", "en")
    page = text(report(client, {**FORM, "phone": "abc", "unit": ""}))
    assert "Please give a phone number" in page
    assert re.search(r'id="unit-error"[^>]*>Please choose your complex', page)


def test_a_report_with_photos_strips_their_location_and_shows_thumbnails(app, client):
    response = report(client, FORM, [("IMG_0001.JPG", photos.jpeg_with_gps()),
                                     ("IMG_0002.HEIC", photos.heic())])
    assert response.status_code == 201
    page = text(response)
    ref = ref_of(page)
    thumbs = re.findall(r'<img src="([^"]+/thumbnail)"', page)
    assert len(thumbs) == 2
    with client.get(thumbs[0]) as thumb:  # the session proved the case: no link needed
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        case = get_case(uow.session, ref)
        stored = list_attachments(uow, case.id)
    assert [(a.kind, a.content_type) for a in stored] == [("report", "image/jpeg")] * 2
    for attachment in stored:
        with Image.open(attachment.stored_path) as kept:
            assert not kept.getexif().get_ifd(photos.GPS_IFD)
            assert not kept.getexif()
        with open(attachment.stored_path, "rb") as raw:
            assert b"PhoneMaker" not in raw.read()


def test_too_many_photos_or_a_bomb_re_show_the_form_without_storing_anything(app, client):
    started = time.perf_counter()
    response = report(client, FORM, [("bomb.png", photos.png_bomb())])
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'id="photos-error"[^>]*>[^<]*像素', page)
    assert "请重新选择照片" in page and "快递柜夜间噪音扰民" in page
    three = [(f"{n}.png", photos.png((n, n, n))) for n in range(3)]
    page = text(report(client, FORM, three))
    assert re.search(r'id="photos-error"[^>]*>[^<]*2', page)
    with runtime_of(app).uow() as uow:
        assert uow.session.query(Case).count() == 0


def test_a_photo_over_the_byte_limit_is_refused_beside_the_field(app, client):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    page = text(report(client, FORM, [("big.png", photos.png(size=(400, 400)))]))
    assert re.search(r'id="photos-error"[^>]*>[^<]*MB', page)


def test_a_body_over_the_report_limit_is_refused_before_it_is_read(app, client):
    app.config["REPORT_MAX_BYTES"] = 10_000
    data = {**FORM, "csrf_token": csrf(client, "/report"),
            "photos": [(io.BytesIO(b"\xff" * 200_000), "huge.jpg")]}
    response = client.post("/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_case_page_shows_the_residents_photos_as_thumbnails(app, client):
    ref = ref_of(text(report(client, FORM, [("a.png", photos.png())])))
    staff = app.test_client()
    login(staff, "butler")
    page = text(staff.get(f"/cases/{ref}"))
    thumbs = re.findall(r'<img src="(/cases/[^"]+/thumbnail)"', page)
    assert len(thumbs) == 1 and "居民上传的照片" in page
    with staff.get(thumbs[0]) as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    # Someone without the proof sees nothing of it.
    with app.test_client().get(thumbs[0].replace("/cases/", "/track/")) as other:
        assert other.status_code == 404
