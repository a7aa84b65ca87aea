"""Photos of a case: the resident's report, before and after the work, and Open311 links.

Every photo is re-encoded without its metadata (services/photos.py) before it is stored on
disk under `<directory>/<case id>/`, with a thumbnail beside it. Who sees which photo is
decided in services/visibility.py (`sees_photo`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.models import Attachment, Case, User
from caseflow.services import queries
from caseflow.services.allowed import actor_for
from caseflow.services.caserow import write_change
from caseflow.services.photos import CleanPhoto, PhotoLimits, PhotoRefused, clean_photo
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, sees_photo

KINDS = ("before", "after")  # what staff attach while working
REPORT, LINK = "report", "link"  # a resident's photo sent with the report; a client's URL
SAFE_NAME = re.compile(r"[^\w.\-]+")
LINK_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class PhotoStore:
    """Where photos are kept, how large each may be, and how many one report may carry."""

    directory: Path
    limits: PhotoLimits
    per_report: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any], instance_path: str) -> PhotoStore:
        """The app's store: ATTACHMENTS_DIR (default `<instance>/attachments`) and the
        limits ops/limits.py sets defaults for."""
        directory = Path(config.get("ATTACHMENTS_DIR") or Path(instance_path) / "attachments")
        return cls(directory, PhotoLimits.from_config(config), int(config["PHOTOS_PER_REPORT"]))


@dataclass(frozen=True)
class Upload:
    """A photo as a client sent it: its name and bytes (read up to the limit plus one)."""

    filename: str
    data: bytes


def checked_photos(uploads: Sequence[Upload], limits: PhotoLimits, most: int,
                   field: str = "photos") -> list[tuple[str, CleanPhoto]]:
    """Each upload cleaned (named, re-encoded, thumbnailed), before any database work;
    InvalidInput naming `field` for too many photos or a bad one."""
    uploads = [upload for upload in uploads if upload.data or upload.filename]
    if len(uploads) > most:
        raise PhotoRefused(field, f"at most {most} photos may be sent with a report",
                           "too_many_photos")
    return [(upload.filename, clean_photo(upload.data, limits, field)) for upload in uploads]


def _safe_name(filename: str, extension: str) -> str:
    stem = (SAFE_NAME.sub("_", filename).rsplit(".", 1)[0] or "photo")[-190:]
    return f"{stem}.{extension}"


def _stored(session: Session, case_id: int, kind: str, filename: str, photo: CleanPhoto,
            uploaded_by: str, now: datetime, directory: Path) -> Attachment:
    """Write the photo and its thumbnail to disk and add their row (no commit)."""
    digest = hashlib.sha256(photo.content).hexdigest()
    target = directory / str(case_id) / f"{digest}.{photo.extension}"
    thumb = directory / str(case_id) / f"{digest}.thumb.jpg"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(photo.content)
        thumb.write_bytes(photo.thumbnail)
    attachment = Attachment(
        case_id=case_id, kind=kind, filename=_safe_name(filename, photo.extension),
        content_type=photo.content_type, size=len(photo.content), sha256=digest,
        stored_path=str(target), thumbnail_path=str(thumb), uploaded_by=uploaded_by, at=now,
        link_url="",
    )
    session.add(attachment)
    return attachment


def add_report_photos(session: Session, case_id: int, photos: Sequence[tuple[str, CleanPhoto]],
                      uploaded_by: str, now: datetime, directory: Path) -> list[Attachment]:
    """The photos sent with a report, added to the submission's transaction (no commit)."""
    return [_stored(session, case_id, REPORT, name, photo, uploaded_by, now, directory)
            for name, photo in photos]


def keep_waiting(photos: Sequence[tuple[str, CleanPhoto]], directory: Path
                 ) -> list[dict[str, Any]]:
    """Store the photos of a report nobody could place yet (under `waiting/`); what its
    intake request keeps to attach them once a dispatcher registers it (`attach_waiting`)."""
    kept = []
    for filename, photo in photos:
        digest = hashlib.sha256(photo.content).hexdigest()
        target = directory / "waiting" / f"{digest}.{photo.extension}"
        thumb = directory / "waiting" / f"{digest}.thumb.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(photo.content)
        thumb.write_bytes(photo.thumbnail)
        kept.append({"filename": _safe_name(filename, photo.extension),
                     "content_type": photo.content_type, "size": len(photo.content),
                     "sha256": digest, "stored_path": str(target), "thumbnail_path": str(thumb)})
    return kept


def attach_waiting(session: Session, case_id: int, media: Mapping[str, Any], uploaded_by: str,
                   now: datetime) -> None:
    """The photos and link a waiting report kept (`keep_waiting`), attached to its case."""
    for photo in media.get("photos") or []:
        session.add(Attachment(case_id=case_id, kind=REPORT, uploaded_by=uploaded_by, at=now,
                               link_url="", **photo))
    if media.get("url"):
        add_link(session, case_id, media["url"], uploaded_by, now)


def checked_link(url: str) -> str:
    """An Open311 `media_url`: an http(s) URL, kept as a link and never fetched here."""
    url = url.strip()
    if not url.lower().startswith(LINK_SCHEMES) or len(url) > 2000 or any(
            c.isspace() for c in url):
        raise InvalidInput("media_url", "must be an http or https URL")
    return url


def add_link(session: Session, case_id: int, url: str, uploaded_by: str, now: datetime
             ) -> Attachment:
    """A client's photo URL as a link attachment of the case (no commit)."""
    attachment = Attachment(
        case_id=case_id, kind=LINK, filename="media_url", content_type="text/uri-list",
        size=0, sha256="", stored_path="", thumbnail_path="", uploaded_by=uploaded_by,
        at=now, link_url=checked_link(url),
    )
    session.add(attachment)
    return attachment


def save_attachment(
    uow: UnitOfWork,
    case: Case,
    user: User | Viewer,
    kind: str,
    filename: str,
    data: bytes,
    now: datetime,
    directory: Path,
    limits: PhotoLimits,
) -> Attachment:
    """Check, clean and store one staff photo; record it and an event; commit."""
    if kind not in KINDS:
        raise InvalidInput("kind", f"must be one of {', '.join(KINDS)}")
    photo = clean_photo(data, limits)
    attachment = _stored(uow.session, case.id, kind, filename, photo, user.username, now,
                         directory)
    uow.session.flush()  # the event names the attachment's id
    # The photo shows in the case's timeline; the case itself (and its version) is unchanged.
    write_change(
        uow, case, actor_for(uow.session, user, case), "attach", now,
        (case.state, case.layer, case.unit_id), data={"attachment": attachment.id, "kind": kind},
    )
    uow.commit()
    return attachment


def list_attachments(uow: UnitOfWork, case_id: int) -> list[Attachment]:
    """A case's photos and links, oldest first (staff: all of them)."""
    query = select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
    return list(uow.session.scalars(query))


def photos_for(uow: UnitOfWork, case: Case, viewer: Viewer) -> list[Attachment]:
    """The photos and links of a case `viewer` may see (visibility.sees_photo), oldest first."""
    return [a for a in list_attachments(uow, case.id) if sees_photo(viewer, case, a.kind)]


def get_attachment(uow: UnitOfWork, case_id: int, attachment_id: int) -> Attachment:
    """One photo of a case, or NotFound."""
    attachment = uow.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case_id:
        raise NotFound(f"attachment {attachment_id}")
    return attachment


def shown_photo(uow: UnitOfWork, case: Case, viewer: Viewer, attachment_id: int) -> Attachment:
    """One stored photo of a case `viewer` may see, or NotFound (also for a link)."""
    attachment = get_attachment(uow, case.id, attachment_id)
    if not attachment.stored_path or not sees_photo(viewer, case, attachment.kind):
        raise NotFound(f"attachment {attachment_id}")
    return attachment


def staff_photo(uow: UnitOfWork, viewer: Viewer, key: str, attachment_id: int) -> Attachment:
    """One stored photo of a case in the staff viewer's jurisdiction, or NotFound."""
    case = queries.visible_case(uow, viewer, key)
    return shown_photo(uow, case, viewer, attachment_id)
