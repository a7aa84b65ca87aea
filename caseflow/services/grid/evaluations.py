"""Evaluations with the channel they came through, and the satisfaction rates by channel.

Every evaluate action writes one `evaluations` row beside its event: `resident` when the
resident rated the result themselves (web, API, Open311), `follow_up_call` when a
dispatcher recorded the resident's answer on a follow-up call (回访). Only staff may name a
channel: a resident's own evaluation is always `resident`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from caseflow.domain.errors import InvalidInput
from caseflow.models import Evaluation

RESIDENT_CHANNEL = "resident"
CHANNELS = (RESIDENT_CHANNEL, "follow_up_call", "walk_in", "grid_visit")


def record_evaluation(step: Any, level: str) -> None:
    """Write the evaluation row of this evaluate step (same transaction as its event)."""
    channel = RESIDENT_CHANNEL
    if step.actor.user_id is not None and step.data.get("channel"):
        channel = str(step.data["channel"])
        if channel not in CHANNELS:
            raise InvalidInput("data.channel", f"must be one of {', '.join(CHANNELS)}")
    step.event_data["channel"] = channel
    step.uow.connection().execute(insert(Evaluation).values(
        case_id=step.case.id, at=step.now, satisfaction=level, channel=channel,
        recorded_by_id=step.actor.user_id))
