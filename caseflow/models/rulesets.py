"""Stored rule-set versions and the history of which one was active when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.models.base import Base


class RuleSetVersion(Base):
    """The text of every rules file of one version, keyed by its content hash."""

    __tablename__ = "rule_set_versions"

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    files: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class RuleActivation(Base):
    """One activation; the newest row names the active version (rollback = activate again)."""

    __tablename__ = "rule_activations"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(ForeignKey("rule_set_versions.version"))
    activated_at: Mapped[datetime]
    activated_by: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(500), default="")
