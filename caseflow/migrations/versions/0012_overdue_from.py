"""cases: overdue_from and warning_from, the one meaning of "overdue" and "warning"

Revision ID: 0012
Revises: 0011

"Overdue" was read as `next_due_at <= now`, but `next_due_at` is the sweep's work queue: when
the sweep notes a clock overdue it moves `next_due_at` past it, and the case stopped reading
overdue. `overdue_from` is the earliest deadline of the case's running clocks and
`warning_from` their earliest warning point; every action writes them with the deadlines and
the sweep's marks never touch them, so overdue is `overdue_from <= now` at the moment of
asking. The indexes the lists and reports read move from next_due_at to overdue_from;
`ix_cases_next_due` and `ix_cases_next_warning` stay for the sweep.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import caseflow.models.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text(
    "state IN ('submitted', 'accepted', 'in_progress', 'deliberating', 'on_hold', "
    "'resolved', 'deferred')"
)
AWAITING = sa.text("state = 'submitted' AND first_accepted_at IS NULL")
BATCH = 2000


def _indexes(due: str) -> None:
    """(Re)create the list and report indexes on `due` (overdue_from up, next_due_at down)."""
    for name in ("ix_cases_unit_due", "ix_cases_open", "ix_cases_open_submitted",
                 "ix_cases_awaiting_accept"):
        op.drop_index(name, table_name="cases")
    op.create_index("ix_cases_unit_due", "cases", ["unit_id", due])
    op.create_index(
        "ix_cases_open", "cases",
        ["layer", "category", "unit_id", "green_channel", due, "submitted_at",
         "place_unit_id", "state"],
        sqlite_where=OPEN, postgresql_where=OPEN,
    )
    op.create_index("ix_cases_open_submitted", "cases", ["submitted_at", "id", due],
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index("ix_cases_awaiting_accept", "cases", ["submitted_at", due, "place_unit_id"],
                    sqlite_where=AWAITING, postgresql_where=AWAITING)


def _instants(deadlines: Any) -> tuple[datetime | None, datetime | None]:
    """The earliest due and warning instants of running clocks (frozen copy of
    caseflow.domain.due.running_instants, so later code changes do not alter this revision)."""
    if isinstance(deadlines, str):
        deadlines = json.loads(deadlines)
    due: list[datetime] = []
    warn: list[datetime] = []
    for entry in (deadlines or {}).values():
        if entry.get("stopped_at") or entry.get("paused"):
            continue
        if entry.get("due_at"):
            due.append(datetime.fromisoformat(entry["due_at"]))
        if entry.get("warning_at"):
            warn.append(datetime.fromisoformat(entry["warning_at"]))
    return min(due, default=None), min(warn, default=None)


def _backfill() -> None:
    """Fill both columns from each row's deadlines JSON, in batches of ids."""
    bind = op.get_bind()
    cases = sa.table(
        "cases", sa.column("id", sa.Integer), sa.column("deadlines", sa.JSON),
        sa.column("overdue_from", caseflow.models.base.UTCDateTime()),
        sa.column("warning_from", caseflow.models.base.UTCDateTime()),
    )
    update = (
        cases.update()
        .where(cases.c.id == sa.bindparam("b_id"))
        .values(overdue_from=sa.bindparam("b_due"), warning_from=sa.bindparam("b_warn"))
    )
    after = 0
    while True:
        rows = bind.execute(
            sa.select(cases.c.id, cases.c.deadlines)
            .where(cases.c.id > after).order_by(cases.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        params = []
        for case_id, deadlines in rows:
            due, warn = _instants(deadlines)
            if due is not None or warn is not None:
                params.append({"b_id": case_id, "b_due": due, "b_warn": warn})
        if params:
            bind.execute(update, params)
        after = rows[-1].id


def upgrade() -> None:
    op.add_column("cases", sa.Column(
        "overdue_from", caseflow.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column("cases", sa.Column(
        "warning_from", caseflow.models.base.UTCDateTime(timezone=True), nullable=True))
    _backfill()
    _indexes("overdue_from")
    op.create_index("ix_cases_overdue_from", "cases", ["overdue_from"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sa.inspect(bind).has_table("sqlite_stat1"):
        # As in 0011: a database with statistics would plan without any for the new indexes.
        op.execute("ANALYZE cases")


def downgrade() -> None:
    op.drop_index("ix_cases_overdue_from", table_name="cases")
    _indexes("next_due_at")
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch copy would lose the triggers
    # and the search table that other revisions attach to `cases`.
    op.drop_column("cases", "warning_from")
    op.drop_column("cases", "overdue_from")
