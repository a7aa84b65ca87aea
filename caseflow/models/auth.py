"""API access records: tokens, idempotency keys, read audits and case attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.users import User


class ApiToken(Base):
    """A bearer token for one user, stored as its sha256; revocable and expiring."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    can_submit: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(lazy="joined")


class IdempotencyRecord(Base):
    """The first response to a request sent with an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_records_scope_key"),)


class ReadAudit(Base):
    """Who read the full record (reporter unmasked) of which case, and when."""

    __tablename__ = "read_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
    purpose: Mapped[str] = mapped_column(String(100), default="")

    __table_args__ = (Index("ix_read_audits_case", "case_id", "at"),)


class Attachment(Base):
    """A photo of a case (the resident's report, before or after the work), stored re-encoded
    without its metadata under the instance folder; or a link an Open311 client sent."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime]
    # A small JPEG of the photo for lists and pages ("" for a link or an older photo).
    thumbnail_path: Mapped[str] = mapped_column(Text, default="", server_default="")
    # An Open311 client's media_url, kept as a link: this server fetches nothing remote.
    link_url: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (Index("ix_attachments_case", "case_id", "id"),)
