"""Charging late clocks to the unit where they ran (docs/metrics.md §On time).

The action path writes one `clock_charges` row per clock it ends late; the sweep writes
its own set-based (caseflow.services.sweeping.escalate). Neither commits: the charge belongs
to the transaction that ended the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, insert

from caseflow.models import ClockCharge

CHARGES = cast(Table, ClockCharge.__table__)


def charge_late_clocks(
    conn: Connection,
    case_id: int,
    unit_id: int,
    layer: str,
    late: Mapping[str, datetime],
    now: datetime,
    ended_by: str,
) -> None:
    """One charge per clock in `late` (name → its deadline), to the unit and layer given."""
    if not late:
        return
    conn.execute(insert(CHARGES), [
        {"case_id": case_id, "unit_id": unit_id, "layer": layer, "clock": name,
         "due_at": due, "ended_at": now, "ended_by": ended_by}
        for name, due in sorted(late.items())
    ])
