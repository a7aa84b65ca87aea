"""Pure mappings between caseflow and GeoReport v2: services, statuses, notes, deadlines.

Nothing here touches the database or Flask; every function takes plain values and returns
the JSON-ready dicts the views render (the XML writer walks the same dicts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from caseflow.domain.lifecycle import FINAL_STATES, SUBMITTED
from caseflow.rules import Category, RuleSet
from caseflow.services.georeport import NOTE_EVENTS, EventLine, ServiceRequest

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
NOTE_LIMIT = 80  # characters of an event's note kept in status_notes
NO_ATTRIBUTES = frozenset({"consultation", "suggestion"})  # natures that ask nothing more

ACTION_LABELS = {
    "submit": ("提交", "submitted"),
    "accept": ("签收", "accepted"),
    "start": ("开始办理", "work started"),
    "hold": ("暂停办理", "on hold"),
    "resume": ("恢复办理", "resumed"),
    "deliberate": ("召开议事会", "deliberation called"),
    "record_decision": ("议事决定", "decision recorded"),
    "resolve": ("办结", "resolved"),
    "evaluate": ("居民评价", "evaluated"),
    "escalate": ("升级", "escalated"),
    "return": ("退单", "returned"),
    "reroute": ("重新分拨", "rerouted"),
    "request_extension": ("申请延期", "extension requested"),
    "approve_extension": ("批准延期", "extension approved"),
    "refuse_extension": ("驳回延期", "extension refused"),
    "defer": ("挂账", "deferred"),
    "withdraw": ("撤回", "withdrawn"),
    "merge": ("合并", "merged"),
    "reject": ("不予受理", "rejected"),
    "close": ("结案", "closed"),
    "reopen": ("重新打开", "reopened"),
    "comment": ("备注", "comment"),
    "claim": ("认领", "claimed"),
    "reassign": ("改派", "reassigned"),
    "supervise": ("督办", "supervised"),
    "warn": ("预警", "warning"),
}


@dataclass(frozen=True)
class Attribute:
    """One question of a service definition (GeoReport `attribute`)."""

    code: str
    datatype: str
    description: tuple[str, str]  # (zh, en)
    datatype_description: tuple[str, str]
    values: tuple[tuple[str, str, str], ...] = ()  # (key, name_zh, name_en)
    required: bool = False


ATTRIBUTES = (
    Attribute(
        "elderly",
        "singlevaluelist",
        (
            "报告人是否为70岁以上老人或残障人士（走绿色通道）？",
            "Is the reporter elderly (70+) or disabled (green channel)?",
        ),
        ("选择是或否", "Choose yes or no"),
        (("yes", "是", "yes"), ("no", "否", "no")),
    ),
    Attribute(
        "building",
        "string",
        ("问题在哪一栋楼？", "Which building is it in?"),
        ("楼栋编码或名称，如 3栋", "A building code or name, e.g. 3栋"),
    ),
)
ATTRIBUTE_CODES = {a.code: a for a in ATTRIBUTES}


def pick(lang: str, pair: tuple[str, str]) -> str:
    """The Chinese or English half of a (zh, en) pair."""
    return pair[1] if lang == "en" else pair[0]


def attributes_for(category: Category) -> tuple[Attribute, ...]:
    """The questions a service asks; consultations and suggestions ask none."""
    return () if category.nature in NO_ATTRIBUTES else ATTRIBUTES


def service(category: Category, categories: Mapping[str, Category], lang: str) -> dict[str, Any]:
    """A category as a GeoReport service; `group` is its parent (a top category heads its own)."""
    group = categories[category.parent] if category.parent else category
    name = pick(lang, (category.name_zh, category.name_en))
    return {
        "service_code": category.id,
        "service_name": name,
        "description": f"{category.name_zh} / {category.name_en}",
        "metadata": bool(attributes_for(category)),
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([category.id, category.name_zh, category.name_en])),
        "group": pick(lang, (group.name_zh, group.name_en)),
    }


def service_definition(category: Category, lang: str) -> dict[str, Any]:
    """The GeoReport service definition: the service code and its attributes in order."""
    attributes = []
    for order, attribute in enumerate(attributes_for(category), start=1):
        item: dict[str, Any] = {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": pick(lang, attribute.datatype_description),
            "order": order,
            "description": pick(lang, attribute.description),
        }
        if attribute.values:
            item["values"] = [
                {"key": key, "name": pick(lang, (zh, en))} for key, zh, en in attribute.values
            ]
        attributes.append(item)
    return {"service_code": category.id, "attributes": attributes}


def discovery(url: str, changeset: str, contact: str, key_service: str) -> dict[str, Any]:
    """The service discovery document for this one production endpoint."""
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": url,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def status_of(state: str) -> str:
    """`closed` for caseflow's final states, `open` for every other."""
    return "closed" if state in FINAL_STATES else "open"


def w3c(value: datetime | None, zone: str) -> str | None:
    """ISO 8601 with the offset of the configured zone, seconds precision (the w3 note)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone)).replace(microsecond=0).isoformat()


def expected_at(state: str, deadlines: Mapping[str, Any]) -> str | None:
    """The running deadline: accept while submitted, then resolve; none once final."""
    if state in FINAL_STATES:
        return None
    clock = "accept" if state == SUBMITTED else "resolve"
    entry = deadlines.get(clock) or {}
    if entry.get("stopped_at"):
        return None
    return entry.get("due_at")


def status_notes(
    layer: tuple[str, str], holder: str, events: Sequence[EventLine], zone: str, lang: str
) -> str:
    """The layer and holder now, then the latest events, newest first, one clause each."""
    head = (
        f"Layer: {layer[1]}, handled by {holder}"
        if lang == "en"
        else f"当前层级：{layer[0]}（{holder}）"
    )
    clauses = []
    for event in list(events)[:NOTE_EVENTS]:
        label = pick(lang, ACTION_LABELS.get(event.action, (event.action, event.action)))
        when = event.at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        note = event.note.strip().replace("\n", " ")
        if len(note) > NOTE_LIMIT:
            note = note[: NOTE_LIMIT - 1] + "…"
        clauses.append(f"{when} {label}" + (f"：{note}" if note else ""))
    if not clauses:
        return head
    sep = "; " if lang == "en" else "；"
    return head + (". Latest: " if lang == "en" else "。最新进展：") + sep.join(clauses)


def service_name(rules: RuleSet, code: str, lang: str) -> str:
    """The category's name, or its code if the active rules no longer have it."""
    category = rules.categories.get(code)
    return pick(lang, (category.name_zh, category.name_en)) if category else code


def _local(iso: str | None, zone: str) -> datetime | None:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)) if iso else None


def service_notice(
    ref: str, unit_name: str, state: str, deadlines: Mapping[str, Any], rules: RuleSet, lang: str
) -> str:
    """What the reporter should expect next: which unit handles the case and by when."""
    due = _local(expected_at(state, deadlines), rules.calendar.zone)
    if lang == "en":
        notice = f"Case {ref} is handled by {unit_name}"
        return notice + (f", expected by {due:%Y-%m-%d %H:%M %Z}" if due else "")
    notice = f"诉求 {ref} 由{unit_name}办理"
    return notice + (f"，预计 {due:%Y-%m-%d %H:%M} 前答复" if due else "")


def waiting_notice(address: str, lang: str) -> str:
    """The notice for a report a dispatcher must place first: what happens and where to look."""
    if lang == "en":
        return (
            f"Received. \"{address}\" names no residential complex we know: a dispatcher will "
            "choose the place and register the case. GET tokens/{token} gives its "
            "service_request_id once registered."
        )
    return (
        f"已收到。地址“{address}”未能对应到已登记的小区或楼栋，将由分拨员确定地点后立案；"
        "立案后可通过 tokens/{token} 查询诉求编号（service_request_id）。"
    )


def _layer_names(rules: RuleSet, layer_id: str) -> tuple[str, str]:
    # A later rule set may have dropped the layer an old case sits on; show its id then.
    layer = next((x for x in rules.layers if x.id == layer_id), None)
    return (layer.name_zh, layer.name_en) if layer else (layer_id, layer_id)


def request_record(
    req: ServiceRequest, rules: RuleSet, lang: str, media_url: str | None
) -> dict[str, Any]:
    """A request as GeoReport shows it, fields in the spec's order; no personal data in it."""
    zone = rules.calendar.zone
    due = _local(expected_at(req.state, req.deadlines), zone)
    return {
        "service_request_id": req.ref,
        "status": status_of(req.state),
        "status_notes": status_notes(
            _layer_names(rules, req.layer), req.unit_name, req.events, zone, lang
        ),
        "service_name": service_name(rules, req.category, lang),
        "service_code": req.category,
        "description": req.description,
        "agency_responsible": req.unit_name,
        "service_notice": service_notice(
            req.ref, req.unit_name, req.state, req.deadlines, rules, lang
        ),
        "requested_datetime": w3c(req.submitted_at, zone),
        "updated_datetime": w3c(req.updated_at, zone),
        "expected_datetime": w3c(due, zone),
        "address": req.address,
        "address_id": req.address_id,
        "zipcode": None,
        "lat": req.lat,
        "long": req.long,
        "media_url": media_url,
    }
