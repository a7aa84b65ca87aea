"""The jurisdiction forest (city > district > street > community > complex > building)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base

UNIT_KINDS = (
    "city",
    "district",
    "street",
    "community",
    "complex",
    "building",
    "property_office",
    # 职能部门: beside the territorial tree, attached to the district or city it serves.
    "department",
)


class PropertyCompany(Base):
    """A property service company (物业服务企业); serves complexes and is rated."""

    __tablename__ = "property_companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Unit(Base):
    """A node of the jurisdiction tree, or a property office under a complex."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    property_company_id: Mapped[int | None] = mapped_column(ForeignKey("property_companies.id"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    property_company: Mapped[PropertyCompany | None] = relationship()


class UnitClosure(Base):
    """Every (ancestor, descendant) pair, self included, for subtree filters in one join."""

    __tablename__ = "unit_closure"

    ancestor_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    descendant_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    depth: Mapped[int]

    __table_args__ = (Index("ix_unit_closure_descendant", "descendant_id", "ancestor_id"),)
