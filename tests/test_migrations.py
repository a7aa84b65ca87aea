"""Alembic migrations build exactly the schema the models describe, and step back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from caseflow.db import make_engine
from caseflow.models import Base
from caseflow.services import migrations

# Text-search objects the migrations add by hand per dialect (FTS5 tables, trigram index,
# the caller's phone expression index).
SEARCH_OBJECTS = ("cases_fts", "cases_search_trgm", "cases_search_phone")


def _model_objects(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (reflected and compare_to is None and str(name).startswith(SEARCH_OBJECTS))


def test_migrations_from_empty_match_the_models(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _model_objects})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_revision_downgrades_to_empty_and_upgrades_again(database_url):
    engine = make_engine(database_url)
    migrations.downgrade(engine, "base")
    assert not migrations.is_at_head(engine)
    migrations.upgrade(engine)
    assert migrations.is_at_head(engine)
    engine.dispose()
