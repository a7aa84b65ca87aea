"""The audit of full-record reads (who saw a reporter's name and phone), for review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, select

from caseflow.models import Case, ReadAudit, User
from caseflow.services.uow import UnitOfWork


def full_record_reads(
    uow: UnitOfWork, ref: str | None = None, username: str | None = None, limit: int = 100
) -> Sequence[Row[datetime, str, str, str]]:
    """Reads newest first as rows of (at, username, ref, purpose), optionally filtered."""
    query = (
        select(ReadAudit.at, User.username, Case.ref, ReadAudit.purpose)
        .join(User, User.id == ReadAudit.user_id)
        .join(Case, Case.id == ReadAudit.case_id)
        .order_by(ReadAudit.at.desc(), ReadAudit.id.desc())
        .limit(limit)
    )
    if ref:
        query = query.where(Case.ref == ref)
    if username:
        query = query.where(User.username == username)
    return uow.session.execute(query).all()
