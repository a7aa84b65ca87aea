"""The rules page shows overlap warnings and the what-if of a checked set before activating."""

from __future__ import annotations

from datetime import timedelta

from caseflow.app import runtime_of
from tests.admin.conftest import login, new_case, post, text
from tests.services.test_whatif import NOISE_FIRST

PAGE = "/admin/rules/edit?file=routing.yaml"


def noise_first(app) -> str:
    routing = runtime_of(app).rules().files["routing.yaml"]
    at = routing.index("  # 安全隐患直报街道")
    return routing[:at] + NOISE_FIRST + routing[at:]


def test_checking_an_edit_shows_warnings_and_the_cases_that_would_move(app, client, clock):
    ref, _ = new_case(app)
    clock.advance(timedelta(hours=2))
    login(client, "admin")
    before = runtime_of(app).rules().version
    body = text(post(client, "/admin/rules/edit",
                     {"file": "routing.yaml", "text": noise_first(app), "op": "check",
                      "since": "7d"}, PAGE))
    assert "规则有效" in body and 'id="check-warnings"' in body and "leak_words" in body
    whatif = body[body.index('id="whatif"'):]
    assert "1 件会改由其他单位或层级首先办理" in whatif
    assert f'href="/cases/{ref}"' in whatif and "jiazhou-community" in whatif
    assert body.index('id="whatif"') < body.index('value="activate"')
    assert runtime_of(app).rules().version == before  # checking changed nothing
    done = post(client, "/admin/rules/edit",
                {"file": "routing.yaml", "text": noise_first(app), "op": "activate"}, PAGE)
    assert done.status_code == 302  # warnings do not block activation


def test_a_shadowed_rule_is_refused_on_the_page(app, client):
    login(client, "admin")
    routing = runtime_of(app).rules().files["routing.yaml"]
    shadowed = routing.replace("  # Everything else starts", """  - id: very_old
    when: {reporter.age: {ge: 80}}
    then: {start_layer: community}

  # Everything else starts""")
    body = text(post(client, "/admin/rules/edit",
                     {"file": "routing.yaml", "text": shadowed, "op": "activate"}, PAGE))
    assert "规则无效，未启用" in body and "very_old" in body and "vulnerable_reporter" in body
    assert 'id="whatif"' not in body
