"""inbox search by the caller: name index, phone digits and last-four-digits indexes

Revision ID: 0020_casework
Revises: 0019_residents

A dispatcher finds a case by the caller's name or phone (in full or its last four digits).
The phone indexes are on expressions (separators dropped; the last four digits) written
exactly as caseflow.services.queries writes them, so SQLite and PostgreSQL both use them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_casework"
down_revision: str | None = "0019_residents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIGITS = "replace(replace(reporter_phone, '-', ''), ' ', '')"
TAIL = f"substr({DIGITS}, length({DIGITS}) - 3)"


def upgrade() -> None:
    op.create_index("ix_cases_reporter_name", "cases", ["reporter_name"])
    op.create_index("cases_search_phone_tail", "cases", [sa.text(f"({TAIL})")])


def downgrade() -> None:
    op.drop_index("cases_search_phone_tail", table_name="cases")
    op.drop_index("ix_cases_reporter_name", table_name="cases")
