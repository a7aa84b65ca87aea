"""The pure mappings: statuses, deadlines, notes, windows, XML, distances, names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caseflow.domain.errors import Refused
from caseflow.domain.lifecycle import FINAL_STATES, OPEN_STATES
from caseflow.open311.intake import reporter_name, title_of
from caseflow.open311.mapping import expected_at, status_notes, status_of, w3c
from caseflow.open311.params import comma_list, window
from caseflow.open311.render import to_xml
from caseflow.services.georeport import EventLine
from caseflow.services.places import haversine_m

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
DEADLINES = {
    "accept": {"due_at": "2026-11-23T01:30:00+00:00", "stopped_at": None},
    "resolve": {"due_at": "2026-11-30T10:00:00+00:00", "stopped_at": None},
}


@pytest.mark.parametrize("state", OPEN_STATES)
def test_open_states_are_open(state: str) -> None:
    assert status_of(state) == "open"


@pytest.mark.parametrize("state", FINAL_STATES)
def test_final_states_are_closed(state: str) -> None:
    assert status_of(state) == "closed"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("submitted", "2026-11-23T01:30:00+00:00"),
        ("in_progress", "2026-11-30T10:00:00+00:00"),
        ("closed", None),
    ],
)
def test_expected_is_accept_while_submitted_then_resolve(state: str, expected: str) -> None:
    assert expected_at(state, DEADLINES) == expected


def test_a_stopped_clock_expects_nothing() -> None:
    stopped = {"resolve": {"due_at": "2026-11-30T10:00:00+00:00", "stopped_at": "x"}}
    assert expected_at("resolved", stopped) is None


def test_times_are_written_in_the_configured_zone() -> None:
    assert w3c(NOW, "Asia/Shanghai") == "2026-11-23T09:00:00+08:00"
    assert w3c(None, "Asia/Shanghai") is None


def test_status_notes_name_the_layer_and_shorten_long_notes() -> None:
    events = [EventLine(NOW, "accept", "很长" * 60), EventLine(NOW, "submit", "")]
    notes = status_notes(
        ("物业", "Property"), "莱茵水岸物业服务中心", events, "Asia/Shanghai", "zh"
    )
    assert notes.startswith(
        "当前层级：物业（莱茵水岸物业服务中心）。最新进展：2026-11-23 09:00 签收："
    )
    assert notes.endswith("…；2026-11-23 09:00 提交")
    english = status_notes(("物业", "Property"), "Office", events[1:], "Asia/Shanghai", "en")
    assert english == "Layer: Property, handled by Office. Latest: 2026-11-23 09:00 submitted"


def test_the_window_defaults_to_the_last_90_days() -> None:
    assert window(None, None, NOW) == (NOW - timedelta(days=90), NOW)
    assert window(NOW, None, NOW) == (NOW, NOW + timedelta(days=90))
    assert window(None, NOW, NOW) == (NOW - timedelta(days=90), NOW)


@pytest.mark.parametrize("days", [-1, 91])
def test_a_window_backwards_or_over_90_days_is_400(days: int) -> None:
    with pytest.raises(Refused) as caught:
        window(NOW, NOW + timedelta(days=days), NOW)
    assert caught.value.status == 400


def test_comma_lists_drop_blanks_and_duplicates() -> None:
    assert comma_list(" a, b,,a ,c") == ("a", "b", "c")
    assert comma_list(None) == ()


def test_xml_wraps_list_items_and_leaves_none_empty() -> None:
    text = to_xml("service_requests", [{"service_request_id": "CF-1", "zipcode": None}])
    assert text.endswith(
        "<service_requests><request><service_request_id>CF-1</service_request_id>"
        "<zipcode /></request></service_requests>"
    )


def test_haversine_matches_a_known_distance() -> None:
    # Tian'anmen to Shanghai's People's Square: about 1,068 km as the crow flies.
    assert haversine_m(39.9087, 116.3975, 31.2304, 121.4737) == pytest.approx(1_068_000, rel=0.01)
    assert haversine_m(29.58, 103.76, 29.58, 103.76) == 0


@pytest.mark.parametrize(
    ("first", "last", "name"),
    [("女士", "刘", "刘女士"), ("Ada", "Lovelace", "Ada Lovelace"), ("", "", "匿名居民")],
)
def test_reporter_names_follow_the_language(first: str, last: str, name: str) -> None:
    assert reporter_name(first, last) == name


def test_the_title_is_the_first_line_shortened() -> None:
    assert title_of("第一行\n第二行") == "第一行"
    assert len(title_of("长" * 100)) == 60
