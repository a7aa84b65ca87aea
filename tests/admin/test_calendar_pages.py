"""What people see of calendars: the case page's calendar label, the administrators' banner
from 1 November, /readyz's warning and the metric."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.admin.conftest import login, new_case, text

SH = ZoneInfo("Asia/Shanghai")
BANNER = 'id="holidays-unknown"'


def test_the_case_page_shows_which_calendar_each_deadline_follows(app, client) -> None:
    ref, _token = new_case(app)
    login(client, "butler")
    page = text(client.get(f"/cases/{ref}"))
    assert "物业值班时间" in page  # the butler's respond, follow_up, first_result
    assert "标准工作时间" in page  # the resolve clock on the default calendar
    assert "自然时间" in page  # accept: 30m runs day and night


def test_the_banner_shows_to_administrators_from_1_november(app, client, clock) -> None:
    clock.set(datetime(2026, 11, 1, 0, 0, tzinfo=SH))
    login(client, "admin")
    page = text(client.get("/dashboard/"))
    assert BANNER in page and "2027 年的节假日安排尚未导入" in page
    clock.set(datetime(2026, 10, 31, 23, 59, tzinfo=SH))
    assert BANNER not in text(client.get("/dashboard/"))


def test_the_banner_is_for_administrators_only(app, client, clock) -> None:
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=SH))
    login(client, "leader")
    response = client.get("/dashboard/")
    assert response.status_code == 200 and BANNER not in text(response)


def test_readyz_warns_without_failing_and_the_metric_is_set(app, client, clock) -> None:
    clock.set(datetime(2026, 11, 1, 8, 0, tzinfo=SH))
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["status"] == "ready"
    assert "2027" in response.json["warnings"]["holidays"]
    app.config["METRICS_TOKEN"] = "scrape"
    scrape = {"Authorization": "Bearer scrape"}
    metrics = text(client.get("/metrics", headers=scrape))
    assert 'caseflow_holidays_next_year_unknown{year="2027"} 1.0' in metrics
    clock.set(datetime(2026, 10, 31, 8, 0, tzinfo=SH))
    assert client.get("/readyz").json["warnings"] == {}
    metrics = text(client.get("/metrics", headers=scrape))
    assert 'caseflow_holidays_next_year_unknown{year="2027"} 0.0' in metrics
