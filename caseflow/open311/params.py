"""Parsing GeoReport query strings and form bodies into plain values; 400 on bad input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from caseflow.domain.errors import Refused
from caseflow.services.georeport import RequestFilter

WINDOW = timedelta(days=90)  # the spec's default and largest span of a requests query
MAX_IDS = 100  # service_request_id values in one query
STATUSES = ("open", "closed")


def _bad(description: str) -> Refused:
    return Refused(400, description)


def comma_list(value: str | None) -> tuple[str, ...]:
    """`a, b,,c` → ("a", "b", "c"), duplicates dropped, order kept."""
    if not value:
        return ()
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def parse_when(name: str, value: str, zone: str) -> datetime:
    """A w3c/ISO 8601 time; one without an offset is read in the configured zone."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _bad(f"{name} must be an ISO 8601 time such as 2026-11-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    return parsed


def window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The span searched: the last 90 days by default, never longer than 90 days."""
    if start is None and end is None:
        return now - WINDOW, now
    if start is None:
        assert end is not None  # noqa: S101 (type narrowing: both None returned above)
        return end - WINDOW, end
    if end is None:
        return start, start + WINDOW
    if end < start:
        raise _bad("end_date must not be before start_date")
    if end - start > WINDOW:
        raise _bad("start_date and end_date may not span more than 90 days")
    return start, end


def request_filter(
    args: Mapping[str, str], codes: Mapping[str, object], now: datetime, zone: str
) -> RequestFilter:
    """GET requests parameters; `service_request_id` overrides every other filter."""
    refs = comma_list(args.get("service_request_id"))
    if refs:
        if len(refs) > MAX_IDS:
            raise _bad(f"service_request_id may list at most {MAX_IDS} ids")
        return RequestFilter(refs=refs)
    service_codes = comma_list(args.get("service_code"))
    unknown = [code for code in service_codes if code not in codes]
    if unknown:
        raise _bad(f"unknown service_code: {', '.join(unknown)}")
    statuses = comma_list(args.get("status"))
    if any(status not in STATUSES for status in statuses):
        raise _bad("status must be open, closed or both, comma separated")
    start = parse_when("start_date", args["start_date"], zone) if args.get("start_date") else None
    end = parse_when("end_date", args["end_date"], zone) if args.get("end_date") else None
    start, end = window(start, end, now)
    return RequestFilter(service_codes=service_codes, start=start, end=end, statuses=statuses)


@dataclass(frozen=True)
class Report:
    """A POST service request as sent, before the place is found."""

    service_code: str
    description: str
    address_id: str = ""
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


def _coordinate(form: Mapping[str, str], name: str, limit: float) -> float | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _bad(f"{name} must be a decimal number of degrees (WGS-84)") from None
    if not -limit <= value <= limit:  # also refuses nan
        raise _bad(f"{name} must be between -{limit:g} and {limit:g}")
    return value


def report(form: Mapping[str, str]) -> Report:
    """The fields of a POST requests body; `attribute[code]` keys become `attributes`."""
    text = {key: (value or "").strip() for key, value in form.items()}
    if not text.get("service_code"):
        raise _bad("service_code is required")
    if not text.get("description"):
        raise _bad("description is required: say what is wrong")
    lat, long = _coordinate(text, "lat", 90), _coordinate(text, "long", 180)
    if (lat is None) != (long is None):
        raise _bad("lat and long must be given together")
    attributes = {
        key[len("attribute[") : -1]: value
        for key, value in text.items()
        if key.startswith("attribute[") and key.endswith("]") and value
    }
    names = (
        "address_id address_string first_name last_name phone email device_id account_id media_url"
    ).split()
    return Report(
        service_code=text["service_code"],
        description=text["description"],
        lat=lat,
        long=long,
        attributes=attributes,
        **{name: text.get(name, "") for name in names},
    )
