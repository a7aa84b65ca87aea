"""Pure rules of the grid: follow-up sampling, quiet hours, message addresses.

Nothing here reads a database or a clock: each function takes the instants it needs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

PLACEHOLDERS = frozenset({"to", "text", "kind", "ref"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def sampled(ref: str, rate: float) -> bool:
    """Whether the case with this reference is in a follow-up sample of `rate` (0..1).

    Deterministic per case (a hash of its reference), so every sweep, on every worker, picks
    the same cases, and a rate of 1 picks all of them.
    """
    if rate >= 1:
        return True
    if rate <= 0:
        return False
    digest = hashlib.sha256(ref.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


@dataclass(frozen=True)
class QuietHours:
    """Local hours in which messages that are not urgent wait (e.g. 22:00–07:30)."""

    start: time
    end: time
    zone: str = "Asia/Shanghai"

    def _quiet(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # across midnight

    def send_after(self, at: datetime, urgent: bool) -> datetime:
        """When a message written at `at` may go: now if urgent or outside quiet hours,
        else at the end of the quiet hours (local time, returned in `at`'s zone)."""
        if urgent:
            return at
        local = at.astimezone(ZoneInfo(self.zone))
        if not self._quiet(local.timetz().replace(tzinfo=None)):
            return at
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0,
                            microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(at.tzinfo)


def parse_clock_time(text: str) -> time:
    """'22:00' as a time; ValueError for anything else."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(text).strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time of day like 22:00")
    return time(int(match.group(1)), int(match.group(2)))


def template_problems(template: str) -> list[str]:
    """What is wrong with a provider's URL template (empty when it is usable)."""
    problems = []
    if not re.match(r"^https?://[^/{}\s]+", template or ""):
        problems.append("url_template must start with http:// or https:// and a host")
    names = set(_PLACEHOLDER.findall(template or ""))
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        problems.append(f"unknown placeholder {{{unknown[0]}}} "
                        f"(known: {', '.join('{' + n + '}' for n in sorted(PLACEHOLDERS))})")
    if "to" not in names:
        problems.append("url_template must carry the address as {to}")
    return problems


def fill_template(template: str, values: dict[str, str]) -> str:
    """The URL with each placeholder replaced by its URL-encoded value."""
    return _PLACEHOLDER.sub(lambda m: quote(values.get(m.group(1), ""), safe=""), template)
