"""assessments of property teams, credit grades, owners' rating rounds, 双晒 accounts

Revision ID: 0016_assessments
Revises: 0015, 0009, 0005, 0003

Published results are rows of their own (assessment_results, credit_grades): a published
quarter is read back, never recomputed. Owners' evaluations gain the round and household
of an online answer, unique together.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from caseflow.models.base import JSONType, UTCDateTime

revision: str = "0016_assessments"
# Owners' evaluations (0004, head 0009), votes (0005) and users' accounts (0003) live on
# branches of their own: this revision needs them first, so it merges them.
down_revision: str | Sequence[str] | None = ("0015", "0009", "0005", "0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _fk(name: str, target: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target), nullable=nullable)


def _assessment_tables() -> None:
    op.create_table(
        "assessments", _id(), _fk("area_id", "units.id"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        _fk("opened_by_id", "users.id", True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        _fk("published_by_id", "users.id", True),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("settings", JSONType, nullable=False),
        sa.UniqueConstraint("area_id", "year", "quarter", name="uq_assessments_area_id"),
    )
    op.create_table(
        "expert_sheets", _id(), _fk("assessment_id", "assessments.id"),
        _fk("complex_id", "units.id"), _fk("inspector_id", "users.id"),
        sa.Column("scores", JSONType, nullable=False),
        sa.Column("total", sa.Double(), nullable=False),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("assessment_id", "complex_id", "inspector_id",
                            name="uq_expert_sheets_assessment_id"),
    )
    op.create_table(
        "assessment_results", _id(), _fk("assessment_id", "assessments.id"),
        _fk("complex_id", "units.id"), _fk("company_id", "property_companies.id"),
        sa.Column("complex_name", sa.String(200), nullable=False),
        sa.Column("company_name", sa.String(200), nullable=False),
        sa.Column("rated", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("stars", sa.String(16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("red", sa.Boolean(), nullable=False),
        sa.Column("black", sa.Boolean(), nullable=False),
        sa.Column("complex_stars", sa.String(16), nullable=False),
        sa.Column("figures", JSONType, nullable=False),
        sa.UniqueConstraint("assessment_id", "complex_id",
                            name="uq_assessment_results_assessment_id"),
    )
    op.create_index("ix_assessment_results_company", "assessment_results",
                    ["company_id", "assessment_id"])
    op.create_table(
        "credit_grades", _id(), _fk("company_id", "property_companies.id"),
        _fk("assessment_id", "assessments.id"),
        sa.Column("grade", sa.String(8), nullable=False),
        sa.Column("basis", JSONType, nullable=False),
        sa.Column("graded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("company_id", "assessment_id", name="uq_credit_grades_company_id"),
    )


def _rating_tables() -> None:
    op.create_table(
        "rating_rounds", _id(), _fk("complex_id", "units.id"),
        _fk("company_id", "property_companies.id"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        _fk("opened_by_id", "users.id", True),
        sa.Column("closes_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "rating_codes", _id(), _fk("round_id", "rating_rounds.id"),
        sa.Column("household", sa.String(64), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("round_id", "household", name="uq_rating_codes_round_id"),
        sa.UniqueConstraint("code", name="uq_rating_codes_code"),
    )
    with op.batch_alter_table("owner_evaluations") as batch:
        batch.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("household", sa.String(64), nullable=True))
        batch.create_foreign_key("fk_owner_evaluations_round_id_rating_rounds",
                                 "rating_rounds", ["round_id"], ["id"])
        batch.create_unique_constraint("uq_owner_evaluations_round_id",
                                       ["round_id", "household"])


def _account_tables() -> None:
    op.create_table(
        "ledger_lines", _id(), _fk("complex_id", "units.id"),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        _fk("vote_id", "votes.id", True),
        sa.Column("voucher_name", sa.String(200), nullable=False),
        sa.Column("voucher_type", sa.String(64), nullable=False),
        sa.Column("voucher_path", sa.Text(), nullable=False),
        _fk("entered_by_id", "users.id", True),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_ledger_lines_complex_month", "ledger_lines", ["complex_id", "month"])
    op.create_index("ix_ledger_lines_vote_id", "ledger_lines", ["vote_id"])
    op.create_table(
        "monthly_accounts", _id(), _fk("complex_id", "units.id"),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("service_report", sa.Text(), nullable=False),
        sa.Column("totals", JSONType, nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        _fk("published_by_id", "users.id", True),
        sa.UniqueConstraint("complex_id", "month", name="uq_monthly_accounts_complex_id"),
    )


def upgrade() -> None:
    _assessment_tables()
    _rating_tables()
    _account_tables()


def downgrade() -> None:
    op.drop_table("monthly_accounts")
    op.drop_table("ledger_lines")
    with op.batch_alter_table("owner_evaluations") as batch:
        batch.drop_constraint("uq_owner_evaluations_round_id", type_="unique")
        batch.drop_constraint("fk_owner_evaluations_round_id_rating_rounds", type_="foreignkey")
        batch.drop_column("household")
        batch.drop_column("round_id")
    op.drop_table("rating_codes")
    op.drop_table("rating_rounds")
    op.drop_table("credit_grades")
    op.drop_table("assessment_results")
    op.drop_table("expert_sheets")
    op.drop_table("assessments")
