"""Alembic migrations build exactly the schema the models describe, and step back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from caseflow.db import make_engine
from caseflow.models import Base
from caseflow.services import migrations


def test_migrations_from_empty_match_the_models(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_revision_downgrades_to_empty_and_upgrades_again(database_url):
    engine = make_engine(database_url)
    migrations.downgrade(engine, "base")
    assert not migrations.is_at_head(engine)
    migrations.upgrade(engine)
    assert migrations.is_at_head(engine)
    engine.dispose()
