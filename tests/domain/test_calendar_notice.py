"""The State Council's notice as published, and .ics files, read into holidays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from chinese_calendar import constants

from caseflow.domain.errors import InvalidInput
from caseflow.domain.notice import parse_holiday_file, parse_notice

DATA = Path(__file__).resolve().parent.parent / "data" / "holidays"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_real_notices_parse_to_exactly_what_chinese_calendar_knows(year: int) -> None:
    notice = parse_holiday_file(read(f"notice-{year}.txt"), f"notice-{year}.txt")
    assert notice.year == year
    assert notice.holidays == sorted(d for d in constants.holidays if d.year == year)
    assert notice.workdays == sorted(d for d in constants.workdays if d.year == year)


def test_the_festivals_keep_their_names() -> None:
    notice = parse_notice(read("notice-2025.txt"))
    names = [f.name for f in notice.festivals]
    assert names == ["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"]
    national = notice.festivals[-1]
    assert (national.holidays[0], national.holidays[-1]) == (date(2025, 10, 1), date(2025, 10, 8))
    assert national.workdays == (date(2025, 9, 28), date(2025, 10, 11))


def test_a_range_across_two_months() -> None:
    dragon_boat = parse_notice(read("notice-2025.txt")).festivals[4]
    assert dragon_boat.holidays == (date(2025, 5, 31), date(2025, 6, 1), date(2025, 6, 2))


def test_the_2027_test_notice() -> None:
    notice = parse_notice(read("notice-2027.txt"))
    assert notice.year == 2027
    assert date(2027, 1, 1) in notice.holidays and date(2027, 2, 8) in notice.holidays
    assert notice.workdays == [date(2027, 2, 20), date(2027, 4, 25), date(2027, 5, 8),
                               date(2027, 9, 26), date(2027, 10, 9)]
    assert len(notice.holidays) == 3 + 9 + 3 + 5 + 1 + 1 + 7


def test_an_ics_file() -> None:
    notice = parse_holiday_file(read("holidays-2027.ics"), "holidays-2027.ics")
    assert notice.year == 2027
    assert notice.workdays == [date(2027, 2, 20), date(2027, 9, 26)]
    assert date(2027, 2, 13) in notice.holidays and date(2027, 2, 14) not in notice.holidays
    assert date(2027, 10, 7) in notice.holidays


def test_a_wrong_weekday_is_refused_with_its_line() -> None:
    text = "2027年部分节假日安排\n一、元旦：1月1日（周四）放假1天。\n"
    with pytest.raises(InvalidInput, match=r"line 2: 1月1日 is not \(周四\)"):
        parse_notice(text)


def test_a_text_without_items_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no '一、元旦"):
        parse_notice("国务院办公厅关于2027年部分节假日安排的通知\n\n祝大家节日快乐。")
    with pytest.raises(InvalidInput, match="year"):
        parse_notice("一、元旦：1月1日放假1天。")


def test_a_holiday_written_across_the_turn_of_the_year() -> None:
    # As the 2023 notice wrote New Year: the range starts in the previous year.
    text = ("国务院办公厅关于2023年部分节假日安排的通知\n"
            "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。\n")
    notice = parse_notice(text)
    assert notice.holidays == [date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2)]
