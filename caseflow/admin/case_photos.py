"""The photos of a case for signed-in staff (the case page shows their thumbnails)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.services.attachments import staff_photo
from caseflow.services.visibility import STAFF_ROLES

bp = Blueprint("admin_photos", __name__)


def _send(ref: str, attachment_id: int, thumbnail: bool) -> Response:
    with runtime().uow() as uow:
        found = staff_photo(uow, current_user.viewer, ref, attachment_id)
    return photo_file(found, thumbnail)


def photo_file(found: Any, thumbnail: bool) -> Response:
    """A stored photo (or its thumbnail) as the answer, cached by the browser only."""
    if thumbnail and found.thumbnail_path:  # photos stored before thumbnails have none
        response = send_file(found.thumbnail_path, mimetype="image/jpeg")
    else:
        response = send_file(found.stored_path, mimetype=found.content_type)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/cases/<ref>/photos/<int:attachment_id>")
@requires(*STAFF_ROLES)
def photo(ref: str, attachment_id: int) -> Response:
    """A photo of a case in the viewer's jurisdiction."""
    return _send(ref, attachment_id, False)


@bp.get("/cases/<ref>/photos/<int:attachment_id>/thumbnail")
@requires(*STAFF_ROLES)
def thumbnail(ref: str, attachment_id: int) -> Response:
    """A photo's thumbnail (JPEG, at most 320 pixels wide and high)."""
    return _send(ref, attachment_id, True)
