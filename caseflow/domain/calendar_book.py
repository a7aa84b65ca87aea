"""Named calendars of one rules version and which one a unit's clocks follow.

Resolution for a clock held by a unit (closest says, the clock first):
1. the calendar the clock names in deadlines.yaml (`calendar: property_duty`);
2. the holding unit's code in calendar.yaml's `units:` map, then its kind;
3. walking up the unit tree, the code of each ancestor: a calendar given to a unit by code
   is inherited by every unit under it unless one of them says otherwise. A calendar given
   by kind (`street: street_office`) is for units of that kind only: the communities under
   a street are not street offices;
4. the default calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from caseflow.domain.calendar import BusinessCalendar

DEFAULT_NAME = "default"


@dataclass(frozen=True)
class CalendarBook:
    """Every named calendar, the default one, and the `units:` map (code or kind -> name)."""

    default: BusinessCalendar
    named: Mapping[str, BusinessCalendar] = field(default_factory=lambda: MappingProxyType({}))
    units: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, name: str | None) -> BusinessCalendar:
        """The calendar called `name`; the default for None or a name no longer defined (a
        clock frozen on an open case keeps counting after its calendar was removed)."""
        if name is None or name == self.default.name:
            return self.default
        return self.named.get(name, self.default)

    def names(self) -> tuple[str, ...]:
        """Every calendar name, the default first."""
        return (self.default.name, *sorted(n for n in self.named if n != self.default.name))

    def for_unit(self, path: Iterable[tuple[str, str]]) -> str:
        """The calendar name of a unit, given (code, kind) from the unit up to its root."""
        for depth, (code, kind) in enumerate(path):
            if code in self.units:
                return self.units[code]
            if depth == 0 and kind in self.units:
                return self.units[kind]
        return self.default.name

    def for_clock(self, clock_calendar: str | None, path: Iterable[tuple[str, str]]) -> str:
        """The calendar a clock runs on: its own, else its unit's (inherited), else default."""
        return clock_calendar or self.for_unit(path)

    def label(self, name: str | None) -> str:
        """What the case page shows for a calendar: its label, else its name; "" for an
        unlabelled default calendar (the page then says "standard working hours")."""
        calendar = self.get(name)
        if calendar.label or calendar is not self.default:
            return calendar.label or calendar.name
        return ""
