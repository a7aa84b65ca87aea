"""Inbox search: by reference, the caller's phone (in full or its last four digits), name
and words, inside the searcher's area only, through indexes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from caseflow.services.case_views import list_for
from caseflow.services.cases import submit_case
from caseflow.services.queries import PHONE_TAIL, CaseFilters
from caseflow.services.visibility import viewer_of
from tests.factories import RESIDENT, build_tree, submission


@pytest.fixture
def cases(runtime):
    """Three callers at two complexes; returns (users, refs by caller)."""
    users = build_tree(runtime)
    callers = {
        "liu": submission(reporter={"name": "刘女士", "phone": "138-0000-1234"}),
        "zhang": submission(unit="lotus", title="电梯停运", description="2号电梯一直停运",
                            category="public_facilities",
                            reporter={"name": "张先生", "phone": "13911115678"}),
        "wang": submission(title="楼道堆放杂物", description="消防通道被占用",
                           category="public_facilities",
                           reporter={"name": "王阿姨", "phone": "+86 137 2222 9999"}),
    }
    refs = {}
    with runtime.uow() as uow:
        for name, body in callers.items():
            case, _token = submit_case(uow, runtime.rules(), body, RESIDENT, runtime.now())
            refs[name] = case.ref
    return users, refs


def _found(runtime, user, query: str) -> set[str]:
    with runtime.uow() as uow:
        shown, _total = list_for(uow, viewer_of(user), CaseFilters(text=query), runtime.now(),
                                 "urgency", 1, 50)
        return {case.ref for case in shown}


@pytest.mark.parametrize("query,who", [
    ("1234", "liu"), ("13800001234", "liu"), ("138 0000 1234", "liu"),
    ("5678", "zhang"), ("13911115678", "zhang"), ("9999", "wang"), ("13722229999", "wang"),
    ("刘女士", "liu"), ("张先生", "zhang"), ("电梯停运", "zhang"), ("消防通道", "wang"),
])
def test_a_case_is_found_by_phone_name_or_words(runtime, cases, query, who):
    users, refs = cases
    assert _found(runtime, users["admin"], query) == {refs[who]}


def test_a_wrong_number_or_name_finds_nothing(runtime, cases):
    users, _refs = cases
    assert _found(runtime, users["admin"], "13800009999") == set()
    assert _found(runtime, users["admin"], "0000") == set()  # the middle is not the tail
    assert _found(runtime, users["admin"], "刘先生") == set()


def test_a_reference_or_its_start_finds_the_case(runtime, cases):
    users, refs = cases
    assert _found(runtime, users["admin"], refs["zhang"].lower()) == {refs["zhang"]}
    assert _found(runtime, users["admin"], "CF-") == set(refs.values())


def test_search_stays_inside_the_searchers_area(runtime, cases):
    users, refs = cases
    assert _found(runtime, users["butler"], "5678") == set()  # zhang called about lotus
    assert _found(runtime, users["lotus-butler"], "5678") == {refs["zhang"]}
    assert _found(runtime, users["lotus-butler"], "刘女士") == set()


def test_a_leader_finds_by_phone_but_reads_it_masked(runtime, cases):
    users, refs = cases
    with runtime.uow() as uow:
        shown, _total = list_for(uow, viewer_of(users["leader"]), CaseFilters(text="1234"),
                                 runtime.now(), "urgency", 1, 50)
    assert [case.ref for case in shown] == [refs["liu"]]
    assert "1234" in shown[0].reporter_phone and "0000" not in shown[0].reporter_phone
    assert shown[0].reporter_name != "刘女士"


def test_the_last_four_digits_are_looked_up_through_an_index(runtime, cases):
    with runtime.uow() as uow:
        conn = uow.session.connection()
        query = f"SELECT id FROM cases WHERE {PHONE_TAIL} = '1234'"
        if conn.dialect.name == "sqlite":
            rows = conn.execute(text(f"EXPLAIN QUERY PLAN {query}"))
            plan = " ".join(str(row[-1]) for row in rows)
            assert "cases_search_phone_tail" in plan
        else:
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # three rows: force the choice
            plan = " ".join(row[0] for row in conn.execute(text(f"EXPLAIN {query}")))
            assert "cases_search_phone_tail" in plan
