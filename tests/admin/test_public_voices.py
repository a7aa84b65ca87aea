"""已有人反映: the report form shows similar open reports at the same complex, and a resident
adds their voice to one instead of opening a new case; the count shows on the case page,
in the API and in the hotspots report."""

from __future__ import annotations

import re
from datetime import date

from caseflow.app import runtime_of
from caseflow.models import Case, CaseVoice
from caseflow.services.reporting.common import Period
from caseflow.services.reporting.hotspots import hotspots_report
from caseflow.services.voices import AddVoice, add_voice, similar_open_cases
from tests.admin.conftest import login, new_case, post, text

VOICE = {"unit": "rhine", "category": "noise", "name": "王先生", "phone": "13912345678"}


def test_similar_open_reports_of_the_complex_are_offered_while_writing(app, client):
    ref, _token = new_case(app, unit="rhine-b3", title="快递柜夜间噪音扰民，电话13800000001")
    new_case(app, unit="rhine", category="water_supply", title="停水")
    page = text(client.get("/report/similar?unit=rhine&category=noise"))
    assert f'id="similar-{ref}"' in page and "已有人反映" in page
    assert "138****0001" in page and "13800000001" not in page  # nothing personal
    assert 'value="' + ref + '"' in page and "附议" in page
    assert "停水" not in page
    none = text(client.get("/report/similar?unit=lotus&category=noise"))
    assert "已有人反映" not in none
    # Without JavaScript: the button on the form asks the same question.
    checked = text(post(client, "/report", {**VOICE, "check": "1", "title": "还在响"}))
    assert f'id="similar-{ref}"' in checked and 'value="还在响"' in checked


def test_a_resident_adds_their_voice_once_and_staff_see_how_many(app, client):
    ref, _token = new_case(app, unit="rhine-b3")
    answer = post(client, "/report/voice", {**VOICE, "voice": ref}, "/report")
    assert answer.status_code == 201 and "附议成功" in text(answer)
    again = post(client, "/report/voice", {**VOICE, "voice": ref, "phone": "139 1234 5678"},
                 "/report")
    assert again.status_code == 201 and "您已经附议过了" in text(again)
    post(client, "/report/voice", {**VOICE, "voice": ref, "phone": "13700000002"}, "/report")
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        assert uow.session.query(Case).count() == 1  # no new case was opened
        stored = [(v.name, v.phone) for v in uow.session.query(CaseVoice).order_by(CaseVoice.id)]
    assert stored == [("王**", "139****5678"), ("王**", "137****0002")]  # masked as stored
    staff = app.test_client()
    login(staff, "butler")
    page = text(staff.get(f"/cases/{ref}"))
    assert re.search(r'id="voices">2<', page) and "139****5678" in page
    assert "13912345678" not in page
    similar = text(client.get("/report/similar?unit=rhine&category=noise"))
    assert "已有 2 位居民附议" in similar


def test_a_voice_with_a_bad_phone_keeps_what_was_typed(app, client):
    ref, _token = new_case(app, unit="rhine-b3")
    answer = post(client, "/report/voice",
                  {**VOICE, "voice": ref, "phone": "abc", "title": "我也被吵醒"}, "/report")
    assert answer.status_code == 422
    page = text(answer)
    assert 'id="phone-error"' in page and 'value="我也被吵醒"' in page
    assert f'id="similar-{ref}"' in page  # the choice is still there


def test_a_voice_on_a_case_no_longer_open_is_refused_beside_the_list(app, client):
    ref, _token = new_case(app, unit="rhine-b3")
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        uow.session.query(Case).update({"state": "closed"})
        uow.commit()
    answer = post(client, "/report/voice", {**VOICE, "voice": ref}, "/report")
    assert answer.status_code == 404 and 'id="voice-error"' in text(answer)


def test_similar_reports_and_hotspots_count_the_voices(app):
    runtime = runtime_of(app)
    ref, _token = new_case(app, unit="rhine-b3")
    with runtime.uow() as uow:
        add_voice(uow, AddVoice(ref, "张女士", "13600000003"), runtime.now())
    with runtime.uow() as uow:
        [similar] = similar_open_cases(uow, "rhine-b3", "noise", runtime.now())
        assert (similar.ref, similar.voices) == (ref, 1)
        local = runtime.now().date()
        report = hotspots_report(uow, Period.from_dates(date(local.year, 1, 1), local))
    places = report.table("places")
    assert "voices" in places.columns
    assert [row["voices"] for row in places.rows] == [1]
