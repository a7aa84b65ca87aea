"""Privacy: who sees the reporter's name and phone, masking, and the audit of full reads."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from caseflow.domain.masking import mask_name, mask_phone
from caseflow.models import Case, ReadAudit, User
from caseflow.services.queries import visible_case
from caseflow.services.uow import UnitOfWork

# Roles that handle the case and must be able to call the resident back.
FULL_RECORD_ROLES = frozenset({"admin", "dispatcher", "unit_lead", "caseworker"})


def sees_reporter(viewer: User | None) -> bool:
    """True for roles that need the reporter's real name and phone."""
    return viewer is not None and viewer.role in FULL_RECORD_ROLES


def reporter_view(case: Case | SimpleNamespace, full: bool) -> dict[str, object]:
    """The reporter as a reader sees them: full, or masked."""
    return {
        "name": case.reporter_name if full else mask_name(case.reporter_name),
        "phone": case.reporter_phone if full else mask_phone(case.reporter_phone),
        "masked": not full,
        "attrs": dict(case.reporter_attrs) if full else {},
    }


def record_full_read(uow: UnitOfWork, case: Case, viewer: User, now: datetime,
                     purpose: str = "api") -> None:
    """Audit that `viewer` read the case's full record, and commit."""
    uow.session.add(ReadAudit(case_id=case.id, user_id=viewer.id, at=now, purpose=purpose))
    uow.commit()


def read_case(uow: UnitOfWork, viewer: User, key: str | int, now: datetime) -> tuple[Case, bool]:
    """A case in the viewer's jurisdiction, and whether they see it in full (then audited)."""
    case = visible_case(uow, viewer, key)
    full = sees_reporter(viewer)
    if full:
        record_full_read(uow, case, viewer, now)
    return case, full
