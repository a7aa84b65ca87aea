"""From a GeoReport POST to a caseflow submission: reporter, attributes, title.

Where the report is, is found by caseflow.services.georeport_intake.locate; this module only
turns the client's words into the submission `submit_case` takes, and errors into 400s.
"""

from __future__ import annotations

import re
from typing import Any

from caseflow.domain.errors import InvalidInput, Refused
from caseflow.open311.mapping import attributes_for
from caseflow.open311.params import Report
from caseflow.rules import Category
from caseflow.services.georeport_intake import Location, PlaceRef

TITLE_LIMIT = 60
ANONYMOUS = "匿名居民"
CJK = re.compile(r"[\u3400-\u9fff]")
# caseflow's field names as a GeoReport client knows them, for 400 descriptions.
FIELD_NAMES = {
    "title": "description",
    "description": "description",
    "category": "service_code",
    "unit": "address_id",
    "reporter.phone": "phone",
    "name": "first_name/last_name",
    "reporter": "attribute",
    "media": "media",
}


def _bad(description: str) -> Refused:
    return Refused(400, description)


def location(report: Report) -> Location:
    """Where the report says the problem is, as the place finder takes it."""
    return Location(report.address_id, report.lat, report.long, report.address_string,
                    report.attributes.get("building", ""))


def reporter_name(first: str, last: str) -> str:
    """Chinese names read family name first (刘 + 女士); others "first last"."""
    if not first and not last:
        return ANONYMOUS
    if CJK.search(first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def reporter_attrs(report: Report, category: Category) -> dict[str, Any]:
    """The answers to the service's attributes, checked against its definition."""
    asked = {attribute.code: attribute for attribute in attributes_for(category)}
    answers: dict[str, Any] = {}
    for code, value in report.attributes.items():
        attribute = asked.get(code)
        if attribute is None:
            raise _bad(f"attribute[{code}] is not an attribute of service {category.id}")
        keys = [key for key, _zh, _en in attribute.values]
        if keys and value not in keys:
            raise _bad(f"attribute[{code}] must be one of: {', '.join(keys)}")
        if code == "elderly":
            answers["elderly"] = value == "yes"  # routing.yaml's green channel reads this
    missing = [code for code, a in asked.items() if a.required and code not in report.attributes]
    if missing:
        raise _bad(f"attribute[{missing[0]}] is required by service {category.id}")
    return answers


def title_of(description: str) -> str:
    """The first line of the description, shortened: GeoReport has no title field."""
    line = description.strip().splitlines()[0].strip()
    return line if len(line) <= TITLE_LIMIT else line[: TITLE_LIMIT - 1] + "…"


def submission(
    report: Report, category: Category, place: PlaceRef | None
) -> dict[str, Any]:
    """The raw submission `submit_case` takes, on the open311 channel (no `unit` if no place)."""
    extra = []
    if report.address_string:
        extra.append(f"地址：{report.address_string}")
    building = report.attributes.get("building", "")
    if building and (place is None or place.kind != "building"):
        extra.append(f"楼栋：{building}")
    if report.media_url and place is None:
        # A dispatcher placing the report reads it here; a case keeps it as a link attachment.
        extra.append(f"图片：{report.media_url}")
    reporter: dict[str, Any] = {
        "name": reporter_name(report.first_name, report.last_name),
        "phone": report.phone,
        **reporter_attrs(report, category),
    }
    for name in ("email", "device_id", "account_id"):
        if getattr(report, name):
            reporter[name] = getattr(report, name)
    raw = {
        "title": title_of(report.description),
        "description": "\n".join([report.description, *extra]),
        "category": category.id,
        "reporter": reporter,
        "channel": "open311",
    }
    return raw if place is None else raw | {"unit": place.code}


def translate(error: InvalidInput) -> Refused:
    """A caseflow validation error, named in GeoReport's words."""
    name = FIELD_NAMES.get(error.field, error.field)
    if name == "phone" and "required" in error.reason:
        return _bad("phone is required: the unit handling the case calls the resident back")
    return _bad(f"{name}: {error.reason}")
