"""The one timeline: what staff, the resident and the public read of a case's history."""

from __future__ import annotations

import pytest

from caseflow.domain.errors import NotFound, PermissionDenied
from caseflow.services.cases import submit_case
from caseflow.services.timeline import latest_timelines, timeline, tracked_case
from caseflow.services.visibility import PUBLIC, Viewer, resident
from tests.factories import RESIDENT, act_on, build_tree, submission

INTERNAL_NOTE, REPLY = "内部：业主情绪激动", "已约师傅明天上门"


@pytest.fixture
def worked(runtime):
    """A case accepted with an internal note, answered with a reply, then commented on by
    its resident; returns (case id, ref, tracking token, butler)."""
    users = build_tree(runtime)
    with runtime.uow() as uow:
        case, token = submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())
    steps = [("accept", users["butler"], INTERNAL_NOTE, None),
             ("comment", users["butler"], REPLY, "public"),
             ("comment", RESIDENT, "谢谢，明天我在家", None)]
    for action, who, note, visibility in steps:
        with runtime.uow() as uow:
            act_on(uow, runtime.rules(), case.ref, action, who, runtime.now(), note,
                        visibility=visibility)
    return case.id, case.ref, token, users["butler"]


def test_staff_read_every_event_with_the_staff_name(runtime, worked):
    case_id, _ref, _token, butler = worked
    staff = Viewer(role="caseworker", id=butler.id, unit_id=butler.unit_id)
    with runtime.uow() as uow:
        entries = timeline(uow, case_id, staff)
    assert [(e.action, e.note, e.visibility) for e in entries] == [
        ("submit", "", "internal"), ("accept", INTERNAL_NOTE, "internal"),
        ("comment", REPLY, "public"), ("comment", "谢谢，明天我在家", "public")]
    assert entries[1].who == "butler" and entries[1].role == "caseworker"


def test_the_resident_and_the_public_read_replies_and_state_changes_only(runtime, worked):
    case_id, _ref, _token, _butler = worked
    with runtime.uow() as uow:
        for viewer in (resident(case_id), PUBLIC):
            entries = timeline(uow, case_id, viewer)
            assert [(e.action, e.note) for e in entries] == [
                ("submit", ""), ("accept", ""), ("comment", REPLY),
                ("comment", "谢谢，明天我在家")]
            staff_lines = [e for e in entries if e.role == "staff"]
            assert {e.who for e in staff_lines} == {"莱茵水岸物业服务中心"}
            assert all(e.data == {} for e in entries)


def test_a_resident_reads_only_their_own_case(runtime, worked):
    case_id, _ref, _token, _butler = worked
    with runtime.uow() as uow, pytest.raises(PermissionDenied):
        timeline(uow, case_id, resident(case_id + 1))


def test_the_latest_public_lines_of_many_cases_in_one_read(runtime, worked):
    case_id, _ref, _token, _butler = worked
    with runtime.uow() as uow:
        latest = latest_timelines(uow, [case_id], PUBLIC, 2)
    assert [(e.action, e.note) for e in latest[case_id]] == [
        ("comment", "谢谢，明天我在家"), ("comment", REPLY)]


def test_the_tracked_case_needs_its_token_and_tells_the_expected_time(runtime, worked):
    _case_id, ref, token, _butler = worked
    with runtime.uow() as uow:
        tracked = tracked_case(uow, ref, token)
        with pytest.raises(NotFound):
            tracked_case(uow, ref, "wrong")
    assert tracked.unit_name == "莱茵水岸物业服务中心" and tracked.reporter == "刘**"
    clocks = [t.clock for t in tracked.expected]
    assert "resolve" in clocks and "accept" not in clocks  # accepted: that clock stopped
    assert [t.due_at for t in tracked.expected] == sorted(t.due_at for t in tracked.expected)
    assert INTERNAL_NOTE not in [e.note for e in tracked.events]


def _mark(id_: int, action: str, hour: int, clocks: tuple[str, ...] = ("accept",)):
    from datetime import UTC, datetime

    from caseflow.services.timeline import TimelineEntry

    return TimelineEntry(id_, datetime(2026, 3, 2, hour, tzinfo=UTC), action, "system", "系统",
                         "submitted", "submitted", "property", "property", "", "internal",
                         {"kind": "warning", "clocks": list(clocks)})


def test_consecutive_identical_warnings_fold_into_one_line():
    from caseflow.services.timeline import fold_repeats

    entries = [_mark(1, "submit", 1), _mark(2, "warn", 2), _mark(3, "warn", 3),
               _mark(4, "warn", 5), _mark(5, "warn", 6, ("resolve",)), _mark(6, "comment", 7),
               _mark(7, "comment", 8), _mark(8, "warn", 9)]
    folded = fold_repeats(entries)
    assert [(e.action, e.repeats) for e in folded] == [
        ("submit", 1), ("warn", 3), ("warn", 1), ("comment", 1), ("comment", 1), ("warn", 1)]
    run = folded[1]
    assert run.id == 4 and run.at.hour == 2 and run.until is not None and run.until.hour == 5
