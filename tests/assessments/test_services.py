"""Assessments end to end in the services: frozen when published, graded over history,
owners rating once per household, and 双晒 lines citing the vote that approved them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caseflow.domain.errors import Conflict, InvalidInput, PermissionDenied
from caseflow.domain.metrics import NOT_RATED
from caseflow.services import voting
from caseflow.services.assessments import ledger, public, rounds
from caseflow.services.assessments.panel import publish_assessment
from caseflow.services.visibility import viewer_of
from tests.assessments.conftest import open_quarter, paper_rating, sheet, submit


def publish(runtime, user, assessment_id):
    with runtime.uow() as uow:
        return publish_assessment(uow, runtime.rules(), viewer_of(user), assessment_id,
                                  runtime.now())


def page(runtime, assessment_id=None):
    with runtime.uow() as uow:
        return public.ratings_page(uow, assessment_id)


def test_a_published_quarter_is_frozen_whatever_happens_later(runtime, users):
    submit(runtime, 3)
    paper_rating(runtime)
    quarter = open_quarter(runtime, users["inspector"])
    assert sheet(runtime, users["expert"], quarter, "rhine", 0.9) == pytest.approx(90)
    assert publish(runtime, users["inspector"], quarter) == 2
    before = page(runtime)
    rhine = next(u for u in before.units if u.complex_code == "rhine")
    lotus = next(u for u in before.units if u.complex_code == "lotus")
    assert rhine.rated and rhine.figures["cases"] == 3 and rhine.figures["experts"] == 90
    # Lotus has no owners' rating nor a score sheet: not rated, never 100 points and five stars.
    assert (lotus.rated, lotus.score, lotus.stars) == (False, None, NOT_RATED)
    submit(runtime, 5)
    submit(runtime, 4, unit="lotus")
    with pytest.raises(Conflict):
        sheet(runtime, users["expert"], quarter, "lotus", 1.0)
    with pytest.raises(Conflict):
        publish(runtime, users["inspector"], quarter)
    assert page(runtime).units == before.units


def test_the_panel_works_only_in_its_area(runtime, users):
    with pytest.raises(PermissionDenied):
        open_quarter(runtime, users["butler"])  # a butler is not on the panel
    quarter = open_quarter(runtime, users["inspector"])
    with pytest.raises(PermissionDenied):
        sheet(runtime, users["lotus-butler"], quarter, "rhine", 1.0)
    with pytest.raises(InvalidInput):
        sheet(runtime, users["expert"], quarter, "rhine", 1.2)  # above an item's most points


def test_the_credit_grade_comes_from_the_published_history(runtime, users):
    submit(runtime, 3)
    paper_rating(runtime)
    quarter = open_quarter(runtime, users["inspector"])
    sheet(runtime, users["expert"], quarter, "rhine", 1.0)
    publish(runtime, users["inspector"], quarter)
    first = page(runtime).companies[0]
    assert first.basis["assessments"] == 1
    year = open_quarter(runtime, users["inspector"], quarter=0)
    sheet(runtime, users["expert"], year, "rhine", 0.5)
    publish(runtime, users["inspector"], year)
    latest = page(runtime)
    company = latest.companies[0]
    assert company.basis["assessments"] == 2
    rhine_scores = [cells for code, cells in latest.history.items() if code == "rhine"][0]
    expected = sum(score for score, _ in rhine_scores) / 2
    assert company.basis["mean_score"] == pytest.approx(expected, abs=0.01)
    assert [label for label, _ in company.history] == ["2026 Q4", "2026"]
    # The earlier page still shows the grade as it stood then.
    assert page(runtime, quarter).companies[0] == first


def test_one_household_one_rating(runtime, users):
    with runtime.uow() as uow:
        round_id = rounds.open_round(uow, viewer_of(users["committee"]), "rhine", 2026,
                                     "2026年度业主评议", runtime.now())
    with runtime.uow() as uow:
        view, codes = rounds.round_codes(uow, viewer_of(users["committee"]), round_id)
    assert view.households == 4 and len(codes) == 4  # the developer's unsold parts don't rate
    aspects = runtime.rules().ratings["owners_evaluation"]["aspects"]
    assert len(aspects) == 12 and list(aspects[:4]) == ["public_order", "sanitation",
                                                        "innovative_service", "rectification"]
    code = codes[0][1]
    with runtime.uow() as uow:
        answered = rounds.submit_rating(uow, runtime.rules().ratings, code.lower(),
                                        dict.fromkeys(aspects, 80), runtime.now())
    assert answered.responses == 1
    with runtime.uow() as uow, pytest.raises(InvalidInput, match="already rated"):
        rounds.submit_rating(uow, runtime.rules().ratings, code, dict.fromkeys(aspects, 10),
                             runtime.now())
    with runtime.uow() as uow:
        answers = rounds.owner_answers(uow, round_id)
        assert [(a.household, a.average) for a in answers] == [(codes[0][0], 80.0)]
    with runtime.uow() as uow, pytest.raises(PermissionDenied):
        rounds.open_round(uow, viewer_of(users["lotus-committee"]), "rhine", 2026, "x",
                          runtime.now())
    # The answer flows into the assessment as the owners' part.
    submit(runtime, 3)
    quarter = open_quarter(runtime, users["inspector"])
    sheet(runtime, users["expert"], quarter, "rhine", 0.9)
    publish(runtime, users["inspector"], quarter)
    rhine = next(u for u in page(runtime).units if u.complex_code == "rhine")
    assert (rhine.figures["owners"], rhine.figures["owner_ratings"]) == (80.0, 1)


def test_the_unique_key_holds_one_household_to_one_rating(runtime, users):
    from sqlalchemy.exc import IntegrityError

    from caseflow.services.reporting.evaluations import add_owner_evaluation

    with runtime.uow() as uow:
        round_id = rounds.open_round(uow, None, "rhine", 2026, "评议", runtime.now())
    aspects = runtime.rules().ratings["owners_evaluation"]["aspects"]
    with runtime.uow() as uow, pytest.raises(IntegrityError):
        for _ in range(2):  # as two racing posts would, past the code check
            answer = add_owner_evaluation(uow, runtime.rules().ratings, "huacheng", 2026,
                                          dict.fromkeys(aspects, 60), runtime.now(), "rhine")
            answer.round_id, answer.household = round_id, "3-1-101"
            uow.session.flush()


def _passed_vote(runtime, users) -> int:
    committee = users["committee"]
    with runtime.uow() as uow:
        vote = voting.create_vote(uow, runtime.rules(), committee, runtime.now(), "rhine",
                                  "使用维修资金更换3栋外墙瓷砖", "use_maintenance_fund",
                                  fund_amount="12800.50")
    for voter in ("wang", "li", "zhao"):
        with runtime.uow() as uow:
            voting.cast_ballot(uow, committee, runtime.now(), vote.id, voter, "for")
    with runtime.uow() as uow:
        voting.close_vote(uow, runtime.rules(), committee, runtime.now(), vote.id)
    return vote.id


def test_a_spending_line_cites_the_vote_that_approved_it(runtime, users, tmp_path):
    vote_id = _passed_vote(runtime, users)
    settings, me = runtime.rules().ratings, viewer_of(users["committee"])

    def add(**fields):
        entry = ledger.LineEntry(**{"complex_code": "rhine", "kind": "expense",
                                    "category": "maintenance", "amount": "6400.25",
                                    "on_date": "2026-11-20"} | fields)
        with runtime.uow() as uow:
            return ledger.add_line(uow, settings, me, entry, runtime.now(), tmp_path, 10**6)

    add(vote_id=vote_id, description="外墙瓷砖首期", voucher_name="发票.pdf",
        voucher=b"%PDF-1.4 receipt")
    add(kind="income", category="property_fee", amount="50000", on_date="2026-11-05")
    add(category="remuneration", amount="5000.00")
    with pytest.raises(InvalidInput, match="spending line"):
        add(kind="income", category="public_revenue", vote_id=vote_id)
    with pytest.raises(InvalidInput, match="two decimals"):
        add(amount="1.005")
    with runtime.uow() as uow:
        lines, total = ledger.spent_under_vote(uow, vote_id)
    assert total == Decimal("6400.25") and [x.description for x in lines] == ["外墙瓷砖首期"]
    with runtime.uow() as uow:
        ledger.set_remuneration_ratio(uow, me, "rhine", 0.1)
    with runtime.uow() as uow:
        ledger.write_service_report(uow, me, "rhine", "2026-11",
                                    "本月完成外墙瓷砖首期维修。联系人电话13812345678。")
    with runtime.uow() as uow:
        ledger.publish_month(uow, settings, me, "rhine", "2026-11", runtime.now())
    with runtime.uow() as uow:
        month = ledger.month_view(uow, settings, None, "rhine", "2026-11", public=True)
    assert month.totals["balance"] == "38599.75"
    assert "13812345678" not in month.service_report and "138" in month.service_report
    assert month.totals["remuneration"] == {"agreed_ratio": 0.1, "base": "50000.00",
                                            "agreed": "5000.00", "paid": "5000.00",
                                            "paid_ratio": 0.1}
    with pytest.raises(Conflict):
        add(on_date="2026-11-28")  # a published month is closed
