"""Rule-check messages in the reader's language. The rules floor (caseflow/rules) stays
free of Flask and writes its issues in plain English, which the CLI prints; the check pages
show them through this table, made like the service errors' (caseflow/admin/error_texts.py):
each entry is the English text with its variable parts as `%(name)s`. The type words of
"must be a mapping, not a list" are named too. A message no entry matches is shown as it
is; tests/admin/test_untranslated.py fails when the rules floor can write one.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from caseflow.admin.error_texts import MessageTable

RULE_MESSAGES: tuple[Any, ...] = (
    # A reason from a library (a date parser) after the place it concerns: matched last.
    _l("%(what)s: %(reason)s"),
    # PyYAML's own reason follows in English (it is the parser's, with the line it read).
    _l("YAML syntax error: %(reason)s"),
    _l('%(key)s must be a mapping'),
    _l('%(key)s must be a positive whole number, not %(value)s'),
    _l('%(key)s must be between 0 and 1, not %(value)s'),
    _l('%(key)s.%(name)s must be a number %(bound)s'),
    _l('%(name)s is the top-level calendar; give this one another name'),
    _l('%(value)s must be one of: %(choices)s'),
    _l('%(what)s %(value)s must be lower_snake_case (a-z, 0-9, _)'),
    _l('%(what)s inclusive must be true or false'),
    _l('%(what)s is missing %(key)s'),
    _l('%(what)s must be %(want)s, not %(got)s'),
    _l('%(what)s.%(key)s: %(date)s is not in %(year)s'),
    _l('%(what)s.%(key)s: %(item)s is not a date like "2027-01-01"'),
    _l('%(what)s.min_cases must be at least 2'),
    _l('%(what)s: %(day)s is given twice'),
    _l('%(what)s: a work period must be a pair of quoted times like ["09:00", "12:00"], '
       'not %(pair)s'),
    _l('%(what)s: bad duration %(value)s: add a unit, e.g. "%(example)s"'),
    _l('%(what)s: bad duration: %(reason)s'),
    _l('%(what)s: bad regular expression (RE2 has no backreferences or lookaround): %(reason)s'),
    _l('%(what)s: cannot read the days %(spec)s (write mon, mon-fri, sat,sun or daily)'),
    _l('YAML error: %(reason)s'),
    _l('a mapping key must be a plain value'),
    _l('aspects must be a list of names'),
    _l('assessment.min_cases_counted must be a whole number ≥ 0'),
    _l('assessment.weights needs a weight above 0'),
    _l('at least one layer is required'),
    _l('auto_assign.mode must be one of %(choices)s'),
    _l('clock %(name)s needs the full form {within, ends_on} (only accept, resolve and '
       'meeting have defaults)'),
    _l('clock %(name)s: ends_on needs at least one action'),
    _l('complex_stars.window must be a whole number ≥ 1'),
    _l('condition key %(key)s must be a field name'),
    _l('credit grade %(grade)s needs a min_score'),
    _l('credit grades go from the highest to the lowest min_score'),
    _l('credit_grades.%(key)s must be a whole number ≥ 1'),
    _l("department must name a department's unit code"),
    _l('duplicate category id %(id)s (first at line %(line)s)'),
    _l('duplicate key %(key)s'),
    _l('duplicate layer id %(id)s (first at line %(line)s)'),
    _l('duplicate rule id %(id)s (first at line %(line)s)'),
    _l('expert_sheet items must add up to 100, not %(total)s'),
    _l('invalid %(what)s: %(reason)s'),
    _l('joint.hard_cases.limit must be at least 1'),
    _l('layer %(id)s has no %(clock)s clock'),
    _l('layer %(id)s has no clocks'),
    _l('matter %(name)s must name a threshold: %(known)s'),
    _l('names has no [中文, English] for %(key)s'),
    _l('names.%(key)s must be [中文, English]'),
    _l('not UTF-8 (save the file as UTF-8)'),
    _l('not_rated must be a mapping'),
    _l('not_rated.min_cases must be a whole number ≥ 0'),
    _l('not_rated.owners_evaluation_required must be true or false'),
    _l('notice_days must be a whole number of days ≥ 1'),
    _l('overlap under hit_policy unique: rule %(id)s (%(where)s) and %(others)s may '
       'both match%(on)s'),
    _l('overlap: rule %(id)s (%(where)s) and %(others)s may both match%(on)s with '
       'different results; the earlier one wins'),
    _l('owners_evaluation must be a mapping'),
    _l('provider.kind must be one of %(choices)s'),
    _l('provider.method must be GET or POST'),
    _l('public_holidays: %(key)s is not a year like 2027'),
    _l('public_holidays: %(reason)s'),
    _l('refused: %(reason)s'),
    _l('refused: nested too deeply'),
    _l('required rules file is missing'),
    _l('rules could not be compiled'),
    _l('scale must be [lowest, highest]'),
    _l('shadowed: rule %(id)s (%(where)s) can never match, every case it matches is '
       'taken first by %(others)s'),
    _l('skip must climb: %(to)s is not above %(start)s'),
    _l('test for %(field)s is an empty mapping'),
    _l('the file is larger than %(limit)s characters'),
    _l('the file must contain a mapping (key: value) at the top'),
    _l('unknown %(key)s entry %(name)s (expected: %(choices)s)'),
    _l('unknown %(kind)s %(value)s (known: %(choices)s)'),
    _l('unknown action %(action)s in permissions (known: %(choices)s)'),
    _l('unknown field %(field)s in condition (known: %(fields)s; reporter.* and place.* '
       'take any sub-field)'),
    _l('unknown key %(key)s in %(what)s (expected: %(choices)s)'),
    _l('unknown key %(key)s in match (expected: category, green_channel, layer, priority)'),
    _l('unknown not_rated entry %(name)s (expected: min_cases, owners_evaluation_required)'),
    _l('unknown operator %(op)s for %(field)s (known: %(choices)s)'),
    _l('unknown rules file (expected one of: %(choices)s)'),
    _l('unreachable: rule %(rule)s at line %(line)s always matches first (rule '
       '%(other)s can never match)'),
)
# The words caseflow.rules.loader uses for YAML types (its _TYPE_NAMES and _describe).
TYPE_WORDS: dict[str, Any] = {
    "a whole number": _l("a whole number"), "a number": _l("a number"),
    "true or false": _l("true or false"), "a list": _l("a list"), "a mapping": _l("a mapping"),
    "text": _l("text"), "empty": _l("empty"),
}


def _type_words(name: str, text: str) -> str:
    if name not in ("want", "got"):
        return text
    words = [str(TYPE_WORDS.get(word, word)) for word in text.split(" or ")]
    shown = str(_l(" or ")).join(words)
    for english, lazy in TYPE_WORDS.items():  # "text ('abc')": the type before the value
        if text.startswith(english + " (") and shown == text:
            return str(lazy) + text[len(english):]
    return shown


RULES = MessageTable(RULE_MESSAGES, _type_words)
rule_message = RULES.translated
