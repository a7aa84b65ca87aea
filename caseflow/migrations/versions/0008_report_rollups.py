"""reporting: monthly summary tables kept by triggers on cases

Revision ID: 0008
Revises: 0001

Triggers, not service code, keep the summaries: every path that writes `cases` (the ORM,
Core UPDATEs, set-based sweeps, bulk loads) is then counted. Each trigger fires only when a
counted flag or a key of the case changes (WHEN clause), and then moves the case's flags
from its old row to its new one (two upserts).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import caseflow.models.base

revision: str = "0008"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_HANDLED = "('merged','rejected','withdrawn')"
# Each counted flag as a condition on a cases row `{r}` (docs/metrics.md §Rates).
FLAGS = {
    "submitted": "TRUE",
    "handled": f"{{r}}.state NOT IN {NOT_HANDLED}",
    "accepted": "{r}.accepted_on_time IS NOT NULL",
    "accepted_on_time": "{r}.accepted_on_time",
    "resolved": "{r}.state IN ('resolved','closed')",
    "resolved_on_time": "{r}.state IN ('resolved','closed') AND {r}.resolved_on_time",
    "closed": "{r}.state = 'closed'",
    "closed_on_time": "{r}.state = 'closed' AND {r}.resolved_on_time",
    "evaluated": "{r}.satisfaction IS NOT NULL",
    "satisfied": "{r}.satisfaction = 'satisfied'",
    "basically_satisfied": "{r}.satisfaction = 'basically_satisfied'",
    "unsatisfied": "{r}.satisfaction = 'unsatisfied'",
    "reopened": "{r}.reopen_count > 0",
    "ever_closed": "{r}.state = 'closed' OR {r}.reopen_count > 0",
    "reworked": f"{{r}}.state NOT IN {NOT_HANDLED} AND {{r}}.rework_count > 0",
    "extended": f"{{r}}.state NOT IN {NOT_HANDLED} AND {{r}}.extension_count > 0",
    "deferred": "{r}.state = 'deferred'",
}
COUNTED = (
    "state", "accepted_on_time", "resolved_on_time", "satisfaction", "reopen_count",
    "rework_count", "extension_count", "submitted_at", "place_unit_id",
)
MONTH = {
    "sqlite": "strftime('%Y-%m', {r}.submitted_at, '+8 hours')",
    "postgresql": "to_char({r}.submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
}
# The complex a place lies in (a building's complex, a complex itself), else the place.
COMPLEX = (
    "COALESCE((SELECT uc.ancestor_id FROM unit_closure uc JOIN units u ON u.id = uc.ancestor_id"
    " WHERE uc.descendant_id = {r}.place_unit_id AND u.kind = 'complex'), {r}.place_unit_id)"
)
DISTINCT = {"sqlite": "IS NOT", "postgresql": "IS DISTINCT FROM"}


def _flag(name: str, r: str) -> str:
    return f"(CASE WHEN {FLAGS[name].format(r=r)} THEN 1 ELSE 0 END)"


def _counts_upsert(dialect: str, r: str, sign: str) -> str:
    names = ", ".join(FLAGS)
    values = ", ".join(f"{sign}{_flag(name, r)}" for name in FLAGS)
    adds = ", ".join(f"{n} = case_month_counts.{n} + excluded.{n}" for n in FLAGS)
    return (
        f"INSERT INTO case_month_counts (month, place_unit_id, {names}) "
        f"VALUES ({MONTH[dialect].format(r=r)}, {r}.place_unit_id, {values}) "
        f"ON CONFLICT (month, place_unit_id) DO UPDATE SET {adds};"
    )


def _categories_upsert(dialect: str, r: str, sign: str) -> str:
    return (
        "INSERT INTO case_month_categories (month, complex_id, category, cases) "
        f"VALUES ({MONTH[dialect].format(r=r)}, {COMPLEX.format(r=r)}, {r}.category, {sign}1) "
        "ON CONFLICT (complex_id, category, month) "
        "DO UPDATE SET cases = case_month_categories.cases + excluded.cases;"
    )


def _counts_changed(dialect: str) -> str:
    """The UPDATE changed a counted flag or a key: only then does the trigger fire."""
    flags = [f"{_flag(n, 'OLD')} <> {_flag(n, 'NEW')}" for n in FLAGS if n != "submitted"]
    keys = [f"OLD.{c} {DISTINCT[dialect]} NEW.{c}" for c in ("submitted_at", "place_unit_id")]
    return " OR ".join(keys + flags)


def _categories_changed(dialect: str) -> str:
    keys = ("submitted_at", "place_unit_id", "category")
    return " OR ".join(f"OLD.{c} {DISTINCT[dialect]} NEW.{c}" for c in keys)


TABLES = {
    "case_month_counts": (_counts_upsert, _counts_changed, ", ".join(COUNTED)),
    "case_month_categories": (
        _categories_upsert, _categories_changed, "submitted_at, place_unit_id, category"
    ),
}


def _sqlite_triggers() -> list[str]:
    out = []
    for table, (upsert, changed, columns) in TABLES.items():
        out += [
            f"CREATE TRIGGER {table}_ai AFTER INSERT ON cases BEGIN "
            f"{upsert('sqlite', 'NEW', '')} END",
            f"CREATE TRIGGER {table}_ad AFTER DELETE ON cases BEGIN "
            f"{upsert('sqlite', 'OLD', '-')} END",
            f"CREATE TRIGGER {table}_au AFTER UPDATE OF {columns} ON cases "
            f"WHEN {changed('sqlite')} BEGIN "
            f"{upsert('sqlite', 'OLD', '-')} {upsert('sqlite', 'NEW', '')} END",
        ]
    return out


def _postgresql_triggers() -> list[str]:
    out = []
    for table, (upsert, changed, columns) in TABLES.items():
        out += [
            f"CREATE FUNCTION {table}_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {upsert('postgresql', 'OLD', '-')} END IF; "
            f"IF TG_OP <> 'DELETE' THEN {upsert('postgresql', 'NEW', '')} END IF; "
            "RETURN NULL; END $$",
            f"CREATE TRIGGER {table}_ai AFTER INSERT ON cases "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_keep()",
            f"CREATE TRIGGER {table}_ad AFTER DELETE ON cases "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_keep()",
            f"CREATE TRIGGER {table}_au AFTER UPDATE OF {columns} ON cases "
            f"FOR EACH ROW WHEN ({changed('postgresql')}) EXECUTE FUNCTION {table}_keep()",
        ]
    return out


SECONDS = {
    "sqlite": "(julianday({end}) - julianday({start})) * 86400.0",
    "postgresql": "extract(epoch from {end} - {start})",
}
CLOCK_COLUMNS = "case_id, clock, layer, at, seconds, place_unit_id"
CLOCK_KEYS = ("resolved_at", "resolved_layer", "first_accepted_at", "submitted_at", "place_unit_id")


def _resolve_time(dialect: str, r: str) -> str:
    """The time to resolve of case `{r}`, if resolved."""
    seconds = SECONDS[dialect].format(start=f"{r}.submitted_at", end=f"{r}.resolved_at")
    return (
        f"INSERT INTO case_clock_times ({CLOCK_COLUMNS}) SELECT {r}.id, 'resolve', "
        f"{r}.resolved_layer, {r}.resolved_at, {seconds}, {r}.place_unit_id "
        f"WHERE {r}.resolved_at IS NOT NULL;"
    )


def _accept_time(dialect: str, case: str, event: str, where: str) -> str:
    """The time to first acceptance, at the layer of the accept event at first_accepted_at
    (as the rates report joined them); the second of the case and its event to be written
    adds it."""
    seconds = SECONDS[dialect].format(start=f"{case}.submitted_at", end=f"{event}.at")
    ignore = " OR IGNORE" if dialect == "sqlite" else ""
    conflict = "" if dialect == "sqlite" else " ON CONFLICT DO NOTHING"
    return (
        f"INSERT{ignore} INTO case_clock_times ({CLOCK_COLUMNS}) SELECT {case}.id, 'accept', "
        f"{event}.to_layer, {event}.at, {seconds}, {case}.place_unit_id {where}{conflict};"
    )


def _clock_triggers(dialect: str) -> list[str]:
    from_events = _accept_time(
        dialect, "c", "NEW",
        "FROM cases c WHERE c.id = NEW.case_id AND c.first_accepted_at = NEW.at",
    )
    from_case = _accept_time(
        dialect, "NEW", "e",
        "FROM case_events e WHERE e.case_id = NEW.id AND e.action = 'accept' "
        "AND e.at = NEW.first_accepted_at",
    )
    changed = " OR ".join(f"OLD.{c} {DISTINCT[dialect]} NEW.{c}" for c in CLOCK_KEYS)
    forget = "DELETE FROM case_clock_times WHERE case_id = OLD.id;"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER case_clock_times_ai AFTER INSERT ON cases "
            f"WHEN NEW.resolved_at IS NOT NULL BEGIN {_resolve_time(dialect, 'NEW')} END",
            f"CREATE TRIGGER case_clock_times_au AFTER UPDATE OF {', '.join(CLOCK_KEYS)} "
            f"ON cases WHEN {changed} BEGIN {forget} {_resolve_time(dialect, 'NEW')} "
            f"{from_case} END",
            f"CREATE TRIGGER case_clock_times_ad AFTER DELETE ON cases BEGIN {forget} END",
            f"CREATE TRIGGER case_clock_times_ae AFTER INSERT ON case_events "
            f"WHEN NEW.action = 'accept' BEGIN {from_events} END",
        ]
    # A new case has no events yet: its accept time comes with the event.
    return [
        "CREATE FUNCTION case_clock_times_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {forget} END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_resolve_time(dialect, 'NEW')} END IF; "
        f"IF TG_OP = 'UPDATE' THEN {from_case} END IF; "
        "RETURN NULL; END $$",
        "CREATE FUNCTION case_clock_times_accept() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {from_events} RETURN NULL; END $$",
        "CREATE TRIGGER case_clock_times_ai AFTER INSERT ON cases FOR EACH ROW "
        "WHEN (NEW.resolved_at IS NOT NULL) EXECUTE FUNCTION case_clock_times_keep()",
        f"CREATE TRIGGER case_clock_times_au AFTER UPDATE OF {', '.join(CLOCK_KEYS)} ON cases "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION case_clock_times_keep()",
        "CREATE TRIGGER case_clock_times_ad AFTER DELETE ON cases FOR EACH ROW "
        "EXECUTE FUNCTION case_clock_times_keep()",
        "CREATE TRIGGER case_clock_times_ae AFTER INSERT ON case_events FOR EACH ROW "
        "WHEN (NEW.action = 'accept') EXECUTE FUNCTION case_clock_times_accept()",
    ]


def _seconds_upsert(dialect: str, r: str, sign: str) -> str:
    return (
        "INSERT INTO case_clock_seconds (clock, layer, seconds, month, cases) "
        f"VALUES ({r}.clock, COALESCE({r}.layer, ''), {r}.seconds, "
        f"{MONTH[dialect].format(r=r).replace('submitted_at', 'at')}, {sign}1) "
        "ON CONFLICT (clock, layer, seconds, month) "
        "DO UPDATE SET cases = case_clock_seconds.cases + excluded.cases;"
    )


def _seconds_triggers(dialect: str) -> list[str]:
    """case_clock_seconds adds up case_clock_times (rows are only inserted and deleted)."""
    if dialect == "sqlite":
        return [
            "CREATE TRIGGER case_clock_seconds_ai AFTER INSERT ON case_clock_times BEGIN "
            f"{_seconds_upsert(dialect, 'NEW', '')} END",
            "CREATE TRIGGER case_clock_seconds_ad AFTER DELETE ON case_clock_times BEGIN "
            f"{_seconds_upsert(dialect, 'OLD', '-')} END",
        ]
    return [
        "CREATE FUNCTION case_clock_seconds_keep() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF TG_OP = 'INSERT' THEN {_seconds_upsert(dialect, 'NEW', '')} "
        f"ELSE {_seconds_upsert(dialect, 'OLD', '-')} END IF; RETURN NULL; END $$",
        "CREATE TRIGGER case_clock_seconds_ai AFTER INSERT ON case_clock_times FOR EACH ROW "
        "EXECUTE FUNCTION case_clock_seconds_keep()",
        "CREATE TRIGGER case_clock_seconds_ad AFTER DELETE ON case_clock_times FOR EACH ROW "
        "EXECUTE FUNCTION case_clock_seconds_keep()",
    ]


def recount_sql(dialect: str) -> list[str]:
    """Fill both summaries from `cases` (the tables must be empty)."""
    month = MONTH[dialect].format(r="c")
    sums = ", ".join(f"SUM{_flag(n, 'c')}" for n in FLAGS)
    return [
        f"INSERT INTO case_month_counts (month, place_unit_id, {', '.join(FLAGS)}) "
        f"SELECT {month}, c.place_unit_id, {sums} FROM cases c GROUP BY 1, 2",
        "INSERT INTO case_month_categories (month, complex_id, category, cases) "
        f"SELECT {month}, {COMPLEX.format(r='c')}, c.category, COUNT(*) FROM cases c "
        "GROUP BY 1, 2, 3",
        _resolve_time(dialect, "c").replace(" WHERE", " FROM cases c WHERE").rstrip(";"),
        _accept_time(
            dialect, "c", "e",
            "FROM cases c JOIN case_events e ON e.case_id = c.id AND e.action = 'accept' "
            "AND e.at = c.first_accepted_at",
        ).rstrip(";"),
        "INSERT INTO case_clock_seconds (clock, layer, seconds, month, cases) "
        f"SELECT t.clock, COALESCE(t.layer, ''), t.seconds, "
        f"{MONTH[dialect].format(r='t').replace('submitted_at', 'at')}, COUNT(*) "
        "FROM case_clock_times t GROUP BY 1, 2, 3, 4",
    ]


def _count_column(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "case_month_counts",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("place_unit_id", sa.Integer(), nullable=False),
        *(_count_column(name) for name in FLAGS),
        sa.PrimaryKeyConstraint("month", "place_unit_id", name=op.f("pk_case_month_counts")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "case_month_categories",
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        _count_column("cases"),
        sa.PrimaryKeyConstraint(
            "complex_id", "category", "month", name=op.f("pk_case_month_categories")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "case_clock_times",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=8), nullable=False),
        sa.Column("layer", sa.String(length=32), nullable=True),
        sa.Column("at", caseflow.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("place_unit_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "clock", name=op.f("pk_case_clock_times")),
    )
    op.create_index(
        "ix_case_clock_times_order", "case_clock_times",
        ["clock", "layer", "seconds", "at", "place_unit_id"],
    )
    op.create_table(
        "case_clock_seconds",
        sa.Column("clock", sa.String(length=8), nullable=False),
        sa.Column("layer", sa.String(length=32), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        _count_column("cases"),
        sa.PrimaryKeyConstraint(
            "clock", "layer", "seconds", "month", name=op.f("pk_case_clock_seconds")
        ),
        sqlite_with_rowid=False,
    )
    awaiting = sa.text("state = 'submitted' AND first_accepted_at IS NULL")
    op.create_index(
        "ix_cases_awaiting_accept", "cases", ["submitted_at", "next_due_at", "place_unit_id"],
        sqlite_where=awaiting, postgresql_where=awaiting,
    )
    open_cases = sa.text(
        "state IN ('submitted', 'accepted', 'in_progress', 'deliberating', 'on_hold', "
        "'resolved', 'deferred')"
    )
    op.create_index(
        "ix_cases_open", "cases",
        ["layer", "category", "unit_id", "green_channel", "next_due_at", "submitted_at",
         "place_unit_id", "state"],
        sqlite_where=open_cases, postgresql_where=open_cases,
    )
    op.create_index(
        "ix_cases_open_submitted", "cases", ["submitted_at"],
        sqlite_where=open_cases, postgresql_where=open_cases,
    )
    dialect = op.get_bind().dialect.name
    for statement in recount_sql(dialect):
        op.execute(statement)
    triggers = _sqlite_triggers() if dialect == "sqlite" else _postgresql_triggers()
    for statement in triggers + _clock_triggers(dialect) + _seconds_triggers(dialect):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for suffix in ("ai", "ad"):
        on = "" if dialect == "sqlite" else " ON case_clock_times"
        op.execute(f"DROP TRIGGER IF EXISTS case_clock_seconds_{suffix}{on}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS case_clock_seconds_keep()")
    op.drop_table("case_clock_seconds")
    for table in (*TABLES, "case_clock_times"):
        for suffix in ("ai", "ad", "au", "ae"):
            on = "" if dialect == "sqlite" else f" ON {'case_events' if suffix == 'ae' else 'cases'}"
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}{on}")
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {table}_keep()")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS case_clock_times_accept()")
    op.drop_index("ix_case_clock_times_order", table_name="case_clock_times")
    op.drop_table("case_clock_times")
    op.drop_index("ix_cases_open_submitted", table_name="cases")
    op.drop_index("ix_cases_open", table_name="cases")
    op.drop_index("ix_cases_awaiting_accept", table_name="cases")
    op.drop_table("case_month_categories")
    op.drop_table("case_month_counts")
