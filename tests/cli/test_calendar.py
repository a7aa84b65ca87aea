"""`caseflow calendar import|show` and the yearly warning of `caseflow rules check`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from caseflow.cli import main
from tests.cli.test_commands import cli  # noqa: F401  (the fixture)
from tests.conftest import RULES_DIR

DATA = Path(__file__).resolve().parent.parent / "data" / "holidays"


def test_show_lists_a_known_year_as_json(cli) -> None:  # noqa: F811
    result = cli("calendar", "show", "2026", "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["source"] == "chinese_calendar"
    assert shown["holidays"][:3] == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert shown["workdays"] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                 "2026-09-20", "2026-10-10"]


def test_show_a_year_without_data_gives_the_fixed_date_holidays(cli) -> None:  # noqa: F811
    shown = json.loads(cli("calendar", "show", "2031", "--format", "json").output)
    assert shown["holidays"] == ["2031-01-01", "2031-05-01", "2031-10-01", "2031-10-02",
                                 "2031-10-03"]
    assert shown["workdays"] == []


def test_import_shows_what_it_found_and_asks_first(cli) -> None:  # noqa: F811
    notice = str(DATA / "notice-2027.txt")
    refused = cli("calendar", "import", notice, input="n\n")
    assert refused.exit_code == 1
    assert "春节：放假 2027-02-05（周五）" in refused.output
    assert "上班 2027-02-20（周六）" in refused.output
    assert "nothing was changed" in refused.output
    assert json.loads(cli("calendar", "show", "2027", "--format", "json").output)[
        "workdays"] == []
    accepted = cli("calendar", "import", notice, "--yes")
    assert accepted.exit_code == 0, accepted.output
    assert "activated version" in accepted.output
    shown = json.loads(cli("calendar", "show", "2027", "--format", "json").output)
    assert shown["source"] == "calendar.yaml"
    assert shown["workdays"] == ["2027-02-20", "2027-04-25", "2027-05-08", "2027-09-26",
                                 "2027-10-09"]
    assert "2027-02-08" in shown["holidays"]


def test_import_an_ics_file_and_refuse_a_broken_notice(cli, tmp_path) -> None:  # noqa: F811
    assert cli("calendar", "import", str(DATA / "holidays-2027.ics"), "--yes").exit_code == 0
    broken = tmp_path / "notice.txt"
    broken.write_text("2027年部分节假日安排\n一、元旦：1月1日（周四）放假1天。\n", encoding="utf-8")
    result = cli("calendar", "import", str(broken), "--yes")
    assert result.exit_code == 1
    assert "line 2" in result.output and "周四" in result.output


def test_rules_check_warns_from_1_november_and_still_passes(monkeypatch) -> None:
    monkeypatch.setenv("CASEFLOW_NOW", "2026-11-01T00:00:00+08:00")
    warned = CliRunner().invoke(main, ["rules", "check", str(RULES_DIR)])
    assert warned.exit_code == 0
    assert "warning: calendar.yaml: the public holidays of 2027 are unknown" in warned.output
    monkeypatch.setenv("CASEFLOW_NOW", "2026-10-31T23:59:00+08:00")
    quiet = CliRunner().invoke(main, ["rules", "check", str(RULES_DIR)])
    assert quiet.exit_code == 0 and "public holidays" not in quiet.output
