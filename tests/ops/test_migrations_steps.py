"""Migrations: from an empty database, and from every earlier revision, to the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from caseflow.db import make_engine
from caseflow.models import Base
from caseflow.services import migrations
from tests.test_migrations import _model_objects


def revisions(engine):
    script = ScriptDirectory.from_config(migrations.alembic_config(engine))
    return [rev.revision for rev in script.walk_revisions()]


def matches_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _model_objects})
        return compare_metadata(context, Base.metadata) == []


def test_every_revision_upgrades_to_the_models(database_url):
    engine = make_engine(database_url)
    for revision in revisions(engine):
        migrations.downgrade(engine, "base")
        migrations.upgrade(engine, revision)
        assert not migrations.is_at_head(engine) or revision in ScriptDirectory.from_config(
            migrations.alembic_config(engine)).get_heads()
        migrations.upgrade(engine)
        assert migrations.is_at_head(engine), revision
        assert matches_models(engine), revision
    engine.dispose()


def test_the_outbox_branch_steps_down_and_up_again(database_url):
    engine = make_engine(database_url)
    migrations.downgrade(engine, "0006-1")
    assert not migrations.is_at_head(engine)
    migrations.upgrade(engine)
    assert migrations.is_at_head(engine) and matches_models(engine)
    engine.dispose()
