"""People who act in caseflow; the API and UI issues add logins and tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.units import Unit


class User(Base):
    """A staff member bound to one unit with one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Sign-in lockout and password age (services/accounts.py).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship()


class SignInFailures(Base):
    """Wrong passwords typed for one username from one source (an address), and its lockout.

    Keyed by both, so that someone guessing from one address locks only that address out:
    the account's owner, signing in from elsewhere, is never locked out by a stranger.
    """

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    lockouts: Mapped[int] = mapped_column(default=0)  # in a row: each one lasts twice as long
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("username", "source", name="uq_sign_in_failures_key"),)
