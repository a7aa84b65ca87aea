"""reporting: a cheap exact pre-check in front of case_month_counts_au's WHEN clause

Revision ID: 0010
Revises: 0008

The trigger's WHEN compares every counted flag of the old and new row (~36 CASE
expressions) on each UPDATE naming a counted column: about 55 µs a row in the sweep's
escalation UPDATE, which sets `state` to the value it already had. A flag can only change if
a counted column other than `state` changed, or if `state` moved into or out of a state some
flag names: that test goes first, and the full comparison only runs when it passes. It stays
one trigger: two (one for `state`, one for the rest) would both fire, and count twice, when
an UPDATE changes both.
"""

import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGER = "case_month_counts_au"


def _rollups() -> ModuleType:
    """Migration 0008, whose flag definitions and trigger builders this one reuses (a
    revision file is not an importable module name)."""
    path = Path(__file__).with_name("0008_report_rollups.py")
    spec = importlib.util.spec_from_file_location("caseflow_migration_0008", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def counted_states(flags: dict[str, str]) -> list[str]:
    """Every state some flag tests `state` against; raises if a flag reads `state` in a way
    this does not parse, as the pre-check would then no longer be exact."""
    tests = re.compile(r"\{r\}\.state (?:NOT IN|IN|=) (\([^)]*\)|'[^']*')")
    states: list[str] = []
    for condition in flags.values():
        found = tests.findall(condition)
        if len(found) != condition.count("{r}.state"):
            raise ValueError(f"unparsed state test in {condition!r}")
        for literal in found:
            states += [s for s in re.findall(r"'([^']*)'", literal) if s not in states]
    return states


def _pre_check(rollups: ModuleType, dialect: str) -> str:
    distinct = rollups.DISTINCT[dialect]
    states = "(" + ",".join(f"'{s}'" for s in counted_states(rollups.FLAGS)) + ")"
    moved = (f"(OLD.state {distinct} NEW.state AND "
             f"(OLD.state IN {states} OR NEW.state IN {states}))")
    others = [f"OLD.{c} {distinct} NEW.{c}" for c in rollups.COUNTED if c != "state"]
    return " OR ".join([moved, *others])


def _statements(prefiltered: bool) -> list[str]:
    """Drop the trigger and create it again, as 0008 wrote it or with the pre-check."""
    rollups, dialect = _rollups(), op.get_bind().dialect.name
    made = rollups._sqlite_triggers() if dialect == "sqlite" else rollups._postgresql_triggers()
    [create] = [s for s in made if s.startswith(f"CREATE TRIGGER {TRIGGER} ")]
    if prefiltered:
        changed = rollups._counts_changed(dialect)
        assert create.count(changed) == 1
        create = create.replace(changed, f"({_pre_check(rollups, dialect)}) AND ({changed})")
    on = "" if dialect == "sqlite" else " ON cases"
    return [f"DROP TRIGGER {TRIGGER}{on}", create]


def upgrade() -> None:
    for statement in _statements(prefiltered=True):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(prefiltered=False):
        op.execute(statement)
