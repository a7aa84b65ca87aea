"""Owners' votes (业主表决): who counts as an owner, and whether a vote passes, exactly.

Civil Code art. 278 asks for two majorities at once, one by floor area and one by head
count. The Supreme People's Court interpretation on building ownership (法释〔2009〕7号,
art. 8-9) says how to count:

* area is the registered area (不动产登记簿) of each exclusive part (专有部分);
* heads: one person per exclusive part, but one owner of several parts counts once, and
  the developer's unsold (or sold but undelivered) parts count as one owner together.

So ballots are cast per *owner key*: a person's key covers all their parts, and every
unsold part shares the key `DEVELOPER`. Abstentions take part but are not in favour.
All arithmetic is on `Fraction`s so "exactly two thirds" is never lost to rounding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

DEVELOPER = "developer"
CHOICES = ("for", "against", "abstain")
CHANNELS = ("in_person", "written", "proxy", "online")


@dataclass(frozen=True)
class Part:
    """One exclusive part (专有部分) on the ballot list."""

    code: str
    area: Decimal
    owner_key: str
    developer_unsold: bool = False

    @property
    def voter(self) -> str:
        """Whose ballot covers this part: the owner's key, or the developer's for unsold parts."""
        return DEVELOPER if self.developer_unsold else self.owner_key


@dataclass(frozen=True)
class Threshold:
    """A share of area and of heads; `inclusive` means "at least", otherwise "more than"."""

    name: str
    area: Fraction
    owners: Fraction
    inclusive: bool


@dataclass(frozen=True)
class Check:
    """One threshold tested on one basis: what was needed and what was reached."""

    name: str
    basis: Fraction  # the whole the share is taken of (m² or owners)
    share: Fraction
    inclusive: bool
    reached: Fraction
    heads: bool  # head counts need a whole number of owners

    @property
    def bound(self) -> Fraction:
        """The exact amount the share names (e.g. 2/3 of 3000 m² is 2000 m²)."""
        return self.share * self.basis

    @property
    def passed(self) -> bool:
        """At least the bound when inclusive, more than it otherwise."""
        return self.reached >= self.bound if self.inclusive else self.reached > self.bound

    @property
    def needed(self) -> Fraction:
        """The smallest amount that passes: whole owners, or m² to the hundredth."""
        step = Fraction(1) if self.heads else Fraction(1, 100)
        units = self.bound / step
        smallest = math.ceil(units) if self.inclusive else math.floor(units) + 1
        return smallest * step

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with areas as decimal text and the exact bound as "n/d"."""
        show = _count if self.heads else _area
        return {
            "name": self.name,
            "rule": f"{'≥' if self.inclusive else '>'} {self.share} of {show(self.basis)}",
            "share": str(self.share),
            "inclusive": self.inclusive,
            "basis": show(self.basis),
            "bound": str(self.bound),
            "needed": show(self.needed),
            "reached": show(self.reached),
            "passed": self.passed,
        }


@dataclass(frozen=True)
class Tally:
    """A vote counted: the totals, each check, and the verdict."""

    total_area: Fraction
    total_owners: int
    counts: Mapping[str, tuple[Fraction, int]]  # choice -> (area, owners)
    checks: tuple[Check, ...]

    @property
    def quorum_met(self) -> bool:
        """Whether enough owners took part (the participation checks)."""
        return all(c.passed for c in self.checks if c.name.startswith("participation"))

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready explanation of the result."""
        return {
            "passed": self.passed,
            "quorum_met": self.quorum_met,
            "total_area": _area(self.total_area),
            "total_owners": self.total_owners,
            "counts": {
                choice: {"area": _area(area), "owners": owners}
                for choice, (area, owners) in self.counts.items()
            },
            "checks": [c.to_dict() for c in self.checks],
        }


def parse_share(text: Any, field: str = "share") -> Fraction:
    """A share written as "n/d" (or a whole number); ValueError for anything else."""
    try:
        value = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{field}: write a fraction such as 2/3, not {text!r}") from None
    if not 0 < value <= 1:
        raise ValueError(f"{field}: must be above 0 and at most 1, not {text}")
    return value


def threshold_from(name: str, raw: Mapping[str, Any]) -> Threshold:
    """A Threshold from a voting.yaml entry {area, owners, inclusive}."""
    return Threshold(
        name=name,
        area=parse_share(raw.get("area"), f"{name}.area"),
        owners=parse_share(raw.get("owners"), f"{name}.owners"),
        inclusive=bool(raw.get("inclusive", True)),
    )


def owners_of(parts: Iterable[Part]) -> dict[str, Fraction]:
    """Area held by each voter: several parts of one owner add up; unsold parts are one."""
    held: dict[str, Fraction] = {}
    for part in parts:
        held[part.voter] = held.get(part.voter, Fraction(0)) + Fraction(part.area)
    return held


def tally(
    parts: Iterable[Part],
    ballots: Mapping[str, str],
    participation: Threshold,
    passing: Threshold,
) -> Tally:
    """Count `ballots` (voter key -> choice, one per voter) against the two thresholds."""
    held = owners_of(parts)
    unknown = sorted(set(ballots) - set(held))
    if unknown:
        raise ValueError(f"ballots from voters not on the list: {', '.join(unknown)}")
    counts = {}
    for choice in CHOICES:
        voters = [key for key, cast in ballots.items() if cast == choice]
        counts[choice] = (sum((held[key] for key in voters), Fraction(0)), len(voters))
    total_area = sum(held.values(), Fraction(0))
    took_area = sum((area for area, _ in counts.values()), Fraction(0))
    took_heads = sum(heads for _, heads in counts.values())
    yes_area, yes_heads = counts["for"]
    checks = (
        _check("participation_area", total_area, participation.area, participation, took_area),
        _check(
            "participation_owners",
            len(held),
            participation.owners,
            participation,
            took_heads,
            heads=True,
        ),
        _check("approval_area", took_area, passing.area, passing, yes_area),
        _check("approval_owners", took_heads, passing.owners, passing, yes_heads, heads=True),
    )
    return Tally(total_area, len(held), counts, checks)


def _check(
    name: str,
    basis: Fraction | int,
    share: Fraction,
    rule: Threshold,
    reached: Fraction | int,
    heads: bool = False,
) -> Check:
    return Check(name, Fraction(basis), share, rule.inclusive, Fraction(reached), heads)


def _area(value: Fraction) -> str:
    """m² to the hundredth; an inexact value is shown rounded towards what it must reach."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounding = ROUND_CEILING if exact > 0 else ROUND_FLOOR
    return str(exact.quantize(Decimal("0.01"), rounding=rounding))


def _count(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(value)
