"""Personal-data retention: anonymise the reporter of cases closed long enough ago.

The policy is `rules/retention.yaml`; every anonymised case gets an `anonymise` event in the
same transaction, so the history says when and why the name and phone went away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from caseflow.domain.durations import parse_duration
from caseflow.domain.errors import InvalidInput
from caseflow.domain.lifecycle import FINAL_STATES
from caseflow.models import Case
from caseflow.services.sweeping.sql import insert_events
from caseflow.services.uow import UnitOfWork

FIELDS = {"name": "reporter_name", "phone": "reporter_phone", "attrs": "reporter_attrs"}
CLEARED: dict[str, Any] = {"reporter_name": "", "reporter_phone": "", "reporter_attrs": {}}


@dataclass(frozen=True)
class RetentionPolicy:
    """Anonymise `fields` of the reporter once a case has been final for `after`."""

    after: timedelta
    fields: tuple[str, ...] = ("name", "phone")


def retention_policy(config: Mapping[str, Any] | None) -> RetentionPolicy | None:
    """The policy from retention.yaml's `anonymise_reporter`, or None when there is none."""
    section = (config or {}).get("anonymise_reporter")
    if not section:
        return None
    fields = tuple(section.get("fields") or ("name", "phone"))
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        raise InvalidInput("retention.yaml", f"unknown reporter fields: {', '.join(unknown)}")
    try:
        after = parse_duration(str(section["after"])).as_timedelta()
    except (KeyError, ValueError) as error:
        raise InvalidInput("retention.yaml", f"anonymise_reporter.after: {error}") from None
    return RetentionPolicy(after, fields)


def apply_retention(
    uow: UnitOfWork, policy: RetentionPolicy, now: datetime, dry_run: bool = False
) -> list[str]:
    """Anonymise every case due under `policy` (or only list them); returns their refs."""
    ended = func.coalesce(Case.closed_at, Case.updated_at)
    has_data = or_(Case.reporter_name != "", Case.reporter_phone != "")
    due = list(uow.session.execute(
        select(Case.id, Case.ref)
        .where(Case.state.in_(FINAL_STATES), ended <= now - policy.after, has_data)
        .order_by(Case.id)
    ))
    if dry_run or not due:
        return [ref for _, ref in due]
    ids = [case_id for case_id, _ in due]
    insert_events(uow.session, ids, "anonymise", now, {"fields": list(policy.fields)},
                  note="retention policy: reporter anonymised")
    columns = {FIELDS[f]: CLEARED[FIELDS[f]] for f in policy.fields}
    uow.session.execute(
        update(Case)
        .where(Case.__table__.c.id.in_(ids))
        .values(**columns, version=Case.__table__.c.version + 1, updated_at=now)
    )
    uow.commit()
    return [ref for _, ref in due]
