"""SQLAlchemy 2 typed models; imported by services and migrations, never by the domain."""

from caseflow.models.assessments import (
    Assessment,
    AssessmentResult,
    CreditGrade,
    ExpertSheet,
    LedgerLine,
    MonthlyAccount,
    RatingCode,
    RatingRound,
)
from caseflow.models.auth import ApiToken, Attachment, IdempotencyRecord, ReadAudit
from caseflow.models.base import Base
from caseflow.models.campaigns import Campaign, Opinion
from caseflow.models.cases import Case, CaseEvent
from caseflow.models.charges import ClockCharge
from caseflow.models.dispatches import Dispatch
from caseflow.models.grid import (
    Evaluation,
    FollowUpCall,
    Household,
    PersonNotice,
    ProxySubmission,
    Reminder,
)
from caseflow.models.intake import IntakeRequest
from caseflow.models.meetings import Meeting
from caseflow.models.outbox import OutboxDelivery, OutboxMessage
from caseflow.models.ratings import OwnerEvaluation
from caseflow.models.rhythm import AgendaItem, MeetingSeries
from caseflow.models.rollups import (
    CaseClockSeconds,
    CaseClockTime,
    CaseMonthCategory,
    CaseMonthCount,
)
from caseflow.models.rulesets import RuleActivation, RuleSetVersion
from caseflow.models.units import PropertyCompany, Unit, UnitClosure
from caseflow.models.users import Membership, SignInFailures, User
from caseflow.models.voices import CaseVoice
from caseflow.models.voting import Ballot, ExclusivePart, Vote

__all__ = [
    "AgendaItem",
    "Campaign",
    "Opinion",
    "MeetingSeries",
    "Assessment",
    "AssessmentResult",
    "CreditGrade",
    "ExpertSheet",
    "LedgerLine",
    "MonthlyAccount",
    "RatingCode",
    "RatingRound",
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
    "CaseVoice",
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
    "Evaluation",
    "FollowUpCall",
    "Household",
    "Membership",
    "PersonNotice",
    "ProxySubmission",
    "Reminder",
]
