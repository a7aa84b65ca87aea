"""Intake requests: Open311 reports without a place, waiting for a dispatcher."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.cases import Case
from caseflow.models.units import Unit
from caseflow.models.users import User

INTAKE_STATUSES = ("waiting", "registered", "dismissed")


class IntakeRequest(Base):
    """A GeoReport request whose `address_string` named no place we know.

    `submission` holds the checked fields `submit_case` takes, all but the place, which a
    dispatcher chooses; the client's token (stored hashed) becomes the case's tracking token.
    """

    __tablename__ = "intake_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    address_string: Mapped[str] = mapped_column(Text, default="")
    submission: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The GeoReport jurisdiction_id the client sent (a root unit), if any.
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    dismiss_reason: Mapped[str] = mapped_column(Text, default="")

    # Joined: the waiting list names the jurisdiction and the case without a query per row.
    jurisdiction: Mapped[Unit | None] = relationship(lazy="joined")
    case: Mapped[Case | None] = relationship(lazy="joined")
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id], lazy="joined")

    # The dispatcher's list: waiting requests, oldest first.
    __table_args__ = (Index("ix_intake_requests_status", "status", "received_at"),)
