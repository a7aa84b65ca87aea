"""Service error texts in the reader's language: the services raise in plain English (the
API, the CLI and the logs read it); a page shows the same sentence translated here.

Each entry is the English text with its variable parts as `%(name)s`; the entry's own
msgid is turned into a pattern once, so a message such as "unknown unit 'rhine-x'" finds
"unknown unit %(unit)s" and reads "未知单位 'rhine-x'". Action, state and role codes and
unit kinds among the values are named as users read them. A message no entry matches is
shown as it is; tests/admin/test_untranslated.py fails when a service raises one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from flask_babel import lazy_gettext as _l

from caseflow.admin.labels import ACTIONS, ROLES, STATES, UNIT_KINDS, label

MESSAGES: tuple[Any, ...] = (
    # The defaults of caseflow/domain/errors.py.
    _l("a valid bearer token is required"),
    _l('%(code)s is a %(kind)s, not a building'),
    _l('%(code)s is already taken'),
    _l('%(code)s is not a complex of %(area)s'),
    _l('%(code)s is not a known complex or building code'),
    _l('%(code)s is outside this jurisdiction'),
    _l('%(code)s must name a complex or a building, not a %(kind)s'),
    _l('%(count)s dispatch(es) to departments still open: confirm or reject their results first'),
    _l('%(department)s already has this case'),
    _l('%(department)s does not serve the district or city of this case'),
    _l("%(filename)s: expected a mapping with 'units'"),
    _l('%(key)s has already voted; change the ballot instead'),
    _l('%(month)s is already published'),
    _l('%(month)s is published; its accounts are closed'),
    _l('%(month)s is published; its report is closed'),
    _l('%(name)s not found: install the PostgreSQL client tools'),
    _l('%(name)s: %(entry)s does not match its sha256'),
    _l('%(name)s: %(entry)s is listed but missing'),
    _l('%(name)s: a %(dialect)s backup cannot be restored into %(target)s'),
    _l('%(name)s: not a caseflow backup (no valid manifest.json)'),
    _l('%(name)s: not a readable backup archive (%(reason)s); make one with `caseflow backup`'),
    _l('%(name)s: unexpected entry %(entry)s'),
    _l('%(number)s is registered at this building already'),
    _l('%(source)s: no such backup file'),
    _l('%(tool)s failed: %(lines)s'),
    _l('%(where)s: %(month)s月%(day)s日 is not (%(bracket)s)'),
    _l('%(where)s: VEVENT without DTSTART'),
    _l('%(where)s: a date without its month'),
    _l('%(where)s: cannot read the date %(value)s'),
    _l("%(where)s: no '…放假' date range for %(name)s"),
    _l('%(where)s: no such date %(month)s月%(day)s日'),
    _l('%(where)s: the holiday of %(name)s ends before it starts'),
    _l('%(who)s is neither a part nor an owner on the ballot list'),
    _l('%(year)s is not a plausible year'),
    _l('a %(role)s is held at a building, not a %(kind)s'),
    _l('a %(role)s must belong to a unit'),
    _l('a case cannot be merged into itself'),
    _l('a location is required: address_id, lat and long, or address_string'),
    _l("a new case needs its author's phone; link an existing case instead"),
    _l('a note is required to %(action)s'),
    _l('a vote is open on this complex; close it before changing the list'),
    _l('accounts are kept per complex'),
    _l('an exclusive part is listed twice'),
    _l('an in-memory SQLite database cannot be backed up'),
    _l('anonymise_reporter.after: %(error)s'),
    _l('attributes must be plain values'),
    _l("choose one of the campaign's topics"),
    _l('entry %(number)s must be a mapping'),
    _l('entry %(number)s needs a name and a role'),
    _l('every score must be a number'),
    _l('every score must lie between %(low)s and %(high)s'),
    _l('give the unit number, e.g. 2单元501 (≤ 32 characters)'),
    _l('has at most two decimals (fen)'),
    _l('has no ledger lines to publish'),
    _l('import the ballot list first: it names the households'),
    _l("import the complex's ballot list before opening a vote"),
    _l('intake request %(id)s was already %(status)s'),
    _l('intake request %(id)s was handled by someone else just now'),
    _l('is at most 200 characters'),
    _l('is empty'),
    _l('is larger than the limit of %(max_bytes)s bytes'),
    _l('is not a phone number'),
    # The account's kind is a code of the ledger: its two values have their own entries.
    _l('is not an %(kind)s category of ratings.yaml'),
    _l('is not an expense category of ratings.yaml'),
    _l('is not an income category of ratings.yaml'),
    _l("is not in the assessment's area"),
    _l("is not one of the campaign's complexes"),
    _l('is not your current password'),
    _l('is outside the jurisdiction_id the request was sent to'),
    _l('is required'),
    _l('is required (at most 20,000 characters)'),
    _l('is required (at most 200 characters)'),
    _l('is required, at most 200 characters'),
    _l('is required: the resident is told why'),
    _l('meeting %(meeting)s has no task %(task)s'),
    _l('missing %(missing)s, unknown %(unknown)s'),
    _l('must be 1 to %(limit)s characters'),
    _l('must be 1, 2, 3, 4, or 0 for the yearly assessment'),
    _l('must be a JPEG, PNG or WebP image'),
    _l('must be a JSON object'),
    _l('must be a PDF or a JPEG, PNG or WebP image'),
    _l('must be a community or a residential complex'),
    _l('must be a date such as 2026-12-31'),
    _l('must be a date, YYYY-MM-DD'),
    _l('must be a list of short texts'),
    _l('must be a month, YYYY-MM'),
    _l('must be a number'),
    _l('must be a number of days, hours or weeks, like 30d, 12h or 2w'),
    _l('must be a positive number of days'),
    _l('must be a street, a community or a residential complex'),
    _l('must be a time such as 19:30'),
    _l('must be a whole number from 1 to 5'),
    _l('must be a year between 2000 and 2100'),
    _l('must be above zero'),
    _l('must be accept or resolve'),
    _l('must be after the opening time (now)'),
    _l('must be an ISO date'),
    _l('must be an amount in yuan, e.g. 1280.50'),
    _l('must be an http or https URL'),
    _l('must be an object with name and phone'),
    _l('must be at least %(limit)s characters'),
    _l('must be at most %(limit)s'),
    _l('must be at most %(limit)s characters'),
    _l('must be in the future'),
    _l('must be income or expense'),
    _l('must be more than 0 and less than 100,000,000'),
    _l('must be more than nothing and at most %(limit)s days'),
    _l('must be one of %(choices)s'),
    _l('must be text'),
    _l('must be the code of a complex or a building'),
    _l('must be the last four digits of the phone'),
    _l('must carry a time zone, e.g. +08:00'),
    _l('must lie between 0 and %(most)s'),
    # `%%` is the message's own percent sign: the entry is %-formatted when shown.
    _l('must lie between 0 and 1, e.g. 0.1 for 10%%'),
    _l('must lie between the years 2000 and 2100'),
    _l('must not be before from'),
    _l('name a user of the unit holding the case'),
    _l('name at least one residential complex'),
    _l('name at least one topic'),
    _l('name either a case or a complex'),
    _l('name the case this one duplicates'),
    _l('name the code of the department to send it to'),
    _l('name the code of the unit to send the case to'),
    _l('name the proxy holder for, and only for, proxies'),
    _l("no '一、元旦：…放假…' items found in the notice"),
    _l('no VEVENT with a DTSTART found in the calendar file'),
    _l('no dispatch %(dispatch)s waits for this action'),
    _l('no layer is held by a unit of kind %(kind)s'),
    _l('no property company serves this complex'),
    _l('no rating round has this code'),
    _l('no residential complex within %(distance)s m; '
       'send address_id (a complex or building code) instead'),
    _l('no such meeting'),
    _l('no unit holds layer %(layer)s or any layer above it here'),
    _l('no vote of this complex has this number'),
    _l('not a number: %(value)s'),
    _l('not a readable CSV: %(error)s'),
    _l('only a spending line cites the vote that approved it'),
    _l('only the street layer or above dispatches to departments'),
    _l('ratings.yaml has no assessment.expert_sheet'),
    _l('record at least one decision'),
    _l("record the resident's consent: %(choices)s"),
    _l('row %(number)s (%(code)s): a department is attached to the district or city it serves (or '
       'to a parent department)'),
    _l('row %(number)s (%(code)s): unknown kind %(kind)s'),
    _l('row %(number)s (%(code)s): unknown parent %(parent)s'),
    _l('row %(number)s (%(code)s): unknown property company %(company)s'),
    _l('row %(number)s must be a mapping of the CSV columns'),
    _l('row %(number)s: code and name are required'),
    _l('row %(number)s: code and owner_key are required'),
    _l('row %(number)s: write yes or no'),
    _l('save the CSV as UTF-8 (Excel: CSV UTF-8)'),
    _l('several dispatches wait: name one'),
    _l('task %(number)s must be a mapping'),
    _l('task %(number)s needs a title, an owner and a due_on'),
    _l('task %(number)s: due_on must be a date'),
    _l('the assessment is already published'),
    _l('the assessment is published; its sheets are closed'),
    _l('the ballot list is empty'),
    _l('the case changed meanwhile; reload it and try again'),
    _l('the case is no longer waiting for an evaluation'),
    _l("the case's place lies in no complex"),
    _l('the current time is required for overdue filters'),
    _l('the database copy cannot be read: %(error)s'),
    _l('the header lacks %(missing)s'),
    _l('the hotspot item has no case to act on'),
    _l('the meeting is decided; its minutes can no longer change'),
    _l("the meeting's decision is already recorded"),
    _l('the notice does not say which year it is for; give --year'),
    _l('the opinion names no complex to register a case at'),
    _l('the rating round is already closed'),
    _l('the token has expired'),
    _l('the token is unknown or revoked'),
    _l('the top layer cannot return a case'),
    _l('the vote has not approved anything (open or not passed)'),
    _l('the vote is already closed'),
    _l('the vote is closed; its ballots can no longer change'),
    _l("this area's assessment for that period exists"),
    _l('this campaign no longer collects opinions'),
    _l("this campaign's summary is already published"),
    _l('this case is not marked as a likely duplicate'),
    _l('this follow-up call has been recorded already'),
    _l('this household has already rated in this round'),
    _l('this item is already decided'),
    _l('this key was already used for a different request; use a new key for a new request'),
    _l('this opinion already has a case'),
    _l('this rating round is closed'),
    _l('unknown case %(case)s'),
    _l('unknown category %(category)s'),
    _l('unknown department %(department)s'),
    _l('unknown household %(household)s'),
    _l('unknown meeting %(meeting)s'),
    _l('unknown reporter fields: %(fields)s'),
    _l('unknown unit %(unit)s'),
    _l('unknown user %(user)s'),
    _l("use 2-64 lowercase letters, digits, '.', '_' or '-'"),
    _l('use a number with at most two decimals'),
    _l('voting time is over; close the vote to count it'),
    _l('vouchers are uploaded on the ledger page'),
    _l("write the month's service report first"),
    _l('wrong username or password'),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Values named like this are codes of the engine: shown by their names.
_CODES = {"action": ACTIONS, "state": STATES, "role": ROLES, "kind": UNIT_KINDS}
Value = Callable[[str, str], str]


def _pattern(msgid: str) -> re.Pattern[str]:
    parts, last = [], 0
    for found in _PLACEHOLDER.finditer(msgid):
        parts.append(re.escape(msgid[last:found.start()].replace("%%", "%")))
        parts.append(f"(?P<{found.group(1)}>.+?)")
        last = found.end()
    parts.append(re.escape(msgid[last:].replace("%%", "%")))
    return re.compile("".join(parts), re.DOTALL)


class MessageTable:
    """English messages with `%(name)s` parts, matched and shown in the reader's language."""

    def __init__(self, messages: Iterable[Any], value: Value | None = None) -> None:
        self.messages = tuple(messages)
        self.value = value or (lambda name, text: label(_CODES[name], text)
                               if name in _CODES else text)

    @cached_property
    def patterns(self) -> tuple[tuple[re.Pattern[str], Any], ...]:
        """Longer fixed text first, so "must be at most %(limit)s characters" wins over
        "must be at most %(limit)s"."""
        entries = [(_pattern(m._args[0]), m) for m in self.messages]
        return tuple(sorted(entries, key=lambda e: -len(_PLACEHOLDER.sub("", e[1]._args[0]))))

    def translated(self, message: str) -> str:
        """The message in the reader's language (as is when no entry matches)."""
        for pattern, lazy in self.patterns:
            found = pattern.fullmatch(message)
            if found is not None:
                values = {name: self.value(name, text)
                          for name, text in found.groupdict().items()}
                return str(lazy) % values
        return message

    def is_known(self, message: str) -> bool:
        """True when an entry matches the message."""
        return any(pattern.fullmatch(message) for pattern, _lazy in self.patterns)


ERRORS = MessageTable(MESSAGES)
translated = ERRORS.translated
is_known = ERRORS.is_known
