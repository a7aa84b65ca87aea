"""Photos before and after the work, attached to a case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, send_file, url_for
from marshmallow import Schema, fields

from caseflow.api.auth import STAFF_ROLES, current_user, requires
from caseflow.api.common import KEY_PARAMETER, Blueprint, problems, runtime
from caseflow.api.schemas import AttachmentFormSchema, AttachmentSchema
from caseflow.domain.errors import NotFound
from caseflow.services import attachments, queries
from caseflow.services.photos import PhotoLimits

blp = Blueprint(
    "attachments", __name__, url_prefix="/api/v1/cases", description="Photos (照片)"
)


class FileSchema(Schema):
    """The uploaded photo."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


LINKS = ("url", "thumbnail_url")


def _view(key: str, attachment: Any) -> dict[str, Any]:
    """A photo with the URLs to fetch it and its thumbnail; a link attachment's URL is
    the client's own (this server never fetched it)."""
    fields_ = {c: getattr(attachment, c) for c in AttachmentSchema().fields if c not in LINKS}
    if attachment.link_url:
        return {**fields_, "url": attachment.link_url, "thumbnail_url": None}
    url = url_for("attachments.download", key=key, attachment_id=attachment.id)
    thumb = url_for("attachments.thumbnail", key=key, attachment_id=attachment.id)
    return {**fields_, "url": url, "thumbnail_url": thumb if attachment.thumbnail_path else None}


def _directory() -> Path:
    return attachments.PhotoStore.from_config(current_app.config,
                                              current_app.instance_path).directory


@blp.route("/<key>/attachments", methods=["POST"], parameters=[KEY_PARAMETER])
@blp.arguments(AttachmentFormSchema, location="form")
@blp.arguments(FileSchema, location="files")
@blp.response(201, AttachmentSchema)
@problems(blp, 401, 403, 404, 413)
@requires(STAFF_ROLES)
def upload(form: dict[str, Any], files: dict[str, Any], key: str) -> dict[str, Any]:
    """Attach a JPEG, PNG, HEIC or WebP photo taken before or after the work: read by its
    content, re-encoded without its metadata (location, device), with a thumbnail."""
    rt, upload_file, user = runtime(), files["file"], current_user()
    assert user is not None  # noqa: S101 (requires() refused anonymous callers)
    data = upload_file.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1)
    with rt.uow() as uow:
        case = queries.visible_case(uow, user, key)
        attachment = attachments.save_attachment(
            uow, case, user, form["kind"], upload_file.filename or "", data, rt.now(),
            _directory(), PhotoLimits.from_config(current_app.config),
        )
    return _view(key, attachment)


@blp.route("/<key>/attachments", methods=["GET"], parameters=[KEY_PARAMETER])
@blp.response(200, AttachmentSchema(many=True))
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def list_(key: str) -> list[dict[str, Any]]:
    """The case's photos, oldest first."""
    with runtime().uow() as uow:
        case = queries.visible_case(uow, current_user(), key)
        return [_view(key, a) for a in attachments.list_attachments(uow, case.id)]


@blp.route("/<key>/attachments/<int:attachment_id>", methods=["GET"], parameters=[KEY_PARAMETER])
@blp.response(200, description="the photo", content_type="image/*")
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def download(key: str, attachment_id: int) -> Any:
    """The photo itself."""
    with runtime().uow() as uow:
        case = queries.visible_case(uow, current_user(), key)
        attachment = attachments.get_attachment(uow, case.id, attachment_id)
    if not attachment.stored_path:
        raise NotFound(f"attachment {attachment_id} is a link: see its url")
    return send_file(attachment.stored_path, mimetype=attachment.content_type,
                     download_name=attachment.filename)


@blp.route("/<key>/attachments/<int:attachment_id>/thumbnail", methods=["GET"],
           parameters=[KEY_PARAMETER])
@blp.response(200, description="the photo's thumbnail (JPEG)", content_type="image/jpeg")
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def thumbnail(key: str, attachment_id: int) -> Any:
    """The photo's thumbnail, at most 320 pixels wide and high."""
    with runtime().uow() as uow:
        case = queries.visible_case(uow, current_user(), key)
        attachment = attachments.get_attachment(uow, case.id, attachment_id)
    if not attachment.thumbnail_path:
        raise NotFound(f"thumbnail of attachment {attachment_id}")
    return send_file(attachment.thumbnail_path, mimetype="image/jpeg")
