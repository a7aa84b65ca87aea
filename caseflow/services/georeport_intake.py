"""Reports arriving through Open311 GeoReport: where they are, filing them, the waiting ones.

Where a report is: `address_id` (a unit code) first, else the complex nearest to `lat`/`long`,
else a complex or building named in `address_string`. An `address_string` naming nothing we
know goes to a dispatcher (GeoReport's token answer): `locate` returns None for it.
The Open311 edge and its CLI call these and render the plain values they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.policy import OUTSIDE, Actor
from caseflow.models import IntakeRequest, Unit
from caseflow.rules import RuleSet
from caseflow.services import intake_requests
from caseflow.services.cases import submit_case
from caseflow.services.places import PLACE_KINDS, match_place, nearest_complex
from caseflow.services.units import get_unit, relation
from caseflow.services.uow import UnitOfWork
from caseflow.services.users import find_user


@dataclass(frozen=True)
class Location:
    """Where a GeoReport client says the problem is (any of these may be empty)."""

    address_id: str = ""
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    building: str = ""  # the `building` attribute, which may narrow a complex


@dataclass(frozen=True)
class PlaceRef:
    """The complex or building a report is about."""

    code: str
    kind: str


@dataclass(frozen=True)
class Filed:
    """A report filed as a case: what the client is told back."""

    ref: str
    token: str
    unit_name: str
    state: str
    deadlines: dict[str, Any]


def _by_code(uow: UnitOfWork, code: str, inside: int | None) -> Unit:
    try:
        place = get_unit(uow.session, code)
    except NotFound:
        raise InvalidInput(
            "address_id", f"{code!r} is not a known complex or building code"
        ) from None
    if place.kind not in PLACE_KINDS:
        raise InvalidInput(
            "address_id", f"{code!r} must name a complex or a building, not a {place.kind}"
        )
    if inside is not None and relation(uow.session, inside, place.id) == OUTSIDE:
        raise InvalidInput("address_id", f"{code!r} is outside this jurisdiction")
    return place


def locate(
    uow: UnitOfWork, where: Location, inside: int | None, max_distance_m: float
) -> PlaceRef | None:
    """The complex or building the report is about; None when only a dispatcher can tell.

    A bad `address_id` or `lat`/`long` is InvalidInput saying what to send instead: the client
    chose them. A free-text `address_string` we cannot match is a person's words, so it waits
    for a dispatcher who can read it (and call the resident back).
    """
    session = uow.session
    if where.address_id:
        place = _by_code(uow, where.address_id, inside)
    elif where.lat is not None and where.long is not None:
        found = nearest_complex(session, where.lat, where.long, inside)
        if found is None or found[1] > max_distance_m:
            raise InvalidInput(
                "lat/long",
                f"no residential complex within {max_distance_m:g} m; "
                "send address_id (a complex or building code) instead",
            )
        place = found[0]
    elif where.address_string:
        matched = match_place(session, where.address_string, inside)
        if matched is None:
            return None
        place = matched
    else:
        raise InvalidInput(
            "", "a location is required: address_id, lat and long, or address_string"
        )
    if where.building and place.kind == "complex":
        # A building named in the attribute narrows the place; an unknown one stays in text.
        inner = match_place(session, where.building, place.id)
        place = inner if inner is not None else place
    return PlaceRef(place.code, place.kind)


def file_report(
    uow: UnitOfWork, rules: RuleSet, raw: dict[str, Any], actor: Actor, now: datetime
) -> Filed:
    """Submit a placed report as a case and commit; what the client is told back."""
    case, token = submit_case(uow, rules, raw, actor, now)
    return Filed(case.ref, token, case.unit.name, case.state, dict(case.deadlines or {}))


def park_report(
    uow: UnitOfWork, rules: RuleSet, raw: dict[str, Any], address: str, inside: int | None,
    actor: Actor, now: datetime,
) -> str:
    """Keep a report nobody could place for a dispatcher and commit; the client's token."""
    _, token = intake_requests.receive(uow, rules, raw, address, inside, actor.user_id, now)
    return token


def _user_id(uow: UnitOfWork, username: str) -> int:
    user = find_user(uow.session, username)
    if user is None:
        raise NotFound(f"user {username}")
    return user.id


def _waiting_row(request: IntakeRequest) -> dict[str, Any]:
    # A dispatcher places the report and may have to call back: the reporter is unmasked.
    reporter = request.submission.get("reporter", {})
    return {
        "id": request.id,
        "received_at": request.received_at.isoformat(),
        "category": request.category,
        "title": request.title,
        "address_string": request.address_string,
        "description": request.submission.get("description", ""),
        "reporter": {"name": reporter.get("name", ""), "phone": reporter.get("phone", "")},
        "jurisdiction": request.jurisdiction.code if request.jurisdiction else None,
    }


def waiting_reports(uow: UnitOfWork, username: str) -> list[dict[str, Any]]:
    """The reports this dispatcher may place, oldest first, as plain rows."""
    found = intake_requests.waiting_requests(uow.session, _user_id(uow, username))
    return [_waiting_row(request) for request in found]


def register_report(
    uow: UnitOfWork, rules: RuleSet, request_id: int, username: str, unit: str, now: datetime
) -> dict[str, Any]:
    """Register a waiting report as a case at `unit` and commit; where the case stands."""
    user_id = _user_id(uow, username)
    case = intake_requests.register(uow, rules, request_id, user_id, unit, now)
    return {"ref": case.ref, "state": case.state, "layer": case.layer,
            "unit": case.unit.code, "place": unit}


def dismiss_report(
    uow: UnitOfWork, request_id: int, username: str, reason: str, now: datetime
) -> None:
    """Dismiss a waiting report with a reason the client reads back, and commit."""
    intake_requests.dismiss(uow, request_id, _user_id(uow, username), reason, now)
