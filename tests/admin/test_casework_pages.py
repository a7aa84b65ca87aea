"""The dispatcher's and caseworker's pages: inbox search, intake defaults, the folded
timeline, new users' least role."""

from __future__ import annotations

from datetime import timedelta

from caseflow.app import runtime_of
from caseflow.models import CaseEvent
from caseflow.services.cases import get_case
from tests.admin.conftest import login, new_case, post, text


def test_the_inbox_finds_a_case_by_the_callers_phone_or_name(app, client):
    ref, _token = new_case(app, reporter={"name": "孙大爷", "phone": "139 1234 8765"})
    other, _token = new_case(app, unit="lotus", reporter={"name": "李女士", "phone": "13700000000"})
    login(client, "dispatcher")
    for query in ("8765", "13912348765", "孙大爷"):
        page = text(client.get("/inbox", query_string={"q": query}))
        assert ref in page and other not in page, query


def test_a_leader_finds_by_phone_and_reads_the_caller_masked(app, client):
    ref, _token = new_case(app, reporter={"name": "孙大爷", "phone": "13912348765"})
    login(client, "leader")
    page = text(client.get("/inbox", query_string={"q": "8765"}))
    assert ref in page and "13912348765" not in page


def test_the_intake_form_lists_the_dispatchers_places_and_chooses_no_category(app, client):
    login(client, "dispatcher")  # jiazhou street: the Rhine and the Lotus complexes
    page = text(client.get("/intake"))
    category = page.split('id="category"')[1].split("</select>")[0]
    assert '<option value="">' in category and "selected" not in category
    assert 'value="rhine"' in page and 'value="lotus"' in page
    unit = page.split('id="unit"')[1].split("</select>")[0]
    assert "selected" not in unit  # a street is not a place


def test_a_complex_office_registers_for_its_own_complex(app, client):
    login(client, "butler")  # the Rhine's property office
    unit = text(client.get("/intake")).split('id="unit"')[1].split("</select>")[0]
    assert 'value="rhine" selected' in unit and 'value="lotus"' not in unit


def test_repeated_warnings_read_as_one_line_with_their_count(app, client):
    ref, _token = new_case(app)
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        case = get_case(uow.session, ref)
        for hours in (1, 2, 3):
            uow.session.add(CaseEvent(
                case_id=case.id, at=runtime.now() + timedelta(hours=hours), actor_role="system",
                actor_label="system", action="warn", from_state="submitted",
                to_state="submitted", from_layer=case.layer, to_layer=case.layer,
                data={"kind": "warning", "clocks": ["accept"]}))
        uow.commit()
    login(client, "butler")
    timeline = text(client.get(f"/cases/{ref}")).split('class="timeline"')[1]
    assert timeline.count("<strong>预警</strong>") == 1 and "×3" in timeline


def test_a_new_user_on_the_users_page_gets_the_least_role(app, client):
    login(client, "admin")
    page = text(client.get("/admin/users"))
    assert '<option value="leader" selected>' in page
    post(client, "/admin/users", {"username": "zhao", "display_name": "赵", "unit": "rhine",
                                  "password": "a-long-password"}, "/admin/users")
    assert "zhao" in text(client.get("/admin/users"))
    from caseflow.services.users import find_user

    with runtime_of(app).uow() as uow:
        assert find_user(uow.session, "zhao").role == "leader"


def test_plain_http_errors_are_pages_in_the_readers_language(app, client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "未找到" in text(missing)
    wrong = client.get("/cases/CF-1/act")  # POST only
    assert wrong.status_code == 405 and "Method Not Allowed" not in text(wrong)
    assert "不能这样使用" in text(wrong)
    client.set_cookie("caseflow_lang", "en")
    assert "cannot be used this way" in text(client.get("/cases/CF-1/act"))


def test_an_unexpected_error_is_a_translated_page_outside_tests(database_url, clock):
    from caseflow.app import create_app
    from tests.conftest import RULES_DIR

    app = create_app({"DATABASE_URL": database_url, "CLOCK": clock, "RULES_DIR": str(RULES_DIR),
                      "SECRET_KEY": "x"})

    @app.get("/explode")
    def explode():  # a stand-in for a bug
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode")
    assert response.status_code == 500
    assert "secret" not in text(response) and "已记录" in text(response)
    runtime_of(app).engine.dispose()
