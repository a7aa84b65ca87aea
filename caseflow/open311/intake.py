"""From a GeoReport POST to a caseflow submission: place, reporter, attributes, title.

Where a report is: `address_id` (a unit code) first, else the complex nearest to `lat`/`long`,
else a complex or building named in `address_string`. An `address_string` naming nothing we
know goes to a dispatcher (GeoReport's token answer): `locate` returns None for it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.policy import OUTSIDE
from caseflow.models import Unit
from caseflow.open311.mapping import attributes_for
from caseflow.open311.params import Report
from caseflow.open311.render import Open311Error
from caseflow.rules import Category
from caseflow.services.places import PLACE_KINDS, match_place, nearest_complex
from caseflow.services.units import get_unit, relation

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
}


def _bad(description: str) -> Open311Error:
    return Open311Error(400, description)


def _by_code(session: Session, code: str, inside: int | None) -> Unit:
    try:
        place = get_unit(session, code)
    except NotFound:
        raise _bad(f"address_id {code!r} is not a known complex or building code") from None
    if place.kind not in PLACE_KINDS:
        raise _bad(f"address_id {code!r} must name a complex or a building, not a {place.kind}")
    if inside is not None and relation(session, inside, place.id) == OUTSIDE:
        raise _bad(f"address_id {code!r} is outside this jurisdiction")
    return place


def locate(
    session: Session, report: Report, inside: int | None, max_distance_m: float
) -> Unit | None:
    """The complex or building the report is about; None when only a dispatcher can tell.

    A bad `address_id` or `lat`/`long` is a 400 saying what to send instead: the client chose
    them. A free-text `address_string` we cannot match is a person's words, so it waits for a
    dispatcher who can read it (and call the resident back).
    """
    if report.address_id:
        place = _by_code(session, report.address_id, inside)
    elif report.lat is not None and report.long is not None:
        found = nearest_complex(session, report.lat, report.long, inside)
        if found is None or found[1] > max_distance_m:
            raise _bad(
                f"no residential complex within {max_distance_m:g} m of lat/long; "
                "send address_id (a complex or building code) instead"
            )
        place = found[0]
    elif report.address_string:
        matched = match_place(session, report.address_string, inside)
        if matched is None:
            return None
        place = matched
    else:
        raise _bad("a location is required: address_id, lat and long, or address_string")
    building = report.attributes.get("building", "")
    if building and place.kind == "complex":
        # A building named in the attribute narrows the place; an unknown one stays in text.
        inner = match_place(session, building, place.id)
        place = inner if inner is not None else place
    return place


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


def submission(report: Report, category: Category, place: Unit | None) -> dict[str, Any]:
    """The raw submission `submit_case` takes, on the open311 channel (no `unit` if no place)."""
    extra = []
    if report.address_string:
        extra.append(f"地址：{report.address_string}")
    building = report.attributes.get("building", "")
    if building and (place is None or place.kind != "building"):
        extra.append(f"楼栋：{building}")
    if report.media_url:
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


def translate(error: InvalidInput) -> Open311Error:
    """A caseflow validation error, named in GeoReport's words."""
    name = FIELD_NAMES.get(error.field, error.field)
    if name == "phone" and "required" in error.reason:
        return _bad("phone is required: the unit handling the case calls the resident back")
    return _bad(f"{name}: {error.reason}")
