"""Backup then restore gives back exactly the database that was backed up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import MetaData, delete, select

from caseflow.models import Case, OutboxMessage
from caseflow.services.backup import backup, restore
from caseflow.services.cases import submit_case
from caseflow.services.sweep import sweep
from tests.factories import RESIDENT, build_tree, submission


def contents(engine):
    """Every table's rows, in primary-key order (alembic_version included)."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(
                select(table).order_by(*(table.primary_key.columns or table.columns)))]
            for name, table in sorted(meta.tables.items())
        }


def populate(runtime, clock):
    build_tree(runtime)
    for n in range(3):
        with runtime.uow() as uow:
            submit_case(uow, runtime.rules(), submission(title=f"噪音 {n}"), RESIDENT,
                        runtime.now())
            uow.commit()
    clock.advance(timedelta(days=3))
    sweep(runtime.uow, runtime.rules(), runtime.now())


def test_backup_then_restore_gives_an_identical_database(runtime, clock, tmp_path):
    populate(runtime, clock)
    before = contents(runtime.engine)
    assert before["cases"] and before["case_events"] and before["outbox"]
    target = backup(runtime.engine, tmp_path / "caseflow.backup")
    with runtime.uow() as uow:  # damage after the backup, to be undone by the restore
        uow.session.execute(delete(OutboxMessage))
        uow.session.execute(Case.__table__.update().values(title="changed"))
        uow.commit()
    assert contents(runtime.engine) != before
    restore(runtime.engine, target)
    assert contents(runtime.engine) == before


def test_the_cli_round_trip(runtime, clock, tmp_path, cli):
    populate(runtime, clock)
    before = contents(runtime.engine)
    assert "backup written" in cli("backup", str(tmp_path / "b.dump"))
    with runtime.uow() as uow:
        uow.session.execute(delete(OutboxMessage))
        uow.commit()
    runtime.engine.dispose()
    assert "restored" in cli("restore", "--yes", str(tmp_path / "b.dump"))
    assert contents(runtime.engine) == before
