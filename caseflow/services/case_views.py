"""What a reader sees of a case: the one read path behind the API, the pages and the CLI.

Every edge reads a case through these functions with its `Viewer`, so jurisdiction, the
masking of personal data and the audit of full reads (services/visibility.py) are applied
the same way everywhere. A shown case is a plain namespace, never the ORM row: no template
or schema can reach a field the viewer may not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from caseflow.domain.due import due_status
from caseflow.domain.policy import Actor
from caseflow.models import Case
from caseflow.rules import RuleSet
from caseflow.services import queries
from caseflow.services.allowed import actions_for, actor_for
from caseflow.services.cases import register_case
from caseflow.services.dispatch.views import inbox_marks
from caseflow.services.privacy import record_full_read
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, reporter_view, resident, shown_text
from caseflow.services.voices import voice_counts as _voices

# The columns every reader may see; personal data is added per viewer by `shown_case`.
CASE_FIELDS = (
    "id", "ref", "title", "category", "priority", "nature", "channel", "tags", "state",
    "layer", "assignee_id", "green_channel", "returned", "supervised", "problem_case",
    "extension_pending", "deadlines", "submitted_at", "updated_at",
    "resolved_at", "closed_at", "satisfaction", "routing_rule", "rules_version", "version",
    "unit_id", "place_unit_id", "layer_entered_at", "duplicate_of_id", "merged_into_id",
    "deferred_until", "rework_count", "reopen_count", "escalation_count", "overdue_from",
    "warning_from",
)


@dataclass(frozen=True)
class UnitName:
    """A unit as a shown case names it."""

    code: str
    name: str
    kind: str


def _unit(unit: Any) -> UnitName:
    return UnitName(unit.code, unit.name, unit.kind)


def shown_case(case: Case | SimpleNamespace, viewer: Viewer | None) -> SimpleNamespace:
    """The case as `viewer` may read it: the reporter and free text masked unless they
    handle cases (the only place that decides it)."""
    shown = SimpleNamespace(**{name: getattr(case, name, None) for name in CASE_FIELDS})
    shown.reporter = reporter_view(case, viewer)
    shown.reporter_name = shown.reporter["name"]
    shown.reporter_phone = shown.reporter["phone"]
    shown.reporter_attrs = shown.reporter["attrs"]
    shown.title = shown_text(case.title, viewer, case)
    shown.description = shown_text(case.description, viewer, case)
    shown.unit, shown.place_unit = _unit(case.unit), _unit(case.place_unit)
    return shown


def case_record(case: Case | SimpleNamespace, viewer: Viewer | None, now: datetime,
                tracking_token: str | None = None) -> dict[str, Any]:
    """The case as `viewer` may read it, as the API's CaseSchema dumps it."""
    return record_of(shown_case(case, viewer), now, tracking_token)


def record_of(shown: SimpleNamespace, now: datetime, tracking_token: str | None = None
              ) -> dict[str, Any]:
    """A shown case (`shown_case`, `list_for`) as the API's CaseSchema dumps it."""
    record = {name: getattr(shown, name) for name in CASE_FIELDS}
    status = due_status(shown.overdue_from, shown.warning_from, now)
    record.update(
        description=shown.description, title=shown.title,
        unit=vars(shown.unit), place=vars(shown.place_unit), reporter=shown.reporter,
        # The one definition (domain.due): running clocks at `now`, not the sweep's queue.
        overdue=status == "overdue", warning=status == "warning", next_due_at=shown.overdue_from,
        # Residents who added their voice (附议): counted by the reads that know the database.
        voices=getattr(shown, "voices", 0),
    )
    if tracking_token is not None:
        record["tracking_token"] = tracking_token
    return record


def read_case(uow: UnitOfWork, viewer: Viewer, key: str | int, now: datetime,
              purpose: str = "api") -> Case:
    """A case in the viewer's jurisdiction (NotFound, PermissionDenied otherwise); a read of
    unmasked personal data is audited, and that audit is committed."""
    case = queries.visible_case(uow, viewer, key)
    if viewer.sees_personal_data:
        record_full_read(uow, case, viewer, now, purpose)
    return case


def case_for_api(uow: UnitOfWork, viewer: Viewer, key: str | int, now: datetime) -> dict[str, Any]:
    """`read_case` as the API renders it (audited when unmasked, and committed)."""
    case = read_case(uow, viewer, key, now)
    return case_record(case, viewer, now) | {"voices": _voices(uow, [case.id]).get(case.id, 0)}


def case_for_resident(uow: UnitOfWork, key: str | int, token: str, now: datetime
                      ) -> dict[str, Any]:
    """The resident's own case, proved by its tracking token (their own data unmasked)."""
    case = queries.case_for_resident(uow, key, token)
    return case_record(case, resident(case.id), now) | {
        "voices": _voices(uow, [case.id]).get(case.id, 0)}


def list_for(uow: UnitOfWork, viewer: Viewer, filters: queries.CaseFilters, now: datetime,
             sort: str = "urgency", page: int = 1, per_page: int = 20
             ) -> tuple[list[SimpleNamespace], int]:
    """One page of the cases in the viewer's jurisdiction. A list is never a full read: its
    personal data is masked for every viewer (opening one case is, and is audited)."""
    cases, total = queries.list_cases(uow, viewer, filters, sort, page, per_page, now)
    counts = _voices(uow, [case.id for case in cases])
    shown = [shown_case(case, None) for case in cases]
    for item in shown:
        item.voices = counts.get(item.id, 0)
    # A department's inbox shows where each case stands for that department (部门解题).
    marks = inbox_marks(uow.session, viewer.unit_id if viewer else None,
                        [case.id for case in shown], now)
    for case in shown:
        case.dispatch = marks.get(case.id)
    return shown, total


def submission_receipt(uow: UnitOfWork, rules: RuleSet, raw: Mapping[str, Any], actor: Actor,
                       now: datetime) -> dict[str, Any]:
    """Register a grievance in the caller's unit of work (no commit) and answer what the
    submitter reads back: the case with their own data and its tracking token, once."""
    case, token = register_case(uow, rules, raw, actor, now)
    uow.session.flush()  # the id and joined units must exist before rendering
    return case_record(case, resident(case.id), now, token)


def allowed_actions(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, key: str | int,
                    now: datetime) -> dict[str, Any]:
    """What `viewer` may do to a case in their jurisdiction now, with the version to send."""
    case = queries.visible_case(uow, viewer, key)
    actor = actor_for(uow.session, viewer, case)
    return {"case": case.ref, "state": case.state, "version": case.version,
            "allowed": actions_for(rules, case, actor, now)}
