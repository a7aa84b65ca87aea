"""People who act in caseflow; the API and UI issues add logins and tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.units import Unit


class User(Base):
    """A person who acts in caseflow: `unit_id` and `role` are their first membership; more
    memberships (交叉任职, grid roles at buildings) are rows of `memberships`."""

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

    # Where notifications to this person go (SMS / WeCom), "" when they get none.
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")

    unit: Mapped[Unit | None] = relationship()
    # Loaded with the user (one more SELECT): the viewer built from a detached row needs them.
    memberships: Mapped[list[Membership]] = relationship(lazy="selectin", viewonly=True)

    @property
    def unit_ids(self) -> tuple[int, ...]:
        """Every unit this person holds a role in: the first one, then the memberships'."""
        first = () if self.unit_id is None else (self.unit_id,)
        # Only as loaded: a row built here and detached has no memberships read yet (the
        # first unit is then all that is known, and all a new user has).
        loaded = self.__dict__.get("memberships") or ()
        return tuple(dict.fromkeys([*first, *(m.unit_id for m in loaded)]))


class Membership(Base):
    """One role a person holds in one unit (交叉任职: a person may hold several).

    Staff roles (caseworker, unit_lead, ...) widen what the person sees to the union of their
    units' areas; grid roles (volunteer, building_lead 楼长, liaison 党员联络员, butler 楼栋管家)
    are held at buildings and decide who is told of a building's cases.
    """

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))

    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role",
                                       name="uq_memberships_user_unit_role"),)


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
