"""A PostgreSQL test database emptied between tests instead of cloned for each one.

CREATE DATABASE … TEMPLATE copies the whole catalogue through the WAL (0.15–0.4 s a test, a
third of the suite's PostgreSQL half); deleting what a test wrote takes milliseconds. Before
each test the database is made like the template again: other sessions ended (as DROP … WITH
(FORCE) ended them), every table emptied, every sequence set back, the rows the migrations
wrote put back. A test that changed the schema (migrations stepping down and up, a restore)
is caught by the catalogue's row versions; the database is then cloned again.
"""

from __future__ import annotations

import psycopg
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

USER_SCHEMAS = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"

# Any DDL writes catalogue rows (new xmin) or deletes some (smaller count): a schema changed by
# a test, even if built again as it was (migrations down and up), does not match. Only DDL
# writes these rows: DELETE and setval do not, and ANALYZE updates pg_class in place.
CATALOGUES = ("pg_namespace", "pg_class", "pg_attribute", "pg_attrdef", "pg_constraint",
              "pg_index", "pg_trigger", "pg_proc", "pg_rewrite", "pg_type", "pg_sequence",
              "pg_extension", "pg_policy")
FINGERPRINT = "SELECT " + ", ".join(
    f"(SELECT count(*) || '/' || max(xmin::text::bigint) FROM {name})" for name in CATALOGUES)

EMPTY_TABLES = f"""
SELECT coalesce(string_agg(format('DELETE FROM %I.%I;', schemaname, tablename), ''), '')
  FROM pg_tables t JOIN pg_namespace n ON n.nspname = t.schemaname WHERE {USER_SCHEMAS}
"""

RESET_SEQUENCES = f"""
SELECT coalesce(string_agg(format('SELECT setval(%L, %s, %s);',
                                  format('%I.%I', schemaname, sequencename),
                                  coalesce(last_value, start_value),
                                  CASE WHEN last_value IS NULL THEN 'false' ELSE 'true' END),
                           ''), '')
  FROM pg_sequences s JOIN pg_namespace n ON n.nspname = s.schemaname WHERE {USER_SCHEMAS}
"""

# The rows a table holds in the template (alembic_version's), as one INSERT putting them back.
RESTORE_ROWS = """
SELECT format('INSERT INTO %1$s SELECT * FROM json_populate_recordset(NULL::%1$s, %2$L);',
              CAST(:table AS text), json_agg(row_to_json(x))) FROM {table} AS x HAVING count(*) > 0
"""

TABLES = f"""
SELECT format('%I.%I', schemaname, tablename)
  FROM pg_tables t JOIN pg_namespace n ON n.nspname = t.schemaname WHERE {USER_SCHEMAS}
"""

END_OTHER_SESSIONS = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid()
   AND backend_type = 'client backend'
"""


class ScratchDatabase:
    """One database cloned from a template once, and made like it again by `reset`."""

    def __init__(self, admin: Engine, template: str, name: str, url: str) -> None:
        self.admin, self.template, self.name, self.url = admin, template, name, url
        self._clone()
        self.engine = create_engine(admin.url.set(database=name), poolclass=NullPool,
                                    isolation_level="AUTOCOMMIT")
        with self.engine.connect() as conn:
            self.fingerprint = conn.execute(text(FINGERPRINT)).one()
            script = conn.scalar(text(EMPTY_TABLES)) + conn.scalar(text(RESET_SEQUENCES))
            for table in conn.scalars(text(TABLES)).all():
                script += conn.scalar(text(RESTORE_ROWS.format(table=table)),
                                      {"table": table}) or ""
        # Triggers and foreign keys off: every table is emptied, in any order, summaries too.
        self.script = f"SET session_replication_role = replica;{script}" \
                      "RESET session_replication_role;"

    def _clone(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"'))

    def reset(self) -> None:
        """Make the database like the template again: same schema, same rows, same sequences."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text(END_OTHER_SESSIONS))
                if conn.execute(text(FINGERPRINT)).one() == self.fingerprint:
                    # Sent as one simple query: one implicit transaction, all or nothing.
                    conn.connection.driver_connection.execute(self.script.encode())
                    return
        except (DBAPIError, psycopg.Error):
            pass  # whatever a test left behind, a new clone is as fresh as ever
        self._clone()
        with self.engine.connect() as conn:
            self.fingerprint = conn.execute(text(FINGERPRINT)).one()

    def drop(self) -> None:
        """Drop the database at the end of the session."""
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()
