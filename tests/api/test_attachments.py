"""Photos before and after: read by their content, re-encoded without metadata, size- and
pixel-limited, stored with a thumbnail, listed, served."""

from __future__ import annotations

import io
import time

from PIL import Image

from tests import photos

WEBP_BYTES = io.BytesIO()
Image.new("RGB", (20, 20), (0, 0, 255)).save(WEBP_BYTES, "WEBP")
WEBP = WEBP_BYTES.getvalue()


def upload(client, auth, ref, data, name="photo.png", kind="before"):
    return client.post(f"/api/v1/cases/{ref}/attachments", headers=auth["butler"],
                       data={"kind": kind, "file": (io.BytesIO(data), name)})


def test_a_photo_is_stored_listed_and_served_with_its_thumbnail(client, auth, case, tmp_path):
    response = upload(client, auth, case["ref"], photos.png(size=(800, 600)))
    assert response.status_code == 201
    photo = response.get_json()
    assert photo["content_type"] == "image/png"
    assert list((tmp_path / "attachments").rglob("*.png"))
    upload(client, auth, case["ref"], WEBP, "after.webp", "after")
    listed = client.get(f"/api/v1/cases/{case['ref']}/attachments", headers=auth["butler"])
    assert [(p["kind"], p["content_type"]) for p in listed.get_json()] == [
        ("before", "image/png"), ("after", "image/webp")]
    events = client.get(f"/api/v1/cases/{case['ref']}/events", headers=auth["butler"])
    assert [e["data"].get("kind") for e in events.get_json() if e["action"] == "attach"] == [
        "before", "after"]
    with client.get(photo["url"], headers=auth["butler"]) as served:
        assert served.status_code == 200 and served.mimetype == "image/png"
        assert Image.open(io.BytesIO(served.data)).size == (800, 600)
    with client.get(photo["thumbnail_url"], headers=auth["butler"]) as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
        assert max(Image.open(io.BytesIO(thumb.data)).size) == 320


def test_a_photo_loses_its_location_before_it_is_stored(client, auth, case, tmp_path):
    sent = photos.jpeg_with_gps()
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(photos.GPS_IFD)  # it had one
    photo = upload(client, auth, case["ref"], sent, "IMG_0001.JPG").get_json()
    with client.get(photo["url"], headers=auth["butler"]) as served:
        kept = Image.open(io.BytesIO(served.data))
        assert kept.format == "JPEG"
        assert not kept.getexif().get_ifd(photos.GPS_IFD) and not kept.getexif()
        assert b"PhoneMaker" not in served.data
    for stored in (tmp_path / "attachments").rglob("*.jpg"):
        assert b"PhoneMaker" not in stored.read_bytes()


def test_a_heic_photo_is_kept_as_jpeg(client, auth, case):
    response = upload(client, auth, case["ref"], photos.heic(), "IMG_0002.HEIC")
    assert response.status_code == 201
    assert response.get_json()["content_type"] == "image/jpeg"
    assert response.get_json()["filename"] == "IMG_0002.jpg"


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(client, auth, case):
    response = upload(client, auth, case["ref"], b"<script>alert(1)</script>", "evil.png")
    assert response.status_code == 422 and response.get_json()["field"] == "file"
    truncated = photos.png()[:40]
    response = upload(client, auth, case["ref"], truncated, "cut.png")
    assert response.status_code == 422 and response.get_json()["field"] == "file"


def test_a_photo_over_the_size_limit_is_refused(app, client, auth, case):
    app.config["ATTACHMENT_MAX_BYTES"] = 50
    response = upload(client, auth, case["ref"], photos.png())
    assert response.status_code in (413, 422)


def test_a_decompression_bomb_is_refused_fast_from_its_header(client, auth, case):
    bomb = photos.png_bomb()  # 1.6 gigapixels claimed by a few hundred bytes
    started = time.perf_counter()
    response = upload(client, auth, case["ref"], bomb, "bomb.png")
    assert response.status_code == 422 and "pixels" in response.get_json()["detail"]
    assert time.perf_counter() - started < 1.0


def test_a_missing_file_or_bad_kind_names_the_field(client, auth, case):
    response = client.post(f"/api/v1/cases/{case['ref']}/attachments", headers=auth["butler"],
                           data={"kind": "before"})
    assert response.status_code == 422 and response.get_json()["field"] == "file"
    response = upload(client, auth, case["ref"], photos.png(), kind="during")
    assert response.status_code == 422 and response.get_json()["field"] == "kind"
