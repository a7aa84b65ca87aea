"""Named calendars of one rules version and which one a unit's clocks follow.

Resolution for a clock held by a unit (closest says, the clock first):
1. the calendar the clock names in deadlines.yaml (`calendar: property_duty`);
2. walking up from the holding unit to its root: at each unit, its code in calendar.yaml's
   `units:` map, then its kind; the first hit wins, so a street's calendar is inherited by
   every unit under it unless one of them says otherwise;
3. the default calendar.
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
        for code, kind in path:
            for key in (code, kind):
                if key in self.units:
                    return self.units[key]
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
