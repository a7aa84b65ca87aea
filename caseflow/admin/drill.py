"""The case list behind a figure: a figure's filters as inbox query arguments and back.

The landing page links every number to `/inbox?...` with `args_of(filters)`; the inbox reads
them with `figure_filters(args)`, so the list holds the cases that number counted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caseflow.domain.errors import InvalidInput
from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.services.queries import CaseFilters

UNITS = ("place", "holder", "held_by")
FLAGS = ("warning", "supervised")
SPANS = ("submitted", "closed")
DRILL_ARGS = (*UNITS, *FLAGS, *SPANS, "settled")


def args_of(filters: CaseFilters) -> dict[str, str]:
    """The inbox query arguments that list exactly the cases of `filters`."""
    args: dict[str, str] = {}
    if not filters.state:
        args["state"] = "all"
    elif tuple(filters.state) != tuple(OPEN_STATES):
        (args["state"],) = filters.state  # the inbox filters by one state
    if filters.overdue is not None:
        args["overdue"] = "yes" if filters.overdue else "no"
    for name in UNITS:
        if getattr(filters, name):
            args[name] = getattr(filters, name)
    for name in FLAGS:
        if getattr(filters, name):
            args[name] = "yes"
    for name in SPANS:
        span = getattr(filters, name)
        if span:
            args[name] = f"{span[0].isoformat()}..{span[1].isoformat()}"
    if filters.settled_at:
        args["settled"] = ",".join(filters.settled_at)
    for name in ("layer", "category"):
        if getattr(filters, name):
            args[name] = getattr(filters, name)
    return args


def _span(name: str, text: str) -> tuple[date, date]:
    first, sep, last = text.partition("..")
    try:
        span = (date.fromisoformat(first), date.fromisoformat(last if sep else first))
    except ValueError:
        raise InvalidInput(name, "use YYYY-MM-DD..YYYY-MM-DD") from None
    if span[1] < span[0] or not 2000 <= span[0].year <= span[1].year <= 2100:
        raise InvalidInput(name, "must be two dates in order between 2000 and 2100")
    return span


def figure_filters(args: Any) -> dict[str, Any]:
    """The figure filters in the query string, as CaseFilters fields (for `replace`)."""
    found: dict[str, Any] = {}
    if args.get("state") == "all":
        found["state"] = ()
    for name in UNITS:
        if args.get(name):
            found[name] = args[name]
    for name in FLAGS:
        if args.get(name) == "yes":
            found[name] = True
    for name in SPANS:
        if args.get(name):
            found[name] = _span(name, args[name])
    if args.get("settled"):
        found["settled_at"] = tuple(x for x in args["settled"].split(",") if x)
    return found
