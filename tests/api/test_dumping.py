"""The API's fast dump of a case answers exactly what marshmallow's dump does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from marshmallow import Schema, fields, post_dump

from caseflow.api.dumping import Dumper
from caseflow.api.schemas import CaseSchema, EventSchema, SubmittedCaseSchema

RECORD: dict[str, Any] = {
    "id": 5, "ref": "CF-20261207-ABCDEF", "title": "漏水", "description": "d", "category": "c",
    "priority": "normal", "nature": "n", "channel": "web", "tags": ["a", "b"], "state": "accepted",
    "layer": "community", "unit": {"code": "u", "name": "U", "kind": "community"},
    "place": {"code": "p", "name": "P", "kind": "building"},
    "reporter": {"name": "张*", "phone": "138****0000", "masked": True, "attrs": {"a": 1}},
    "assignee_id": None, "green_channel": False, "returned": 0, "supervised": 1,
    "problem_case": False, "extension_pending": "false", "overdue": False, "warning": True,
    "deadlines": {"response": datetime(2026, 1, 1, tzinfo=UTC)},
    "next_due_at": datetime(2026, 1, 2), "submitted_at": datetime(2026, 1, 1),
    "updated_at": datetime(2026, 1, 1, 3, 4, 5, 6), "resolved_at": None, "closed_at": None,
    "satisfaction": None, "routing_rule": "r", "rules_version": 3, "version": 2,
}


@pytest.mark.parametrize("record", [
    RECORD,
    {k: v for k, v in RECORD.items() if k not in ("id", "voices")},  # missing: left out / default
    RECORD | {"tracking_token": "t", "voices": 2, "unit": None, "tags": ("x", 1)},
    RECORD | {"reporter": RECORD["reporter"] | {"masked": None}, "version": True},
])
@pytest.mark.parametrize("schema", [CaseSchema(), SubmittedCaseSchema()])
def test_the_dump_of_a_case_is_marshmallows(schema: Schema, record: dict[str, Any]) -> None:
    dumper = Dumper(schema)
    assert dumper._plan is not None  # the fast way is taken
    ours, theirs = dumper(record), schema.dump(record)
    assert ours == theirs
    assert list(ours) == list(theirs)
    assert [type(value) for value in ours.values()] == [type(v) for v in theirs.values()]


def test_what_it_does_not_know_marshmallow_dumps() -> None:
    class Hooked(Schema):
        name = fields.String()

        @post_dump
        def shout(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
            return {key: value.upper() for key, value in data.items()}

    class Computed(Schema):
        twice = fields.Function(lambda record: record["n"] * 2)

    class Odd(Schema):
        items = fields.Raw()  # missing from a dict, marshmallow reads the dict's method

    assert Dumper(Hooked())({"name": "x"}) == {"name": "X"}
    assert Dumper(Computed())({"n": 2}) == {"twice": 4}
    assert Dumper(Odd())._plan is None
    assert Dumper(EventSchema())._plan is not None
