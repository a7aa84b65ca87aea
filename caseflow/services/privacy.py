"""The audit of full reads of personal data (who may read what: services/visibility.py)."""

from __future__ import annotations

from datetime import datetime

from caseflow.models import Case, ReadAudit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer


def record_full_read(uow: UnitOfWork, case: Case, viewer: Viewer, now: datetime,
                     purpose: str = "api") -> None:
    """Audit that `viewer` read the case's full record, and commit."""
    uow.session.add(ReadAudit(case_id=case.id, user_id=viewer.id, at=now, purpose=purpose))
    uow.commit()
