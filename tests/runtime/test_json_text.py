"""The bridge's JSON text: orjson's, the standard library's for what orjson refuses."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.flows.bus import EventBus
from emulator.runtime import json_text
from emulator.runtime.bridge import Runtime
from emulator.runtime.engine import Engine


# What a payload holds: JSON's values, texts with any code point (lone surrogates too) and
# the integers a JS number keeps exactly.
def values(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    return st.recursive(
        st.none() | st.booleans() | st.integers(-2**53, 2**53) | floats | st.text(),
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
        max_leaves=20,
    )


VALUES = values(st.floats(allow_nan=False, allow_infinity=False))
# JS writes a double of 1e16 or more with all its integer digits ("38258646916018970"),
# which reads back as an int that is not the double: the engine round trip keeps below.
JS_VALUES = values(st.floats(-1e15, 1e15))


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_any_value_comes_back_the_same(value: Any) -> None:
    """dumps then loads gives the value back, whichever library wrote or read it."""
    assert json_text.loads(json_text.dumps(value)) == value


def test_what_orjson_refuses_is_written_by_json_escaped() -> None:
    """A lone surrogate, a 65-bit int and an int key are written by json, ASCII only."""
    assert json_text.dumps(["é", "\ud800"]) == '["\\u00e9", "\\ud800"]'
    assert json_text.dumps(2**70) == str(2**70)
    assert json_text.dumps({1: "a"}) == '{"1": "a"}'
    assert json_text.dumps({"a": "é"}) == '{"a":"é"}'  # orjson's: UTF-8, compact


def test_not_json_and_bugs_raise_as_json_does() -> None:
    """Text that is not JSON is a ValueError; a cycle, a dataclass or a set as before."""
    with pytest.raises(ValueError):
        json_text.loads("{nope")
    with pytest.raises(ValueError):
        json_text.loads("[" * 100_000 + "]" * 100_000)
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(ValueError):
        json_text.dumps(cycle)

    @dataclasses.dataclass
    class Point:
        x: int

    for bug in (Point(1), {1, 2}):
        with pytest.raises(TypeError):
            json_text.dumps(bug)


def test_numbers_as_js_has_them() -> None:
    """NaN becomes null as JSON.stringify makes it; an int beyond 64 bits is the double JS
    had; a lone surrogate's escape is read back as that surrogate."""
    assert json_text.dumps([math.nan, math.inf]) == "[null,null]"
    assert json_text.dumps({"n": [math.nan], "s": "\ud800"}) == '{"n": [null], "s": "\\ud800"}'
    assert json_text.loads("[18446744073709551616]") == [2.0**64]
    assert json_text.loads('"\\ud800x"') == "\ud800x"


@settings(max_examples=60, deadline=None)
@given(JS_VALUES)
def test_a_payload_reaches_js_and_comes_back_exactly(value: Any) -> None:
    """Through the real engine: the text dumps makes is what JS parses, and what JS
    stringifies loads reads back, lone surrogates and all."""
    engine = Engine()
    echo = engine.eval("(function (text) { return JSON.stringify(JSON.parse(text)); })")
    back = engine.call(echo, json_text.dumps(value))
    assert json_text.loads(back) == value


async def test_the_runtime_uses_it_both_ways() -> None:
    """An entry's payload and the outbox it posts cross the bridge as this module's text:
    a lone surrogate goes in and comes back out."""
    got: list[Any] = []
    rt = Runtime(EventBus())
    rt.register("echo", lambda _id, args: got.append(args))
    rt.run_script("t.js", "__swan_host__.entries.echoBack = function (p) {"
                  " __swan_host__.post('echo', 0, p); };")
    rt.enter("echoBack", {"text": "lone \ud800 é", "n": 2**53})
    assert got == [{"text": "lone \ud800 é", "n": 2**53}]
    assert json.loads(json_text.dumps(got[0])) == got[0]

