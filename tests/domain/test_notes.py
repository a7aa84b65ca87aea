"""Who a note is for: internal by default for staff, always public for the resident."""

from __future__ import annotations

import pytest

from caseflow.domain.errors import InvalidInput
from caseflow.domain.notes import INTERNAL, PUBLIC_REPLY, note_visibility
from caseflow.domain.policy import HOLDER, OWNER


def test_a_staff_note_is_internal_unless_they_reply() -> None:
    assert note_visibility(HOLDER, None) == INTERNAL
    assert note_visibility(HOLDER, "") == INTERNAL
    assert note_visibility(HOLDER, "public") == PUBLIC_REPLY


def test_what_a_resident_writes_is_always_public() -> None:
    assert note_visibility(OWNER, None) == PUBLIC_REPLY
    assert note_visibility(OWNER, "internal") == PUBLIC_REPLY


def test_a_bad_visibility_names_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        note_visibility(HOLDER, "everyone")
    assert raised.value.field == "visibility"
