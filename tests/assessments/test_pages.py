"""The accountability pages: the household's rating form, the panel publishing, the public
/ratings page in both languages, and a month of 双晒 accounts on the notice board."""

from __future__ import annotations

import io
import re

import pytest

from caseflow.app import runtime_of
from caseflow.models import Case, User
from caseflow.services import voting
from tests.admin.conftest import login, post, text
from tests.assessments.conftest import paper_rating, submit
from tests.factories import act_on


@pytest.fixture
def runtime(app_runtime):  # noqa: F811 - the app's own runtime
    return app_runtime


def _codes(page: str) -> list[str]:
    return re.findall(r"<code>([A-Z0-9]+)</code>", page)


def test_a_household_rates_once_on_its_phone(app, people):
    committee = app.test_client()
    login(committee, "committee")
    opened = post(committee, "/complexes/rhine/rating-rounds",
                  {"title": "2026年度业主评议", "year": "2026"}, page="/complexes/rhine/accounts")
    assert opened.status_code == 302
    codes = _codes(text(committee.get(opened.headers["Location"])))
    assert len(codes) == 4
    owner = app.test_client()
    form = owner.get(f"/rate?code={codes[0].lower()}", follow_redirects=True)
    page = text(form)
    assert "公共秩序维护" in page and "问题整改" in page and page.count('type="number"') == 12
    aspects = runtime_of(app).rules().ratings["owners_evaluation"]["aspects"]
    answer = dict.fromkeys(aspects, "85")
    short = post(owner, f"/rate/{codes[0]}", {**answer, "sanitation": ""})
    assert short.status_code == 422 and 'id="sanitation-error"' in text(short)
    done = post(owner, f"/rate/{codes[0]}", answer)
    assert done.status_code == 200 and "1" in text(done)
    again = owner.get(f"/rate/{codes[0]}")
    assert again.status_code == 422 and 'id="code-error"' in text(again)
    counts = text(committee.get(opened.headers["Location"]))
    assert re.search(r"<strong>1</strong> / 4", counts) and "25.0%" in counts


def test_the_panel_publishes_and_the_public_reads_it_in_both_languages(app, runtime, people):
    submit(runtime, 3)
    paper_rating(runtime)
    with runtime.uow() as uow:
        butler = uow.session.query(User).filter_by(username="butler").one()
        first = uow.session.query(Case).order_by(Case.id).first().ref
    with runtime.uow() as uow:
        act_on(uow, runtime.rules(), first, "accept", butler, runtime.now())
    inspector = app.test_client()
    login(inspector, "inspector")
    opened = post(inspector, "/assessments", {"area": "jiazhou-street", "year": "2026",
                                              "quarter": "4"})
    assert opened.status_code == 302
    desk = opened.headers["Location"]
    items = runtime.rules().ratings["assessment"]["expert_sheet"]
    bad = post(inspector, f"{desk}/sheets", {"complex": "rhine", **dict.fromkeys(items, "999")},
               page=desk)
    assert bad.status_code == 422 and "errors" in text(bad)
    sheet = post(inspector, f"{desk}/sheets", {"complex": "rhine", **items}, page=desk)
    assert sheet.status_code == 302
    assert post(inspector, f"{desk}/publish", {}, page=desk).status_code == 302
    public = app.test_client()
    page = text(public.get("/ratings"))
    assert "嘉州新城·莱茵水岸" in page and "乐山花城物业服务有限公司" in page
    assert "100.0%" in page  # the response rate, as a percentage
    assert ">five<" not in page and "huacheng" not in page and "★★★★★" in page
    assert "不参评（数据不足）" in page  # lotus: not rated, in words
    post(public, "/lang", {"lang": "en", "next": "/ratings"}, page="/ratings")
    english = text(public.get("/ratings"))
    assert "Credit grades of property companies" in english and "Not rated" in english


def test_a_month_of_accounts_with_a_line_under_a_vote(app, runtime, people):
    with runtime.uow() as uow:
        vote = voting.create_vote(uow, runtime.rules(), people, runtime.now(), "rhine",
                                  "更换3栋外墙瓷砖", "use_maintenance_fund", fund_amount="12800")
    for voter in ("wang", "li", "zhao"):
        with runtime.uow() as uow:
            voting.cast_ballot(uow, people, runtime.now(), vote.id, voter, "for")
    with runtime.uow() as uow:
        voting.close_vote(uow, runtime.rules(), people, runtime.now(), vote.id)
    keeper = app.test_client()
    login(keeper, "committee")
    ledger = "/complexes/rhine/accounts?month=2026-11"
    line = {"kind": "expense", "category": "maintenance", "amount": "6400.25",
            "on_date": "2026-11-20", "description": "外墙瓷砖首期", "vote": str(vote.id)}
    bad = post(keeper, "/complexes/rhine/accounts/lines", {**line, "amount": "abc"}, page=ledger)
    assert bad.status_code == 422 and 'id="amount-error"' in text(bad)
    added = post(keeper, "/complexes/rhine/accounts/lines",
                 {**line, "voucher": (io.BytesIO(b"%PDF-1.4 invoice"), "发票.pdf")},
                 page=ledger)
    assert added.status_code == 302
    post(keeper, "/complexes/rhine/accounts/lines",
         {**line, "kind": "income", "category": "property_fee", "amount": "50000", "vote": ""},
         page=ledger)
    post(keeper, "/complexes/rhine/accounts/report",
         {"month": "2026-11", "service_report": "本月完成外墙瓷砖首期维修。"}, page=ledger)
    published = post(keeper, "/complexes/rhine/accounts/publish", {"month": "2026-11"},
                     page=ledger)
    assert published.status_code == 302
    public = app.test_client()
    assert "嘉州新城·莱茵水岸" in text(public.get("/notice/accounts"))
    month = text(public.get("/notice/rhine/accounts/2026-11"))
    assert "维修养护" in month and "6,400.25" in month and "本月完成" in month
    assert "43,599.75" in month or "43599.75" in month
    voucher = re.search(r'href="(/vouchers/\d+)"', month).group(1)
    assert public.get(voucher).data == b"%PDF-1.4 invoice"
    vote_page = text(keeper.get(f"/votes/{vote.id}"))
    assert 'id="spent"' in vote_page and "6,400.25" in vote_page
