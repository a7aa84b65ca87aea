"""A realistic jurisdiction forest for the benchmarks, imported through the real service.

Three cities, each with districts, sub-districts, communities and complexes; every complex
has two buildings and a property office served by one of 39 property companies (the count
rated in Lishui, seed 002). One caseworker sits at every unit that holds a layer.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from caseflow.models import Unit, UnitClosure, User
from caseflow.rules import RuleSet
from caseflow.services.runtime import Runtime
from caseflow.services.units import import_units

CITIES = (("leshan", "乐山市"), ("zigong", "自贡市"), ("chengdu", "成都市"))
FANOUT = {"district": 3, "street": 3, "community": 3, "complex": 8}
COMPANIES = 39
HOLDING_KINDS = ("property_office", "complex", "community", "street", "district", "city")


@dataclass(frozen=True)
class Tree:
    """What the data generator needs to know about the imported forest."""

    places: list[int]  # complexes and buildings cases are raised about
    holders: dict[int, dict[str, int]]  # place id -> layer id -> holding unit id
    place_codes: dict[int, str]
    caseworkers: dict[int, int]  # unit id -> the caseworker user sitting there


def _children(code: str, kind: str, depth: int) -> list[dict]:
    kinds = list(FANOUT)
    if depth == len(kinds):
        return []
    child_kind = kinds[depth]
    return [
        {
            "code": f"{code}-{child_kind[:3]}{n}",
            "name": f"{code} {child_kind} {n}",
            "kind": child_kind,
            "children": _complex_parts(f"{code}-{child_kind[:3]}{n}", n)
            if child_kind == "complex"
            else _children(f"{code}-{child_kind[:3]}{n}", child_kind, depth + 1),
        }
        for n in range(1, FANOUT[child_kind] + 1)
    ]


def _complex_parts(code: str, n: int) -> list[dict]:
    company = f"pc{zlib.crc32(code.encode()) % COMPANIES:02d}"
    return [
        {"code": f"{code}-b1", "name": "1栋", "kind": "building"},
        {"code": f"{code}-b2", "name": "2栋", "kind": "building"},
        {"code": f"{code}-office", "name": "物业服务中心", "kind": "property_office",
         "property_company": company},
    ]


def forest() -> tuple[list[dict], list[dict]]:
    """Companies and nested unit rows in the shape `import_units` reads."""
    companies = [{"code": f"pc{i:02d}", "name": f"物业服务企业 {i}"} for i in range(COMPANIES)]
    units = [
        {"code": code, "name": name, "kind": "city", "children": _children(code, "city", 0)}
        for code, name in CITIES
    ]
    return companies, units


def _flatten(nodes: list[dict], parent: str | None) -> list[dict]:
    rows = []
    for node in nodes:
        rows.append({k: v for k, v in node.items() if k != "children"} | {"parent": parent})
        rows.extend(_flatten(node.get("children") or [], node["code"]))
    return rows


def _holders(session: Session, places: list[int], rules: RuleSet) -> dict[int, dict[str, int]]:
    """Each place's holder at every layer, as `units.holder_for` finds it (the nearest
    ancestor of the layer's kind; the property office: the complex's lowest-id office), from
    two reads instead of a query per place and layer."""
    nearest: dict[int, dict[str, int]] = {place: {} for place in places}
    closure = session.execute(
        select(UnitClosure.descendant_id, Unit.kind, Unit.id)
        .join(Unit, Unit.id == UnitClosure.ancestor_id)
        .order_by(UnitClosure.descendant_id, UnitClosure.depth.desc())
    )
    for place, kind, unit in closure:
        if place in nearest:
            nearest[place][kind] = unit  # the shallowest comes last and wins
    offices = dict(session.execute(
        select(Unit.parent_id, func.min(Unit.id))
        .where(Unit.kind == "property_office").group_by(Unit.parent_id)
    ).all())
    for kinds in nearest.values():
        kinds["property_office"] = offices.get(kinds.get("complex"))  # type: ignore[assignment]
    return {place: {layer.id: kinds.get(layer.unit_kind) for layer in rules.layers}
            for place, kinds in nearest.items()}  # type: ignore[misc]


def build(runtime: Runtime, rules: RuleSet) -> Tree:
    """Import the forest and the caseworkers; compute each place's holder of every layer."""
    companies, nested = forest()
    with runtime.uow() as uow:
        import_units(uow, companies, _flatten(nested, None))
        uow.commit()
    with runtime.uow() as uow:
        session = uow.session
        units = session.execute(select(Unit.id, Unit.code, Unit.kind)).all()
        holding = [(uid, code) for uid, code, kind in units if kind in HOLDING_KINDS]
        session.execute(insert(User), [
            {"username": f"cw-{code}", "display_name": f"caseworker {code}", "role": "caseworker",
             "unit_id": uid, "active": True}
            for uid, code in holding
        ])
        uow.commit()
        caseworkers = dict(session.execute(select(User.unit_id, User.id)).all())
        places = [uid for uid, _, kind in units if kind in ("complex", "building")]
        complexes = {uid: code for uid, code, kind in units if kind == "complex"}
        holders = _holders(session, places, rules)
    codes = {uid: code for uid, code, _ in units}
    # Most grievances name the complex; some name a building.
    weighted = [p for p in places if p in complexes] * 3 + [p for p in places if p not in complexes]
    return Tree(
        places=weighted,
        holders=holders,
        place_codes=codes,
        caseworkers=caseworkers,
    )
