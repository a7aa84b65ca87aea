"""The services behind the resident pages: photos cleaned, reports checked whole, voices,
and the proof by reference and phone."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.models import Case, CaseVoice
from caseflow.services import attachments, tracking, voices
from caseflow.services.attachments import PhotoStore, Upload
from caseflow.services.cases import submit_case
from caseflow.services.photos import PhotoLimits, PhotoRefused, clean_photo
from caseflow.services.resident_reports import ReportInvalid, ResidentReport, report_problem
from tests import photos
from tests.factories import RESIDENT, build_tree, submission


@pytest.fixture
def tree(runtime):
    return build_tree(runtime)


def new_case(runtime, **overrides):
    with runtime.uow() as uow:
        case, token = submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT,
                                  runtime.now())
        return case.ref, token


def test_a_palette_png_keeps_its_colours_and_an_upright_photo_its_orientation():
    palette = Image.new("P", (10, 10))
    palette.putpalette([255, 0, 0] * 256)
    out = io.BytesIO()
    palette.save(out, "PNG", transparency=0)
    clean = clean_photo(out.getvalue(), photos.LIMITS)
    assert clean.content_type == "image/png"
    assert Image.open(io.BytesIO(clean.content)).convert("RGB").getpixel((0, 0)) == (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held upright: rotate 90° when shown
    sideways = io.BytesIO()
    Image.new("RGB", (100, 50)).save(sideways, "JPEG", exif=exif.tobytes())
    upright = clean_photo(sideways.getvalue(), photos.LIMITS)
    assert (upright.width, upright.height) == (50, 100)
    assert not Image.open(io.BytesIO(upright.content)).getexif()


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "not_a_photo"),
    (b"GIF89a" + bytes(40), "not_a_photo"),
    (photos.jpeg_with_gps()[:200], "not_a_photo"),
    (photos.png_bomb(), "photo_too_many_pixels"),
    (photos.noise_png(), "photo_too_large"),
])
def test_what_is_not_kept_says_why(data, problem):
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(data, PhotoLimits(max_bytes=20_000, max_pixels=1_000_000))
    assert refused.value.problem == problem


def test_a_report_names_every_bad_field_at_once_and_stores_nothing(runtime, tree, tmp_path):
    store = PhotoStore(tmp_path / "photos", photos.LIMITS, 1)
    raw = submission(title="", unit="nowhere", reporter={"name": "刘女士", "phone": "x"})
    report = ResidentReport(raw, [Upload("a.png", photos.png()), Upload("b.png", photos.png())])
    with runtime.uow() as uow, pytest.raises(ReportInvalid) as invalid:
        report_problem(uow, runtime.rules(), report, RESIDENT, runtime.now(), store)
    assert invalid.value.problems == {"unit": "unknown_place", "title": "required",
                                      "phone": "not_phone", "photos": "too_many_photos"}
    with runtime.uow() as uow:
        assert uow.session.query(Case).count() == 0
    assert not Path(tmp_path / "photos").exists()


def test_a_report_with_a_photo_is_one_transaction(runtime, tree, tmp_path):
    store = PhotoStore(tmp_path / "photos", photos.LIMITS, 3)
    report = ResidentReport(submission(), [Upload("IMG.JPG", photos.jpeg_with_gps())])
    with runtime.uow() as uow:
        done = report_problem(uow, runtime.rules(), report, RESIDENT, runtime.now(), store)
    with runtime.uow() as uow:
        case = uow.session.query(Case).one()
        [photo] = attachments.list_attachments(uow, case.id)
    assert (case.ref, done.photo_ids) == (done.ref, (photo.id,))
    assert photo.kind == "report" and photo.filename == "IMG.jpg"


def test_a_voice_is_masked_once_per_phone_and_only_on_open_cases(runtime, tree):
    ref, _token = new_case(runtime, unit="rhine-b3")
    now = runtime.now()
    with runtime.uow() as uow:
        assert voices.add_voice(uow, voices.AddVoice(ref, "王先生", "13912345678"), now) == (
            ref, True)
    with runtime.uow() as uow:
        assert voices.add_voice(uow, voices.AddVoice(ref, "王先生", "139-1234-5678"), now)[1] \
            is False
        [voice] = uow.session.query(CaseVoice).all()
        assert (voice.name, voice.phone) == ("王**", "139****5678")
        assert "13912345678" not in voice.contact_hash
        with pytest.raises(InvalidInput) as bad:
            voices.add_voice(uow, voices.AddVoice(ref, "王先生", "call me"), now)
        assert bad.value.field == "phone"
        with pytest.raises(NotFound):
            voices.add_voice(uow, voices.AddVoice("CF-NOPE", "王先生", "13912345678"), now)
        uow.session.query(Case).update({"state": "resolved"})
        uow.commit()
    with runtime.uow() as uow:
        with pytest.raises(NotFound):
            voices.add_voice(uow, voices.AddVoice(ref, "李女士", "13700000000"), now)
        assert voices.similar_open_cases(uow, "rhine", "noise", now) == []


def test_similar_cases_are_the_open_ones_of_the_category_at_the_complex(runtime, tree):
    building, _token = new_case(runtime, unit="rhine-b3")
    complex_case, _token = new_case(runtime, unit="rhine")
    new_case(runtime, unit="lotus")
    new_case(runtime, unit="rhine", category="water_supply")
    with runtime.uow() as uow:
        found = voices.similar_open_cases(uow, "rhine-b3", "noise", runtime.now())
        assert {case.ref for case in found} == {building, complex_case}
        assert voices.similar_open_cases(uow, "no-such-place", "noise", runtime.now()) == []


def test_the_proof_by_phone_and_what_a_resident_may_do(runtime, tree):
    ref, token = new_case(runtime, reporter={"name": "刘女士", "phone": "+86 138-0000-0001"})
    with runtime.uow() as uow:
        proved = tracking.proof_by_phone(uow, ref, "0001")
        for wrong_ref, digits in ((ref, "0002"), ("CF-20260101-AAAAAA", "0001")):
            with pytest.raises(NotFound) as missing:
                tracking.proof_by_phone(uow, wrong_ref, digits)
            assert str(missing.value) == "case not found" or "case" in str(missing.value)
        with pytest.raises(InvalidInput):
            tracking.proof_by_phone(uow, ref, "1")
        page = tracking.tracking_page(uow, runtime.rules(), ref, tracking.Proof(token_hash=proved),
                                      runtime.now())
    assert page.actions == ["withdraw"] and page.case.category == "noise"
    with runtime.uow() as uow, pytest.raises(InvalidInput):
        tracking.act_as_resident(uow, runtime.rules(), tracking.ResidentAction(
            ref, tracking.Proof(token=token), "accept"), runtime.now())
    with runtime.uow() as uow:
        state = tracking.act_as_resident(uow, runtime.rules(), tracking.ResidentAction(
            ref, tracking.Proof(token=token), "withdraw", "已经好了"), runtime.now())
    assert state == "withdrawn"
