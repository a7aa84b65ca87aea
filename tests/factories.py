"""Builders for tests: a small jurisdiction tree, users and submissions."""

from __future__ import annotations

from typing import Any

from caseflow.domain.policy import Actor
from caseflow.models import User
from caseflow.services.runtime import Runtime
from caseflow.services.units import import_units, parse_units

TREE = """
companies:
  - {code: huacheng, name: 乐山花城物业服务有限公司}
units:
  - code: leshan
    name: 乐山市
    kind: city
    children:
      - code: shizhong
        name: 市中区
        kind: district
        children:
          - code: jiazhou-street
            name: 嘉州街道
            kind: street
            children:
              - code: jiazhou-community
                name: 嘉州新城社区
                kind: community
                children:
                  - code: rhine
                    name: 嘉州新城·莱茵水岸
                    kind: complex
                    attrs: {households: 1766}
                    children:
                      - {code: rhine-b3, name: 3栋, kind: building}
                      - {code: rhine-office, name: 莱茵水岸物业服务中心, kind: property_office,
                         property_company: huacheng}
                  - code: lotus
                    name: 荷花苑
                    kind: complex
                    children:
                      - {code: lotus-office, name: 荷花苑物业, kind: property_office,
                         property_company: huacheng}
"""

STAFF = {
    "butler": ("caseworker", "rhine-office"),
    "butler2": ("caseworker", "rhine-office"),
    "lotus-butler": ("caseworker", "lotus-office"),
    "branch": ("caseworker", "rhine"),
    "branch-lead": ("unit_lead", "rhine"),
    "community": ("caseworker", "jiazhou-community"),
    "street": ("caseworker", "jiazhou-street"),
    "dispatcher": ("dispatcher", "jiazhou-street"),
    "district": ("caseworker", "shizhong"),
    "city": ("caseworker", "leshan"),
    "lead": ("unit_lead", "rhine-office"),
    "leader": ("leader", "shizhong"),
    "admin": ("admin", "leshan"),
}

RESIDENT = Actor(role="resident", relation="owner", label="resident")


def build_tree(runtime: Runtime) -> dict[str, User]:
    """Import the small Leshan tree and one user per entry of STAFF; returns users by name."""
    with runtime.uow() as uow:
        companies, rows = parse_units(TREE, "tree.yaml")
        import_units(uow, companies, rows)
        uow.session.flush()  # units need ids before users can point at them
        from caseflow.services.units import get_unit

        users = {}
        for name, (role, unit) in STAFF.items():
            user = User(
                username=name, display_name=name, role=role, unit_id=get_unit(uow.session, unit).id
            )
            uow.session.add(user)
            users[name] = user
        uow.commit()
    return users


def submission(**overrides: Any) -> dict[str, Any]:
    """A valid grievance about express-locker noise at the Rhine Waterfront complex."""
    body: dict[str, Any] = {
        "title": "快递柜夜间噪音扰民",
        "description": "3栋楼下的快递柜每晚十一点后还在提示音，影响休息。",
        "category": "noise",
        "unit": "rhine",
        "reporter": {"name": "刘女士", "phone": "13800000001"},
        "channel": "web",
    }
    body.update(overrides)
    return body


def act_on(uow: Any, rules: Any, key: str | int, action: str, actor: Any, now: Any,
           note: str = "", data: dict[str, Any] | None = None,
           expected_version: int | None = None, visibility: str | None = None) -> Any:
    """Act through the one verb (services.actions.act) and hand back the case as an ORM
    object read after the commit, for tests that look at its columns."""
    from caseflow.models import Case
    from caseflow.services.actions import ActionCommand, act

    acted = act(uow, rules, ActionCommand(key, action, actor, note, visibility, data or {},
                                          expected_version), now)
    return uow.session.get_one(Case, acted.case_id, populate_existing=True)
