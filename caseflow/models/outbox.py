"""The outbox: notifications written in the same transaction as the case change."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.cases import Case, CaseEvent

OUTBOX_STATUSES = ("pending", "delivered", "dead")


class OutboxMessage(Base):
    """One notification to deliver at least once; receivers de-duplicate by idempotency id."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    idempotency_id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    # Written beside a not yet flushed event: the relationship lets the session order inserts.
    event: Mapped[CaseEvent | None] = relationship()
    case: Mapped[Case | None] = relationship()

    # The delivery worker's claim query: pending rows whose next attempt is due.
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)


class OutboxDelivery(Base):
    """How one message went to one webhook: each endpoint is retried on its own, so that a
    failing one never makes the message go again to those that took it."""

    __tablename__ = "outbox_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The outbox's id, without a foreign key: the outbox table is made on another branch of
    # the migrations; the unique key below indexes it.
    message_id: Mapped[int]
    webhook: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("message_id", "webhook", name="uq_outbox_deliveries_message_webhook"),
    )
