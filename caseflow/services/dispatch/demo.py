"""The demo's departments (caseflow/demo/departments.yaml): 城管 and 住建 in each district,
a caseworker each, and stories of cases sent to them; called by caseflow.services.demo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from caseflow.services.runtime import Runtime
from caseflow.services.units import import_units
from caseflow.services.users import create_user

FILE = Path(__file__).resolve().parents[2] / "demo" / "departments.yaml"


def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return data


def department_stories() -> list[dict[str, Any]]:
    """The department case stories, in the format of cases.yaml."""
    return list(_data()["cases"])


def seed_departments(runtime: Runtime, password: str,
                     progress: Callable[[str], None] = lambda label: None) -> dict[str, int]:
    """Add the departments and their users (after the units and users of the demo)."""
    data = _data()
    with runtime.uow() as uow:
        import_units(uow, [], list(data["units"]))
        for username, display_name, role, unit_code in data["users"]:
            create_user(uow, username, display_name, role, unit_code, password)
        uow.commit()
    progress(f"departments: {len(data['units'])}, with {len(data['users'])} users")
    return {"departments": len(data["units"]), "department users": len(data["users"])}
