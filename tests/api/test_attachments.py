"""Photos before and after: checked by their bytes, size-limited, stored, listed, served."""

from __future__ import annotations

import io

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 50


def upload(client, auth, ref, data, name="photo.png", kind="before"):
    return client.post(f"/api/v1/cases/{ref}/attachments", headers=auth["butler"],
                       data={"kind": kind, "file": (io.BytesIO(data), name)})


def test_a_photo_is_stored_listed_and_served(client, auth, case, tmp_path):
    response = upload(client, auth, case["ref"], PNG)
    assert response.status_code == 201
    photo = response.get_json()
    assert photo["content_type"] == "image/png" and photo["size"] == len(PNG)
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
        assert served.data == PNG


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(client, auth, case):
    response = upload(client, auth, case["ref"], b"<script>alert(1)</script>", "evil.png")
    assert response.status_code == 422 and response.get_json()["field"] == "file"


def test_a_photo_over_the_size_limit_is_refused(app, client, auth, case):
    app.config["ATTACHMENT_MAX_BYTES"] = 50
    response = upload(client, auth, case["ref"], PNG)
    assert response.status_code == 422 and "limit" in response.get_json()["detail"]


def test_a_missing_file_or_bad_kind_names_the_field(client, auth, case):
    response = client.post(f"/api/v1/cases/{case['ref']}/attachments", headers=auth["butler"],
                           data={"kind": "before"})
    assert response.status_code == 422 and response.get_json()["field"] == "file"
    response = upload(client, auth, case["ref"], PNG, kind="during")
    assert response.status_code == 422 and response.get_json()["field"] == "kind"
