"""reporting: the summaries' UPDATE triggers on cases go; the writers count their changes

Revision ID: 0022_summaries
Revises: 0021_departments

Every UPDATE of `cases` naming a counted column paid for migration 0008's three UPDATE
triggers (their WHEN clauses, then for an accept or a resolve 7 and 13 trigger programs).
The code that writes a case now counts the change itself, only when a counted field changes
(caseflow/services/reporting/summaries.py: the action path, every ORM flush of a case and the
sweep's set-based UPDATEs). The triggers on INSERT and DELETE of cases, on case_events (the
accept time) and on case_clock_times (its per-second counts) stay. The summaries are exact
at this revision (the triggers kept them), so nothing is recounted.

The accept event's trigger writes the time to first acceptance whether the event comes
before or after the case row that records the acceptance (before: the case has no
`first_accepted_at` yet, and the first accept event is the first acceptance), so the action
path need not look for the event itself.

A later migration that UPDATEs counted columns of `cases` must count them itself, or run
`caseflow report rebuild-summary` (rollup.rebuild).
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0022_summaries"
down_revision: str | None = "0021_departments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = ("case_month_counts_au", "case_month_categories_au", "case_clock_times_au")


def _revision(name: str) -> ModuleType:
    """An earlier revision file, whose trigger builders the downgrade reuses."""
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"caseflow_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SECONDS = {
    "sqlite": "(julianday(NEW.at) - julianday(c.submitted_at)) * 86400.0",
    "postgresql": "extract(epoch from NEW.at - c.submitted_at)",
}


def _accept_time(dialect: str) -> str:
    """The first accept event's time to acceptance, at the event's layer (the case row may
    be written before it, or after it)."""
    ignore, conflict = (" OR IGNORE", "") if dialect == "sqlite" else ("", " ON CONFLICT DO NOTHING")
    return (
        f"INSERT{ignore} INTO case_clock_times (case_id, clock, layer, at, seconds, "
        f"place_unit_id) SELECT c.id, 'accept', NEW.to_layer, NEW.at, {SECONDS[dialect]}, "
        "c.place_unit_id FROM cases c WHERE c.id = NEW.case_id "
        f"AND (c.first_accepted_at IS NULL OR c.first_accepted_at = NEW.at){conflict};"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    on = "" if dialect == "sqlite" else " ON cases"
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}{on}")
    if dialect == "sqlite":
        op.execute("DROP TRIGGER case_clock_times_ae")
        op.execute("CREATE TRIGGER case_clock_times_ae AFTER INSERT ON case_events "
                   f"WHEN NEW.action = 'accept' BEGIN {_accept_time(dialect)} END")
    else:
        op.execute("CREATE OR REPLACE FUNCTION case_clock_times_accept() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {_accept_time(dialect)} RETURN NULL; END $$")


def downgrade() -> None:
    """The UPDATE triggers as 0008 wrote them, case_month_counts_au with 0010's pre-check
    (the summaries need no recount: the code kept them exact meanwhile)."""
    rollups, cheaper = _revision("0008_report_rollups.py"), _revision("0010_cheaper_case_writes.py")
    dialect = op.get_bind().dialect.name
    made = rollups._sqlite_triggers() if dialect == "sqlite" else rollups._postgresql_triggers()
    made += rollups._clock_triggers(dialect)
    if dialect == "sqlite":
        op.execute("DROP TRIGGER case_clock_times_ae")
        restored = ["case_clock_times_ae", *TRIGGERS]
    else:
        [function] = [s for s in made if s.startswith("CREATE FUNCTION case_clock_times_accept()")]
        op.execute(function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
        restored = list(TRIGGERS)
    for name in restored:
        [create] = [s for s in made if s.startswith(f"CREATE TRIGGER {name} ")]
        if name == "case_month_counts_au":
            changed = rollups._counts_changed(dialect)
            create = create.replace(changed, f"({cheaper._pre_check(rollups, dialect)}) "
                                    f"AND ({changed})")
        op.execute(create)
