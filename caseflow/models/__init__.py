"""SQLAlchemy 2 typed models; imported by services and migrations, never by the domain."""

from caseflow.models.auth import ApiToken, Attachment, IdempotencyRecord, ReadAudit
from caseflow.models.base import Base
from caseflow.models.cases import Case, CaseEvent
from caseflow.models.charges import ClockCharge
from caseflow.models.dispatches import Dispatch
from caseflow.models.intake import IntakeRequest
from caseflow.models.meetings import Meeting
from caseflow.models.outbox import OutboxDelivery, OutboxMessage
from caseflow.models.ratings import OwnerEvaluation
from caseflow.models.rollups import (
    CaseClockSeconds,
    CaseClockTime,
    CaseMonthCategory,
    CaseMonthCount,
)
from caseflow.models.rulesets import RuleActivation, RuleSetVersion
from caseflow.models.units import PropertyCompany, Unit, UnitClosure
from caseflow.models.users import SignInFailures, User
from caseflow.models.voting import Ballot, ExclusivePart, Vote

__all__ = [
    "ApiToken",
    "Attachment",
    "IdempotencyRecord",
    "OutboxDelivery",
    "OutboxMessage",
    "OwnerEvaluation",
    "ReadAudit",
    "Base",
    "Case",
    "CaseClockSeconds",
    "CaseClockTime",
    "CaseMonthCategory",
    "CaseMonthCount",
    "CaseEvent",
    "ClockCharge",
    "Dispatch",
    "IntakeRequest",
    "PropertyCompany",
    "RuleActivation",
    "RuleSetVersion",
    "SignInFailures",
    "Unit",
    "UnitClosure",
    "User",
    "Meeting",
    "ExclusivePart",
    "Vote",
    "Ballot",
]
