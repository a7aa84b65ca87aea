"""Open311 photos: multipart `media` parts and `media_url` become attachments of the case
(or wait with a report nobody could place), cleaned of their metadata like any photo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from PIL import Image

from caseflow.models import User
from caseflow.services import attachments, intake_requests
from caseflow.services.runtime import Runtime
from tests import photos
from tests.open311.test_dispatch import unplaced, waiting
from tests.open311.test_write import form, stored

URL = "https://img.example.cn/tiles/1.jpg"


@pytest.fixture(autouse=True)
def photo_dir(app: Flask, tmp_path: Path) -> Path:
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "photos")
    return tmp_path / "photos"


def post_media(server: str, body: dict[str, Any], files: list[tuple[str, bytes]]
               ) -> requests.Response:
    parts = [("media", (name, data, "application/octet-stream")) for name, data in files]
    return requests.post(f"{server}/requests.json", data=body, files=parts, timeout=10)


def test_multipart_media_and_media_url_become_the_cases_attachments(
    server: str, rt: Runtime, api_key: str
) -> None:
    answer = post_media(server, form(api_key, media_url=URL),
                        [("IMG_1.JPG", photos.jpeg_with_gps())])
    assert answer.status_code == 201, answer.text
    case = stored(rt, answer.json()[0]["service_request_id"])
    assert "图片：" not in case.description  # the link is an attachment, not text
    with rt.uow() as uow:
        kept = attachments.list_attachments(uow, case.id)
    assert [(a.kind, a.content_type, a.link_url) for a in kept] == [
        ("report", "image/jpeg", ""), ("link", "text/uri-list", URL)]
    with Image.open(kept[0].stored_path) as photo:
        assert not photo.getexif().get_ifd(photos.GPS_IFD)
    assert Path(kept[0].thumbnail_path).exists()
    [record] = requests.get(f"{server}/requests/{case.ref}.json", timeout=10).json()
    assert record["media_url"].endswith(f"/attachments/{kept[0].id}")  # the stored photo


def test_a_bad_photo_or_url_is_a_400_naming_media(server: str, rt: Runtime, api_key: str
                                                   ) -> None:
    answer = post_media(server, form(api_key), [("bomb.png", photos.png_bomb())])
    assert answer.status_code == 400 and answer.json()[0]["description"].startswith("media:")
    answer = requests.post(f"{server}/requests.json", data=form(api_key, media_url="file:///x"),
                           timeout=10)
    assert answer.status_code == 400 and "media_url" in answer.json()[0]["description"]
    too_many = [(f"{n}.png", photos.png((n, 0, 0))) for n in range(4)]
    assert post_media(server, form(api_key), too_many).status_code == 400


def test_the_photos_of_a_report_nobody_could_place_wait_and_follow_it_into_its_case(
    server: str, rt: Runtime, api_key: str, users: dict[str, User]
) -> None:
    answer = post_media(server, unplaced(api_key, media_url=URL), [("a.png", photos.png())])
    assert answer.status_code == 201 and "token" in answer.json()[0]
    [request] = waiting(rt)
    with rt.uow() as uow:
        case = intake_requests.register(uow, rt.rules(), request.id, users["dispatcher"].id,
                                        "rhine", rt.now())
        kept = attachments.list_attachments(uow, case.id)
    assert [(a.kind, a.link_url) for a in kept] == [("report", ""), ("link", URL)]
    assert Path(kept[0].stored_path).exists()
