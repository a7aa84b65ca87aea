"""Photos of a case before and after the work: checked by content, stored on disk."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.models import Attachment, Case, User
from caseflow.services.allowed import actor_for
from caseflow.services.caserow import write_change
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer

KINDS = ("before", "after")
SAFE_NAME = re.compile(r"[^\w.\-]+")


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's first bytes, not from what the client says."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def save_attachment(
    uow: UnitOfWork,
    case: Case,
    user: User | Viewer,
    kind: str,
    filename: str,
    data: bytes,
    now: datetime,
    directory: Path,
    max_bytes: int,
) -> Attachment:
    """Check and store one photo under `directory/<case id>/`; record it and an event; commit."""
    if kind not in KINDS:
        raise InvalidInput("kind", f"must be one of {', '.join(KINDS)}")
    if not data:
        raise InvalidInput("file", "is empty")
    if len(data) > max_bytes:
        raise InvalidInput("file", f"is larger than the limit of {max_bytes} bytes")
    sniffed = sniff_image(data)
    if sniffed is None:
        raise InvalidInput("file", "must be a JPEG, PNG or WebP image")
    content_type, extension = sniffed
    digest = hashlib.sha256(data).hexdigest()
    target = directory / str(case.id) / f"{digest}.{extension}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(data)
    attachment = Attachment(
        case_id=case.id, kind=kind, filename=(SAFE_NAME.sub("_", filename) or "photo")[-200:],
        content_type=content_type, size=len(data), sha256=digest,
        stored_path=str(target), uploaded_by=user.username, at=now,
    )
    uow.session.add(attachment)
    uow.session.flush()  # the event names the attachment's id
    # The photo shows in the case's timeline; the case itself (and its version) is unchanged.
    write_change(
        uow, case, actor_for(uow.session, user, case), "attach", now,
        (case.state, case.layer, case.unit_id), data={"attachment": attachment.id, "kind": kind},
    )
    uow.commit()
    return attachment


def list_attachments(uow: UnitOfWork, case_id: int) -> list[Attachment]:
    """A case's photos, oldest first."""
    query = select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
    return list(uow.session.scalars(query))


def get_attachment(uow: UnitOfWork, case_id: int, attachment_id: int) -> Attachment:
    """One photo of a case, or NotFound."""
    attachment = uow.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case_id:
        raise NotFound(f"attachment {attachment_id}")
    return attachment
