"""The immutable, compiled rule set shared by all requests, and the records it is made of."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from caseflow.domain.calendar import BusinessCalendar
from caseflow.domain.calendar_book import CalendarBook
from caseflow.domain.clocks import ClockSpec
from caseflow.domain.conditions import Condition
from caseflow.domain.durations import Duration, parse_duration
from caseflow.domain.errors import NotFound
from caseflow.domain.routing import RouteDecision, Router, RoutingRule
from caseflow.rules.validate import Category, Layer


@dataclass(frozen=True)
class ClockOverride:
    """deadlines.yaml `overrides` entry: clocks replacing the layer's when `match` holds."""

    clocks: Mapping[str, ClockSpec]
    category: str | None = None
    priority: str | None = None
    green_channel: bool | None = None
    layer: str | None = None
    line: int = 0


@dataclass(frozen=True)
class DeadlineTable:
    """Compiled deadlines.yaml."""

    warning_at: float
    layers: Mapping[str, Mapping[str, ClockSpec]]
    overrides: tuple[ClockOverride, ...]
    green_factor: float
    meeting: ClockSpec
    templates: Mapping[str, ClockSpec]  # per clock name: how a bare duration is completed
    # A dispatch's own clocks at a department (`departments:`): accept and resolve.
    departments: Mapping[str, Duration] = field(default_factory=dict)


@dataclass(frozen=True)
class SkipRule:
    """escalation.yaml `skip` entry: climb from one layer straight to a higher one."""

    from_layer: str
    to_layer: str
    condition: Condition
    reasons: frozenset[str] | None
    line: int


@dataclass(frozen=True)
class EscalationPolicy:
    """Compiled escalation.yaml (without settings)."""

    on_overdue: Mapping[str, str]
    default_on_overdue: str = "warn_only"
    unsatisfied_before_escalation: int = 2
    reopens_before_escalation: int = 1
    problem_case_after_handlings: int = 3
    top_layer_action: str = "supervise"
    skips: tuple[SkipRule, ...] = ()

    def overdue_action(self, clock: str) -> str:
        """What the sweep does when `clock` is overdue: escalate, warn_only or supervise."""
        return self.on_overdue.get(clock, self.default_on_overdue)


@dataclass(frozen=True)
class Settings:
    """Case-wide timings and thresholds."""

    auto_close_after: Duration = field(default_factory=lambda: parse_duration("7d"))
    reopen_window: Duration = field(default_factory=lambda: parse_duration("15d"))
    duplicate_window: Duration = field(default_factory=lambda: parse_duration("24h"))
    problem_case_threshold: int = 3


def content_version(files: Mapping[str, str]) -> str:
    """First 16 hex digits of sha256 over the sorted (filename, text) pairs."""
    digest = hashlib.sha256()
    for name, text in sorted(files.items()):
        # Length prefixes keep ("ab", "c") and ("a", "bc") from hashing alike.
        for part in (name.encode(), text.encode()):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()[:16]


_ClockKey = tuple[str, str | None, str | None, bool]


@dataclass(frozen=True, eq=False)
class RuleSet:
    """One validated, compiled version of the rules; never mutated after it is built."""

    version: str
    files: Mapping[str, str]
    layers: tuple[Layer, ...]
    categories: Mapping[str, Category]
    priorities: tuple[str, ...]
    natures: tuple[str, ...]
    roles: Mapping[str, Mapping[str, str]]
    grants: frozenset[tuple[str, str]]
    routing: tuple[RoutingRule, ...]
    deadlines: DeadlineTable
    escalation: EscalationPolicy
    settings: Settings
    calendar: BusinessCalendar
    extras: Mapping[str, Any]  # meetings / voting / ratings / ranking, read-only as loaded
    # Named calendars and the units map; None: the one `calendar` for every clock.
    calendars: CalendarBook = None  # type: ignore[assignment]
    _layer_ids: Mapping[str, Layer] = field(init=False, repr=False)
    _families: Mapping[str, tuple[str, ...]] = field(init=False, repr=False)
    _router: Router = field(init=False, repr=False)
    _derived: Mapping[str, tuple[Mapping[str, Any], ...]] = field(init=False, repr=False)
    _final_cache: dict[_ClockKey, tuple[ClockSpec, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Precompute lookups, the router and the category families once."""
        put = object.__setattr__
        if self.calendars is None:
            put(self, "calendars", CalendarBook(self.calendar))
        put(self, "_layer_ids", MappingProxyType({layer.id: layer for layer in self.layers}))
        put(self, "_families", MappingProxyType({c: self._family(c) for c in self.categories}))
        starts = {c.id: c.start_layer for c in self.categories.values()}
        put(self, "_router", Router(self.routing, starts, self.layers[0].id))
        # A plain dict, private: a read-only proxy would cost a method call on every route.
        put(self, "_derived", {c: self._derived_facts(c) for c in self.categories})
        put(self, "_final_cache", {})  # filled lazily by clocks_for

    def _family(self, category: str) -> tuple[str, ...]:
        chain = [category]
        while (parent := self.categories[chain[-1]].parent) is not None and parent not in chain:
            chain.append(parent)
        return tuple(chain)

    # -- layers -------------------------------------------------------------------------
    def layer(self, layer_id: str) -> Layer:
        """The layer with this id; NotFound for an unknown one."""
        try:
            return self._layer_ids[layer_id]
        except KeyError:
            raise NotFound(f"layer {layer_id!r}") from None

    def next_layer(self, layer_id: str) -> str | None:
        """The rung above, or None at the top."""
        rank = self.layer(layer_id).rank
        return self.layers[rank + 1].id if rank + 1 < len(self.layers) else None

    @property
    def top_layer(self) -> str:
        """Id of the highest rung."""
        return self.layers[-1].id

    def category_family(self, category: str) -> tuple[str, ...]:
        """The category followed by its ancestors, e.g. ("falling_tiles", "facade")."""
        return self._families.get(category, (category,))

    # -- routing ------------------------------------------------------------------------
    def _derived_facts(self, category_id: str) -> tuple[Mapping[str, Any], ...]:
        """What a category adds to the facts, by (nature missing) + 2 * (priority missing)."""
        category = self.categories[category_id]
        family = {"category_family": self._families[category_id]}
        nature, priority = {"nature": category.nature}, {"priority": category.priority}
        return (family, family | nature, family | priority, family | nature | priority)

    def facts_for(self, facts: Mapping[str, Any]) -> Mapping[str, Any]:
        """Facts with category_family, and nature / priority defaulted from the category."""
        derived = self._derived.get(facts.get("category"))  # type: ignore[arg-type]
        if derived is None or "category_family" in facts:
            return facts
        # Prebuilt per category: routing a case costs one merge, not a dict built per call.
        extra = derived[(facts.get("nature") is None) + 2 * (facts.get("priority") is None)]
        return {**facts, **extra}

    def route(self, facts: Mapping[str, Any], explain: bool = False) -> RouteDecision:
        """First matching routing rule for a new case; `explain` traces every rule tried."""
        return self._router.route(self.facts_for(facts), explain)

    # -- deadlines ----------------------------------------------------------------------
    @property
    def warning_fraction(self) -> float:
        """Fraction of a clock after which a warning fires."""
        return self.deadlines.warning_at

    def clocks_for(
        self,
        layer: str,
        category: str | None = None,
        priority: str | None = None,
        green_channel: bool = False,
        overrides: Mapping[str, Duration] | None = None,
    ) -> tuple[ClockSpec, ...]:
        """The clocks a case gets at `layer`: layer defaults, matching overrides (later win),
        the routing decision's `overrides`, then the green-channel factor."""
        key = (layer, category, priority, bool(green_channel))
        if not overrides and key in self._final_cache:
            return self._final_cache[key]
        clocks = {spec.name: (spec, explicit) for spec, explicit in self._base_clocks(*key)}
        for name, within in (overrides or {}).items():
            template = clocks[name][0] if name in clocks else self.deadlines.templates.get(name)
            if template is None:
                raise ValueError(f"no clock named {name!r} to override")
            clocks[name] = (replace(template, within=within), True)
        result = tuple(self._scaled(spec) if green_channel and not explicit else spec
                       for spec, explicit in clocks.values())
        if not overrides and (category is None or category in self.categories) \
                and (priority is None or priority in self.priorities):
            # Bounded by layers x categories x priorities x 2; racing writers store equals.
            self._final_cache[key] = result
        return result

    def _base_clocks(self, layer: str, category: str | None, priority: str | None,
                     green: bool) -> tuple[tuple[ClockSpec, bool], ...]:
        family = self.category_family(category) if category else ()
        clocks = {name: (spec, False) for name, spec in self._layer_clocks(layer).items()}
        for rule in self.deadlines.overrides:
            if ((rule.layer is None or rule.layer == layer)
                    and (rule.category is None or rule.category in family)
                    and (rule.priority is None or rule.priority == priority)
                    and (rule.green_channel is None or rule.green_channel == green)):
                # A rule written for the green channel already is the fast value: not scaled.
                explicit = rule.green_channel is True
                clocks.update({n: (s, explicit) for n, s in rule.clocks.items()})
        return tuple(clocks.values())

    def _layer_clocks(self, layer: str) -> Mapping[str, ClockSpec]:
        self.layer(layer)
        return self.deadlines.layers.get(layer, MappingProxyType({}))

    def _scaled(self, spec: ClockSpec) -> ClockSpec:
        minutes = int(self.calendar.working_day_length().total_seconds() // 60)
        return replace(spec, within=spec.within.scaled(self.deadlines.green_factor, minutes))

    def meeting_clock(self, kind: str | None = None) -> ClockSpec:
        """The clock that runs while a case is deliberating (per meeting kind if set)."""
        base = self.deadlines.meeting
        kinds = self.extras.get("meetings", {}).get("kinds", {})
        text = kinds.get(kind, {}).get("clock") if isinstance(kinds, Mapping) else None
        return replace(base, within=parse_duration(text)) if isinstance(text, str) else base

    # -- escalation, permissions, optional files ----------------------------------------
    def escalation_target(self, layer: str, reason: str = "overdue",
                          facts: Mapping[str, Any] | None = None) -> str | None:
        """Layer a case climbs to from `layer`; None at the top (supervise instead)."""
        above = self.next_layer(layer)
        if above is None:
            return None
        enriched = self.facts_for(facts or {})
        for skip in self.escalation.skips:
            if skip.from_layer == layer and (skip.reasons is None or reason in skip.reasons) \
                    and skip.condition.test(enriched):
                return skip.to_layer
        return above

    def may(self, role: str, action: str) -> bool:
        """Whether roles.yaml grants `action` to `role`."""
        return (role, action) in self.grants

    def roles_for(self, action: str) -> frozenset[str]:
        """Roles allowed to take `action`."""
        return frozenset(role for role, granted in self.grants if granted == action)

    @property
    def meetings(self) -> Mapping[str, Any]:
        """meetings.yaml as loaded (empty when absent)."""
        found: Mapping[str, Any] = self.extras.get("meetings", MappingProxyType({}))
        return found

    @property
    def voting(self) -> Mapping[str, Any]:
        """voting.yaml as loaded (empty when absent)."""
        found: Mapping[str, Any] = self.extras.get("voting", MappingProxyType({}))
        return found

    @property
    def ratings(self) -> Mapping[str, Any]:
        """ratings.yaml as loaded (empty when absent)."""
        found: Mapping[str, Any] = self.extras.get("ratings", MappingProxyType({}))
        return found

    @property
    def ranking(self) -> Mapping[str, Any]:
        """ranking.yaml as loaded (empty when absent)."""
        found: Mapping[str, Any] = self.extras.get("ranking", MappingProxyType({}))
        return found
