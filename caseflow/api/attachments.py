"""Photos before and after the work, attached to a case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, send_file, url_for
from marshmallow import Schema, fields

from caseflow.api.auth import STAFF_ROLES, current_user, requires
from caseflow.api.common import KEY_PARAMETER, Blueprint, problems, runtime
from caseflow.api.schemas import AttachmentFormSchema, AttachmentSchema
from caseflow.services import attachments, queries

blp = Blueprint(
    "attachments", __name__, url_prefix="/api/v1/cases", description="Photos (照片)"
)


class FileSchema(Schema):
    """The uploaded photo."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


def _view(key: str, attachment: Any) -> dict[str, Any]:
    url = url_for("attachments.download", key=key, attachment_id=attachment.id)
    return {**{c: getattr(attachment, c) for c in AttachmentSchema().fields if c != "url"},
            "url": url}


def _directory() -> Path:
    configured = current_app.config.get("ATTACHMENTS_DIR")
    return Path(configured or Path(current_app.instance_path) / "attachments")


@blp.route("/<key>/attachments", methods=["POST"], parameters=[KEY_PARAMETER])
@blp.arguments(AttachmentFormSchema, location="form")
@blp.arguments(FileSchema, location="files")
@blp.response(201, AttachmentSchema)
@problems(blp, 401, 403, 404, 413)
@requires(STAFF_ROLES)
def upload(form: dict[str, Any], files: dict[str, Any], key: str) -> dict[str, Any]:
    """Attach a JPEG, PNG or WebP photo (checked by content) taken before or after the work."""
    rt, upload_file, user = runtime(), files["file"], current_user()
    data = upload_file.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1)
    with rt.uow() as uow:
        case = queries.visible_case(uow, user, key)
        attachment = attachments.save_attachment(
            uow, case, user, form["kind"], upload_file.filename or "", data, rt.now(),
            _directory(), current_app.config["ATTACHMENT_MAX_BYTES"],
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
    return send_file(attachment.stored_path, mimetype=attachment.content_type,
                     download_name=attachment.filename)
