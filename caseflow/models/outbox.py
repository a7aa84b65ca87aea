"""The outbox: notifications written in the same transaction as the case change."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
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
