"""huikan.compactjson writes what the json module writes."""

import json

from hypothesis import given
from hypothesis import strategies as st

from huikan.compactjson import dumps


def _reference(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


AWKWARD = [
    "集成电路\u2028\u2029",
    'quote " backslash \\ slash /',
    "\x00\x01\x1f\x7f control",
    "\t\n\r\b\f",
    "𠀀𪚥 astral",
    "\ud7ff\ue000\ufeff\uffff",
    "",
]


def test_awkward_strings_and_shapes():
    data = {"b": AWKWARD, "a": {"z": 1, "y": [True, False, None, -3, 2**40]}, "c": (1, "二")}
    assert dumps(data) == _reference(data)
    for s in AWKWARD:
        assert dumps(s) == _reference(s)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_any_json_value_without_floats_is_encoded_alike(value):
    assert dumps(value) == _reference(value)
