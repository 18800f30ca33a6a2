"""The engine wrapper: file names in errors, time and memory limits."""

from __future__ import annotations

import time

import pytest

from emulator.errors import ScriptError, ScriptMemoryError, ScriptTimeout
from emulator.runtime.engine import Engine
from emulator.runtime.sourcemap import SourceMap


def test_source_map_gives_each_file_its_own_lines() -> None:
    """Two files evaluated one after the other map back to their own names and lines."""
    sm = SourceMap()
    a = sm.place("a.js", "one\ntwo\nthree")
    b = sm.place("b.js", "x\ny")
    a_first = a.count("\n", 0, a.index("one")) + 1
    b_first = b.count("\n", 0, b.index("x")) + 1
    assert str(sm.locate(a_first + 2)) == "a.js:3"
    assert str(sm.locate(b_first + 1, 7)) == "b.js:2:7"
    assert sm.locate(b_first + 5) is None
    assert sm.rewrite(f"at f (<input>:{b_first}:3)") == "at f (b.js:1:3)"


def test_syntax_error_names_file_line_and_column() -> None:
    """A syntax error is reported at the file, line and column where it is."""
    engine = Engine()
    engine.eval_file("ok.js", "var a = 1;\n")
    with pytest.raises(ScriptError) as info:
        engine.eval_file("pages/bad.js", "var x = 1;\n\nvar y = ;\n")
    err = info.value
    assert (err.file, err.line, err.column) == ("pages/bad.js", 3, 9)
    assert "SyntaxError" in err.message
    assert str(err).startswith("pages/bad.js:3:9: SyntaxError")


def test_runtime_error_points_at_app_frame_with_mapped_stack() -> None:
    """An exception thrown two files deep names the innermost file and maps the stack."""
    engine = Engine()
    engine.eval_file("lib.js", "function boom() {\n  null.x;\n}")
    with pytest.raises(ScriptError) as info:
        engine.eval_file("main.js", "\nboom();")
    err = info.value
    assert (err.file, err.line) == ("lib.js", 2)
    assert "lib.js:2" in err.stack and "main.js:2" in err.stack
    assert "<input>" not in err.stack
    assert "TypeError" in err.message


def test_runaway_loop_is_interrupted_and_context_survives() -> None:
    """while(true) stops at the time limit with a ScriptTimeout naming the file."""
    engine = Engine(time_limit=0.3)
    start = time.monotonic()
    with pytest.raises(ScriptTimeout) as info:
        engine.eval_file("spin.js", "var n = 0;\nwhile (true) { n++; }")
    assert time.monotonic() - start < 5
    assert info.value.file == "spin.js"
    assert "time limit" in str(info.value)
    assert engine.eval("1 + 1") == 2


def test_memory_limit_hit_is_reported_and_context_survives() -> None:
    """A huge allocation fails with ScriptMemoryError; the context keeps working."""
    engine = Engine(memory_limit=32 * 1024 * 1024)
    with pytest.raises(ScriptMemoryError) as info:
        engine.eval_file("hog.js", "var a = [];\nwhile (true) a.push(new Array(100000).fill(1));")
    assert "memory" in str(info.value)
    engine.eval("a = null")
    engine.gc()
    assert engine.eval("[1,2,3].length") == 3


def test_deep_recursion_is_a_stack_error() -> None:
    """Unbounded recursion is a ScriptMemoryError (stack), not a crash of the host."""
    engine = Engine()
    with pytest.raises(ScriptMemoryError) as info:
        engine.eval_file("rec.js", "function r() { return r() + 1; }\nr();")
    assert "call stack" in str(info.value)
    assert engine.eval("'alive'") == "alive"


def test_nul_in_source_is_a_clear_error() -> None:
    """The engine cannot take NUL in source text: the error says where it is."""
    engine = Engine()
    with pytest.raises(ScriptError) as info:
        engine.eval_file("nul.js", "var a = 1;\nvar b = '\x00';")
    assert (info.value.file, info.value.line) == ("nul.js", 2)


def test_thrown_non_error_value() -> None:
    """`throw 'text'` is reported with its value, without a fake stack."""
    engine = Engine()
    with pytest.raises(ScriptError) as info:
        engine.eval_file("t.js", "throw 'plain';")
    assert info.value.message == "plain"
    assert info.value.stack == ""
