"""Departments beside the small Leshan tree of tests.factories, and their staff."""

from __future__ import annotations

from typing import Any

from caseflow.models import User
from caseflow.services.cases import submit_case
from caseflow.services.runtime import Runtime
from caseflow.services.units import get_unit, import_units, parse_units
from tests.factories import RESIDENT, act_on, build_tree, submission

# 城管 and 住建 serve the district; 城管's 执法中队 is a sub-department (its own line climbs
# to 城管); 市场监管 serves the city.
DEPARTMENTS = """
units:
  - {code: shizhong-chengguan, name: 市中区城管局, kind: department, parent: shizhong}
  - {code: shizhong-chengguan-squad, name: 城管执法一中队, kind: department,
     parent: shizhong-chengguan}
  - {code: shizhong-zhujian, name: 市中区住建局, kind: department, parent: shizhong}
  - {code: leshan-shichang, name: 乐山市市场监管局, kind: department, parent: leshan}
"""

DEPARTMENT_STAFF = {
    "chengguan": ("caseworker", "shizhong-chengguan"),
    "chengguan-lead": ("unit_lead", "shizhong-chengguan"),
    "squad": ("caseworker", "shizhong-chengguan-squad"),
    "zhujian": ("caseworker", "shizhong-zhujian"),
    "shichang": ("caseworker", "leshan-shichang"),
}


def build_departments(runtime: Runtime) -> dict[str, User]:
    """The small tree, its staff, the departments and their staff; users by name."""
    users = build_tree(runtime)
    with runtime.uow() as uow:
        import_units(uow, *parse_units(DEPARTMENTS, "departments.yaml"))
        uow.session.flush()
        for name, (role, unit) in DEPARTMENT_STAFF.items():
            user = User(username=name, display_name=name, role=role,
                        unit_id=get_unit(uow.session, unit).id)
            uow.session.add(user)
            users[name] = user
        uow.commit()
    return users


def submit(runtime: Runtime, **overrides: Any) -> Any:
    with runtime.uow() as uow:
        case, _ = submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT,
                              runtime.now())
        return case


def act(runtime: Runtime, ref: str, action: str, user: Any, note: str = "",
        data: dict[str, Any] | None = None) -> Any:
    with runtime.uow() as uow:
        return act_on(uow, runtime.rules(), ref, action, user, runtime.now(), note, data)


def at_street(runtime: Runtime, users: dict[str, User]) -> Any:
    """A case held and accepted by the street (a safety hazard starts there)."""
    case = submit(runtime, title="外墙瓷砖脱落", category="falling_tiles",
                  description="3栋外墙瓷砖松动，随时可能掉落。")
    assert case.layer == "street"
    act(runtime, case.ref, "accept", users["street"])
    return case
