"""Voices (附议): residents who add their name to an open case instead of opening another."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.models.base import Base


class CaseVoice(Base):
    """One more resident affected by a case: who and their contact masked, and when.

    The full phone is never stored: `contact_hash` (sha256 of the case id and the digits)
    only lets the same phone add its voice to a case once.
    """

    __tablename__ = "case_voices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime]
    name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    contact_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32), default="web")

    __table_args__ = (
        UniqueConstraint("case_id", "contact_hash", name="uq_case_voices_contact"),
        Index("ix_case_voices_case", "case_id", "at"),
    )
