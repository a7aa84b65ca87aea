"""The readers' words for report figures, for every edge that shows them: the dashboard, the
landing page, charts, CSV/XLSX exports and `caseflow report` (labels from labels.py, layer
and category names from the rules)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.support import Translations

from caseflow.admin import labels
from caseflow.rules import RuleSet
from caseflow.services.reporting.exports import DAYS, HOURS

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
# What kind of code the cells of a column hold; the unresolved report's `key` column holds
# what its table groups by.
CODES_OF = {"layer": "layer", "from_layer": "layer", "to_layer": "layer", "state": "state",
            "category": "category", "clock": "clock", "stars": "stars", "scope": "scope"}
KEYS_OF = {"by_layer": "layer", "by_state": "state", "by_category": "category",
           "by_age": "age", "by_overdue": "due", "by_green_channel": "green"}


class ReportWords:
    """`exports.Words` in one language. `say` turns a label into text: `str` inside a request
    (lazy labels follow the page's language), a catalogue's gettext on the command line."""

    def __init__(self, rules: RuleSet, english: bool, say: Callable[[Any], str] = str) -> None:
        self.rules, self.english, self.say = rules, english, say

    def report(self, name: str) -> str:
        return self.say(labels.REPORTS.get(name, name))

    def table(self, report: str, table: str) -> str:
        return self.say(labels.REPORT_TABLES.get((report, table), table))

    def column(self, report: str, table: str, column: str) -> str:
        if column == "key" and table.startswith("by_"):
            found = labels.DIMENSIONS.get(table[3:])
            if table == "by_unit":
                found = labels.REPORT_COLUMNS["unit"]
            if found is not None:
                return self.say(found)
        if column == "name" and table in ("by_unit", "ranking"):
            return self.say(labels.DIMENSIONS["unit"] if table == "by_unit" else labels.UNIT)
        return self.say(labels.REPORT_COLUMNS.get(column, column))

    def unit(self, fmt: str) -> str:
        return self.say(labels.UNITS_OF_TIME["hours" if fmt == HOURS else "days"]) \
            if fmt in (HOURS, DAYS) else ""

    def value(self, table: str, column: str, value: Any) -> Any:
        if value == "total":
            return self.say(labels.TOTAL)
        kind = KEYS_OF.get(table) if column == "key" else CODES_OF.get(column)
        if kind is None or not isinstance(value, str):
            return value
        return self.name_of(kind, value)

    def name_of(self, kind: str, code: str) -> str:
        """The readers' name of a layer, category, state or other code."""
        if kind == "layer":
            layer = next((x for x in self.rules.layers if x.id == code), None)
            return self._named(layer) if layer else code
        if kind == "category":
            category = self.rules.categories.get(code)
            return self._named(category) if category else code
        table = {"state": labels.STATES, "clock": labels.CLOCKS, "stars": labels.STARS,
                 "age": labels.AGES, "due": labels.DUE, "green": labels.GREEN,
                 "scope": {"all": labels.ALL}}[kind]
        return self.say(table.get(code, code))

    def _named(self, thing: Any) -> str:
        return getattr(thing, "name_en" if self.english else "name_zh", "") or thing.id


def words_for(rules: RuleSet, language: str) -> ReportWords:
    """Words outside a request (the command line): the catalogue of `language` (zh or en)."""
    catalogue = Translations.load(str(TRANSLATIONS), [language])
    # Outside a request a lazy label reads as its English msgid; the catalogue translates it.
    return ReportWords(rules, language == "en", lambda label: catalogue.gettext(str(label)))
