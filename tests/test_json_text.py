"""JSON columns are written by orjson (caseflow.db.json_text): the same JSON json.dumps
would give, read back as the same values."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from caseflow.db import json_text

SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text() \
    | st.floats(allow_nan=False, allow_infinity=False)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text() | st.integers(-1000, 1000), inner, max_size=4),
    max_leaves=20,
)


@given(VALUES)
def test_the_same_json_as_json_dumps(value):
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))


def test_chinese_text_is_kept_and_number_keys_become_strings():
    assert json_text({"note": "楼上漏水", 7: True}) == '{"note":"楼上漏水","7":true}'
