"""Rule-set versions: seed, activate, roll back, and find the active one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from caseflow.domain.errors import NotFound
from caseflow.models import RuleActivation, RuleSetVersion
from caseflow.rules import RuleSet, content_version, load_rules_from_texts
from caseflow.services.uow import UnitOfWork

_COMPILED: dict[str, RuleSet] = {}


def read_rules_dir(directory: str | Path) -> dict[str, str]:
    """Every YAML file of a rules directory, by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(directory).glob("*.yaml"))}


def compiled(files: Mapping[str, str]) -> RuleSet:
    """Compile a set once per process; versions are content hashes, so caching is safe.

    Looked up by hash before parsing: parsing with line numbers is the costly part, and every
    process, app and worker asks again for the set it already holds.
    """
    version = content_version(files)
    if version not in _COMPILED:
        _COMPILED[version] = load_rules_from_texts(dict(files))
    return _COMPILED[version]


def activate_rules(
    uow: UnitOfWork, files: Mapping[str, str], by: str, now: datetime, source: str = ""
) -> RuleSet:
    """Validate and activate a set, and commit (raises RulesInvalid and changes nothing if it
    is broken)."""
    ruleset = compiled(files)
    session = uow.session
    if session.get(RuleSetVersion, ruleset.version) is None:
        session.add(RuleSetVersion(version=ruleset.version, files=dict(files), created_at=now))
        session.flush()  # the activation row refers to the version row
    session.add(
        RuleActivation(version=ruleset.version, activated_at=now, activated_by=by, source=source)
    )
    uow.commit()
    return ruleset


def activate_version(uow: UnitOfWork, version: str, by: str, now: datetime) -> RuleSet:
    """Re-activate a stored version, and commit (rolling back is activating an earlier one)."""
    stored = uow.session.get(RuleSetVersion, version)
    if stored is None:
        raise NotFound(f"rule set version {version}")
    return activate_rules(uow, stored.files, by, now, source=f"rollback to {version}")


def latest_activation(uow: UnitOfWork) -> RuleActivation | None:
    """The newest activation row, which names the active version."""
    return uow.session.scalar(select(RuleActivation).order_by(RuleActivation.id.desc()).limit(1))


def active_rules(uow: UnitOfWork) -> tuple[int, RuleSet] | None:
    """(activation id, compiled set) of the active version, or None before the first one."""
    activation = latest_activation(uow)
    if activation is None:
        return None
    cached = _COMPILED.get(activation.version)
    if cached is None:
        stored = uow.session.get(RuleSetVersion, activation.version)
        assert stored is not None  # noqa: S101 (narrowing: the foreign key guarantees it)
        cached = compiled(stored.files)
    return activation.id, cached


def rule_history(uow: UnitOfWork) -> list[RuleActivation]:
    """Every activation, newest first, with who and when."""
    return list(uow.session.scalars(select(RuleActivation).order_by(RuleActivation.id.desc())))


def stored_files(uow: UnitOfWork, versions: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The files of each stored version among `versions` (absent ones are left out)."""
    query = select(RuleSetVersion).where(RuleSetVersion.version.in_(versions))
    return {v.version: dict(v.files) for v in uow.session.scalars(query)}
