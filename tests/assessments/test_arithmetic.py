"""Assessment arithmetic on a hand-computed fixture of seed 002's 39 Lishui units:
9 five-star, 16 four-star, 10 three-star, 4 without stars; the red list is the top nine
scoring 80 or more."""

from __future__ import annotations

import pytest

from caseflow.domain.assessments import (
    UnitParts,
    complex_stars,
    credit_grade,
    judge,
    lacks_data,
    unit_score,
)
from caseflow.domain.metrics import NOT_RATED, UNRATED
from caseflow.rules import load_rules
from tests.conftest import RULES_DIR

SETTINGS = load_rules(RULES_DIR).ratings

# (unit, every case rate, owners' mean, panel's mean, hand-computed score)
# score = 0.3 × 100 × rate + 0.3 × owners + 0.4 × experts (rules/ratings.yaml `assessment`)
UNITS = [
    ("金沙里", 1.0, 100, 100, 100.0), ("长信公馆", 1.0, 95, 95, 96.5),
    ("金色溪谷", 1.0, 90, 95, 95.0), ("中恒海晖", 0.9, 95, 95, 93.5),
    ("海逸锦绣蓝湾", 0.9, 90, 95, 92.0), ("中信山语湖", 1.0, 90, 90, 93.0),
    ("十里尚堤花园", 1.0, 85, 90, 91.5), ("绿地香树", 0.9, 95, 90, 91.5),
    ("紫山国际", 0.9, 90, 90, 90.0),
    ("金域缙香", 0.9, 85, 85, 86.5), ("海纳公馆", 0.8, 90, 90, 87.0),
    ("君景湾", 0.8, 85, 85, 83.5), ("山水桃园", 0.8, 80, 85, 82.0),
    ("金碧湾", 0.8, 80, 80, 80.0), ("十里尚堤南苑", 0.9, 80, 80, 83.0),
    ("里水第一城", 1.0, 80, 80, 86.0), ("时代家", 1.0, 75, 80, 84.5),
    ("海纳豪苑", 1.0, 70, 85, 85.0), ("紫山花园", 0.7, 90, 90, 84.0),
    ("香堤水岸", 0.7, 85, 90, 82.5), ("山海汇", 0.7, 95, 95, 87.5),
    ("长信御景峰", 0.9, 75, 85, 83.5), ("金名都", 0.9, 70, 80, 80.0),
    ("班芙紫滨", 0.6, 95, 95, 84.5), ("翠林豪庭", 0.8, 95, 80, 84.5),
    ("当代上品湾", 0.7, 70, 70, 70.0), ("海纳豪庭", 0.7, 75, 75, 73.5),
    ("悦园小区", 0.8, 70, 75, 75.0), ("峰景湾", 0.8, 75, 75, 76.5),
    ("新天地广场", 0.9, 70, 70, 76.0), ("星御名都", 0.6, 80, 80, 74.0),
    ("金山湾", 0.6, 85, 80, 75.5), ("金碧海岸", 0.5, 85, 85, 74.5),
    ("柏悦华府", 1.0, 60, 70, 76.0), ("糖果花园", 0.8, 80, 70, 76.0),
    ("海鲜花园", 0.5, 60, 65, 59.0), ("糖果雅苑", 0.6, 65, 65, 63.5),
]
RATES = ("on_time", "response", "satisfaction", "reopen")


def _parts(rate: float, owners: float, experts: float, cases: int = 20,
           sheets: int = 3, answers: int = 40) -> UnitParts:
    return UnitParts(cases=cases, case_rates=dict.fromkeys(RATES, rate), owners=owners,
                     owner_ratings=answers, experts=experts, expert_sheets=sheets)


def _all_parts() -> dict[str, UnitParts]:
    parts = {name: _parts(rate, o, e) for name, rate, o, e, _ in UNITS}
    parts["嘉怡名苑"] = _parts(1.0, 95, 95, answers=0)     # no owners' answer: 不参评
    parts["金溪蓝湾尚筑"] = _parts(1.0, 95, 95, sheets=0)  # no score sheet: 不参评
    return parts


def _verdicts() -> dict:
    rule = SETTINGS["assessment"]["not_rated"]
    scores = {name: None if lacks_data(p, rule) else unit_score(p, SETTINGS["assessment"])
              for name, p in _all_parts().items()}
    return judge(scores, SETTINGS)


@pytest.mark.parametrize(("name", "rate", "owners", "experts", "score"), UNITS)
def test_each_score_is_the_hand_computed_one(name, rate, owners, experts, score):
    assert round(unit_score(_parts(rate, owners, experts), SETTINGS["assessment"]), 2) == score


def test_the_seed_bands_nine_sixteen_ten_and_four():
    verdicts = _verdicts()
    bands = [v.stars for v in verdicts.values()]
    assert len(verdicts) == 39
    assert (bands.count("five"), bands.count("four"), bands.count("three")) == (9, 16, 10)
    assert sorted(name for name, v in verdicts.items() if v.stars in (UNRATED, NOT_RATED)) == \
        sorted(["海鲜花园", "糖果雅苑", "嘉怡名苑", "金溪蓝湾尚筑"])
    assert verdicts["嘉怡名苑"].stars == NOT_RATED and verdicts["嘉怡名苑"].rank is None


def test_the_red_list_is_the_top_nine_at_eighty_or_more():
    verdicts = _verdicts()
    red = {name for name, v in verdicts.items() if v.red}
    assert red == {name for name, *_ in UNITS[:9]}
    # 山海汇 scores 87.5 ≥ 80 but ranks tenth: not on the red list.
    assert verdicts["山海汇"].rank == 10 and not verdicts["山海汇"].red
    assert [name for name, v in verdicts.items() if v.black] == ["海鲜花园"]


def test_a_unit_without_data_is_not_rated_never_a_hundred():
    verdict = judge({"empty": None, "some": 75.0}, SETTINGS)["empty"]
    assert (verdict.rated, verdict.score, verdict.stars, verdict.red) == (False, None,
                                                                          NOT_RATED, False)


def test_too_few_cases_leave_the_case_part_out():
    # Two cases, both late: not counted, so the unit is scored on owners and panel alone.
    parts = _parts(0.0, 90, 90, cases=2)
    assert unit_score(parts, SETTINGS["assessment"]) == pytest.approx(90)


def test_a_missing_part_is_left_out_and_the_others_reweighed():
    parts = UnitParts(cases=10, case_rates=dict.fromkeys(RATES, 0.8), experts=90,
                      expert_sheets=1)
    # (0.3 × 80 + 0.4 × 90) / 0.7
    assert unit_score(parts, SETTINGS["assessment"]) == pytest.approx(60 / 0.7)


def test_credit_grade_from_history():
    rule = SETTINGS["credit_grades"]
    # Newest first: two teams in the latest assessment, one earlier.
    assert credit_grade([[(92.0, False), (90.0, False)], [(94.0, False)]], rule) == (
        "AAA", {"assessments": 2, "mean_score": 92.0, "black": 0})
    # One team on the black list once bars the A grades, whatever the mean.
    assert credit_grade([[(95.0, False), (55.0, True)], [(95.0, False)]], rule)[0] == "BBB"
    assert credit_grade([[(None, False)]], rule)[0] == NOT_RATED
    # Only the window counts: a bad year five assessments ago is forgotten.
    old = [[(95.0, False)]] * 4 + [[(40.0, True)]]
    assert credit_grade(old, rule)[0] == "AAA"


def test_complex_stars_have_their_own_criteria():
    rule = SETTINGS["complex_stars"]
    assert complex_stars([(95.0, 90.0), (93.0, 88.0)], rule) == "five"
    # One result is not enough for five stars; owners' floor for four.
    assert complex_stars([(95.0, 90.0)], rule) == "four"
    assert complex_stars([(95.0, 60.0)], rule) == "three"
    assert complex_stars([(None, None)], rule) == NOT_RATED
