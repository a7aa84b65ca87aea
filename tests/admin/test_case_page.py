"""Acting on a case from its page: the composer, confirmation, conflicts and duplicates."""

from __future__ import annotations

from caseflow.app import runtime_of
from caseflow.services.cases import get_case
from caseflow.services.users import find_user
from tests.admin.conftest import login, new_case, post, text
from tests.factories import act_on


def _state(app, ref):
    with runtime_of(app).uow() as uow:
        return get_case(uow.session, ref).state


def test_the_page_offers_exactly_the_allowed_actions(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    page = text(client.get(f"/cases/{ref}"))
    assert 'name="action" value="accept"' in page and 'value="return"' in page
    assert 'value="resolve"' not in page
    assert "嘉州新城·莱茵水岸" in page and "乐山市" in page and "快递柜夜间噪音扰民" in page


def test_a_caseworker_accepts_and_resolves_a_case(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    page = f"/cases/{ref}"
    accepted = post(client, f"{page}/act", {"action": "accept", "version": "1"}, page)
    assert accepted.status_code == 302
    post(client, f"{page}/act", {"action": "start", "version": "2"}, page)
    post(client, f"{page}/act", {"action": "resolve", "version": "3", "note": "已调整提示音"}, page)
    assert _state(app, ref) == "resolved"
    assert "已调整提示音" in text(client.get(page))


def test_an_irreversible_action_asks_for_confirmation_and_keeps_the_note(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    page = f"/cases/{ref}"
    asked = post(client, f"{page}/act",
                 {"action": "return", "version": "1", "note": "不属于物业职责"}, page)
    assert asked.status_code == 200
    body = text(asked)
    assert 'id="confirm-step"' in body and "确认：退单" in body
    assert "不属于物业职责</textarea>" in body
    assert 'value="return" data-label="退单" checked' in body
    assert _state(app, ref) == "submitted"
    done = post(client, f"{page}/act", {"action": "return", "version": "1", "confirm": "yes",
                                        "note": "不属于物业职责"}, page)
    assert done.status_code == 302
    with runtime_of(app).uow() as uow:
        assert get_case(uow.session, ref).returned


def test_the_composer_has_one_note_box_and_each_actions_fields(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    body = text(client.get(f"/cases/{ref}"))
    assert body.count("<textarea") == 1 and body.count('id="act-form"') == 1
    assert 'name="seen"' in body and "composer.js" in body


def test_an_action_with_no_choice_is_explained_and_the_note_kept(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    page = f"/cases/{ref}"
    response = post(client, f"{page}/act", {"version": "1", "note": "先记一笔"}, page)
    assert response.status_code == 422
    assert "请选择一项操作" in text(response) and "先记一笔</textarea>" in text(response)


def test_someone_elses_change_is_reported_plainly_and_the_note_is_kept(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    page = f"/cases/{ref}"
    token_page = client.get(page)  # the version the butler saw: 1
    assert token_page.status_code == 200
    runtime = runtime_of(app)
    with runtime.uow() as uow:  # meanwhile a colleague accepts it
        act_on(uow, runtime.rules(), ref, "accept", find_user(uow.session, "butler2"),
                    runtime.now())
    response = post(client, f"{page}/act", {"action": "comment", "version": "1", "seen": "1",
                                            "visibility": "public", "note": "已电话联系业主"},
                    page)
    assert response.status_code == 409
    body = text(response)
    assert "此诉求已被他人更新" in body and "已签收" in body
    assert "已电话联系业主</textarea>" in body
    assert 'value="comment" data-label="备注" checked' in body
    assert 'value="public" checked' in body
    changed = body.split('id="changed-since"')[1].split("</ul>")[0]
    assert "签收" in changed and "待签收 → 已签收" in changed


def test_a_missing_note_is_explained_on_the_case_page(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    page = f"/cases/{ref}"
    response = post(client, f"{page}/act", {"action": "comment", "version": "1"}, page)
    assert response.status_code == 422 and "请检查“说明”" in text(response)


def test_layer_and_category_names_follow_the_language(app, client):
    ref, _token = new_case(app)
    login(client, "butler")
    chinese = text(client.get(f"/cases/{ref}"))
    client.set_cookie("caseflow_lang", "en")
    english = text(client.get(f"/cases/{ref}"))
    rules = runtime_of(app).rules()
    layer, category = rules.layers[0], rules.categories["noise"]
    assert layer.name_zh in chinese and category.name_zh in chinese and "待签收" in chinese
    assert layer.name_en in english and category.name_en in english and "Submitted" in english


def test_a_likely_duplicate_is_shown_and_can_be_unlinked(app, client):
    first, _token = new_case(app)
    second, _token = new_case(app)  # same place and category within the duplicate window
    login(client, "butler")
    page = f"/cases/{second}"
    body = text(client.get(page))
    assert 'id="duplicate"' in body and f'href="/cases/{first}"' in body
    assert 'id="unlink-duplicate"' in body
    assert "unlink_duplicate" not in text(client.get(f"/cases/{first}"))  # nothing to unlink
    inbox = text(client.get("/inbox"))
    assert inbox.count('class="badge duplicate"') == 1
    done = post(client, f"{page}/act", {"action": "unlink_duplicate", "version": "1"}, page)
    assert done.status_code == 302
    with runtime_of(app).uow() as uow:
        case = get_case(uow.session, second)
        assert case.duplicate_of_id is None and "possible_duplicate" not in case.tags
    after = text(client.get(page))
    assert 'id="duplicate"' not in after and "不是重复" in after  # the event in the timeline


def test_a_likely_duplicate_offers_the_merge_through_the_confirmation(app, client):
    first, _token = new_case(app)
    second, _token = new_case(app)
    login(client, "admin")
    page = f"/cases/{second}"
    asked = post(client, f"{page}/act", {"action": "merge", "version": "1", "into": first}, page)
    assert asked.status_code == 200 and 'id="confirm-step"' in text(asked)
    assert f'name="into" value="{first}"' in text(asked)
    post(client, f"{page}/act", {"action": "merge", "version": "1", "into": first,
                                 "confirm": "yes"}, page)
    assert _state(app, second) == "merged"
