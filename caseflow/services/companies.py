"""Property service companies (物业服务企业): list, register, rename."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.models import PropertyCompany, Unit
from caseflow.services.uow import UnitOfWork

CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def list_companies(uow: UnitOfWork) -> list[tuple[PropertyCompany, int]]:
    """Every company with how many units (offices) it serves, by name."""
    served = func.count(Unit.id)
    rows = uow.session.execute(
        select(PropertyCompany, served)
        .outerjoin(Unit, Unit.property_company_id == PropertyCompany.id)
        .group_by(PropertyCompany.id)
        .order_by(PropertyCompany.name)
    )
    return [(company, count) for company, count in rows]


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("name", "is required (at most 200 characters)")
    return name


def create_company(uow: UnitOfWork, code: str, name: str) -> PropertyCompany:
    """Register a company under a new code (commits)."""
    code = (code or "").strip().lower()
    if not CODE.match(code):
        raise InvalidInput("code", "use 2-64 lowercase letters, digits, '.', '_' or '-'")
    if uow.session.scalar(select(PropertyCompany.id).where(PropertyCompany.code == code)):
        raise InvalidInput("code", f"{code!r} is already taken")
    company = PropertyCompany(code=code, name=_name(name), attrs={})
    uow.session.add(company)
    uow.commit()
    return company


def rename_company(uow: UnitOfWork, code: str, name: str) -> None:
    """Change a company's name (commits)."""
    company = uow.session.scalar(select(PropertyCompany).where(PropertyCompany.code == code))
    if company is None:
        raise NotFound(f"property company {code}")
    company.name = _name(name)
    uow.commit()
