"""Owners' vote arithmetic on hand-computed examples at and around every boundary."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from caseflow.domain.voting import (
    DEVELOPER,
    Check,
    Part,
    Threshold,
    owners_of,
    parse_share,
    tally,
)

QUORUM = Threshold("participation", Fraction(2, 3), Fraction(2, 3), inclusive=True)
ORDINARY = Threshold("ordinary", Fraction(1, 2), Fraction(1, 2), inclusive=False)
MAJOR = Threshold("major", Fraction(3, 4), Fraction(3, 4), inclusive=True)


def parts(*areas: str) -> list[Part]:
    """One owner per part, keys o1, o2, …"""
    return [Part(f"1-{i}", Decimal(a), f"o{i}") for i, a in enumerate(areas, start=1)]


def checks(result) -> dict[str, bool]:
    return {c.name: c.passed for c in result.checks}


def test_exactly_two_thirds_of_area_and_owners_takes_part():
    result = tally(parts("100", "100", "100"), {"o1": "for", "o2": "for"}, QUORUM, ORDINARY)
    assert result.quorum_met and result.passed
    data = result.to_dict()
    assert data["checks"][0] == {
        "name": "participation_area",
        "rule": "≥ 2/3 of 300.00",
        "share": "2/3",
        "inclusive": True,
        "basis": "300.00",
        "bound": "200",
        "needed": "200.00",
        "reached": "200.00",
        "passed": True,
    }
    assert data["checks"][1]["needed"] == "2" and data["checks"][1]["reached"] == "2"


def test_one_hundredth_of_a_square_metre_short_misses_the_quorum():
    # 100 + 99.99 of 300 m²: two owners of three take part, but not two thirds of the area.
    result = tally(parts("100", "99.99", "100.01"), {"o1": "for", "o2": "for"}, QUORUM, ORDINARY)
    assert checks(result) == {
        "participation_area": False,
        "participation_owners": True,
        "approval_area": True,
        "approval_owners": True,
    }
    assert not result.quorum_met and not result.passed
    assert result.to_dict()["checks"][0]["reached"] == "199.99"


def test_one_owner_short_misses_the_quorum():
    # 4 of 7 owners: 2/3 of 7 is 14/3, so 5 owners are needed.
    result = tally(parts(*["10"] * 7), {f"o{i}": "for" for i in range(1, 5)}, QUORUM, ORDINARY)
    owners = result.checks[1]
    assert (owners.needed, owners.reached, owners.passed) == (5, 4, False)


def test_an_equal_split_is_not_more_than_half():
    ballots = {"o1": "for", "o2": "for", "o3": "against", "o4": "against"}
    result = tally(parts("100", "100", "100", "100"), ballots, QUORUM, ORDINARY)
    assert result.quorum_met and not result.passed
    area, heads = result.checks[2], result.checks[3]
    assert (area.bound, area.reached, area.passed) == (200, 200, False)
    assert (heads.needed, heads.reached, heads.passed) == (3, 2, False)
    assert result.to_dict()["checks"][2]["needed"] == "200.01"


def test_one_more_ballot_in_favour_than_against_passes():
    ballots = {"o1": "for", "o2": "for", "o3": "against"}
    result = tally(parts("100", "100", "100", "100"), ballots, QUORUM, ORDINARY)
    assert result.passed


def test_abstentions_take_part_but_are_not_in_favour():
    ballots = {"o1": "for", "o2": "abstain", "o3": "against"}
    result = tally(parts("100", "100", "100"), ballots, QUORUM, ORDINARY)
    assert result.quorum_met and not result.passed
    assert result.counts["abstain"] == (Fraction(100), 1)
    assert result.checks[3].needed == 2  # more than half of the 3 who took part
    result = tally(parts("100", "100", "100"), {**ballots, "o2": "for"}, QUORUM, ORDINARY)
    assert result.passed


def test_major_matters_need_at_least_three_quarters():
    four = parts("100", "100", "100", "100")
    exactly = {"o1": "for", "o2": "for", "o3": "for", "o4": "against"}
    assert tally(four, exactly, QUORUM, MAJOR).passed
    short = {**exactly, "o3": "abstain"}
    result = tally(four, short, QUORUM, MAJOR)
    assert not result.passed
    assert (result.checks[3].needed, result.checks[3].reached) == (3, 2)


def test_area_and_heads_must_both_pass():
    # One big owner in favour has the area but not the heads.
    result = tally(
        parts("500", "100", "100"),
        {"o1": "for", "o2": "against", "o3": "against"},
        QUORUM,
        ORDINARY,
    )
    assert checks(result)["approval_area"] and not checks(result)["approval_owners"]
    assert not result.passed


def test_an_owner_of_several_parts_counts_once_with_all_their_area():
    listing = [
        Part("1-101", Decimal("50"), "wang"),
        Part("1-102", Decimal("50.5"), "wang"),
        Part("2-101", Decimal("100"), "li"),
    ]
    assert owners_of(listing) == {"wang": Fraction(201, 2), "li": Fraction(100)}
    result = tally(listing, {"wang": "for"}, QUORUM, ORDINARY)
    assert result.total_owners == 2
    assert result.counts["for"] == (Fraction(201, 2), 1)


def test_the_developers_unsold_parts_count_as_one_owner():
    listing = [Part(f"9-{i}", Decimal("100"), "", developer_unsold=True) for i in range(3)]
    listing.append(Part("1-101", Decimal("100"), "zhao"))
    result = tally(listing, {DEVELOPER: "against", "zhao": "for"}, QUORUM, ORDINARY)
    assert result.total_owners == 2 and result.total_area == 400
    assert result.counts["against"] == (Fraction(300), 1)
    # Heads split 1:1 (not more than half) and area 100 of 400: refused twice over.
    assert checks(result) == {
        "participation_area": True,
        "participation_owners": True,
        "approval_area": False,
        "approval_owners": False,
    }


def test_ballots_from_strangers_are_refused():
    with pytest.raises(ValueError, match="zhang"):
        tally(parts("100"), {"zhang": "for"}, QUORUM, ORDINARY)


def test_an_inexact_area_bound_is_shown_rounded_towards_what_must_be_reached():
    check = Check("participation_area", Fraction(100), Fraction(2, 3), True, Fraction(0), False)
    assert check.bound == Fraction(200, 3)
    assert check.to_dict()["needed"] == "66.67" and check.to_dict()["bound"] == "200/3"


@pytest.mark.parametrize(
    ("text", "value"), [("2/3", Fraction(2, 3)), (" 1/2 ", Fraction(1, 2)), ("1", Fraction(1))]
)
def test_shares_are_read_exactly(text, value):
    assert parse_share(text) == value


@pytest.mark.parametrize("text", ["two thirds", "3/2", "0", "1/0", None])
def test_bad_shares_are_refused(text):
    with pytest.raises(ValueError):
        parse_share(text)
