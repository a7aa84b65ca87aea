"""Where services get "now" from, so tests can freeze and move time without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Source of the current time."""

    def now(self) -> datetime:
        """Current time as a UTC-aware datetime."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Current time as a UTC-aware datetime."""
        return datetime.now(UTC)


def _utc(at: datetime) -> datetime:
    """`at` in UTC; naive datetimes are refused because their zone is a guess."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {at!r}")
    return at.astimezone(UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, replays)."""

    def __init__(self, at: datetime) -> None:
        self._at = _utc(at)

    def now(self) -> datetime:
        """The frozen time."""
        return self._at

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta` and return the new time."""
        if not isinstance(delta, timedelta):
            raise ValueError(f"advance() takes a timedelta, got {delta!r}")
        self._at = self._at + delta
        return self._at

    def set(self, at: datetime) -> datetime:
        """Jump to `at` and return it (in UTC)."""
        self._at = _utc(at)
        return self._at

    def __repr__(self) -> str:
        return f"FrozenClock({self._at.isoformat()})"
