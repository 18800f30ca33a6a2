"""Nothing silent: unheard failures warn, repeated errors collapse, errors name the callee."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.flows.events import UncaughtError, UncaughtErrorRepeated
from emulator.runtime import bridge
from emulator.runtime.callee import callee_at


async def test_a_failure_without_fail_callback_is_a_warning(run_app: Any) -> None:
    """A call that fails with nobody listening prints its errMsg; one with fail does not."""
    run = await run_app({"pages/index/index.js": """
        swan.getStorage({key: 'missing'});
        swan.getStorage({key: 'missing', complete: function () {}});
        swan.getStorage({key: 'missing', fail: function () {}});
        swan.navigateTo({url: '/pages/nowhere/nowhere'});
        Page({});
    """})
    assert run.warnings == [
        "swan.getStorage failed: getStorage:fail data not found (errCode 1001)",
        "swan.getStorage failed: getStorage:fail data not found (errCode 1001)",
        'swan.navigateTo failed: navigateTo:fail page "/pages/nowhere/nowhere" is not found '
        "(errCode 1001)",
    ]


async def test_a_repeated_uncaught_error_is_collapsed(run_app: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """One throwing setInterval: the error once, then running totals, the last at close."""
    monkeypatch.setattr(bridge, "REPEAT_INTERVAL", 0.05)
    run = await run_app({"pages/index/index.js": """
        var n = 0;
        var t = setInterval(function () { if (++n === 30) clearInterval(t); null.boom; }, 5);
        Page({});
    """})
    await run.host.close()
    first = run.of(UncaughtError)
    repeats = run.of(UncaughtErrorRepeated)
    assert len(first) == 1 and "boom" in first[0].error.message
    assert 1 <= len(repeats) < 30
    assert [r.count for r in repeats] == sorted({r.count for r in repeats})
    assert repeats[-1].count == 30 == run.host.error_count
    assert repeats[-1].first <= repeats[-1].last


async def test_not_a_function_names_the_callee(run_app: Any) -> None:
    """`TypeError: not a function` says which function, as the devtools do; columns count
    characters, not UTF-8 bytes."""
    run = await run_app({"pages/index/index.js":
                         "var t = '中文'; Page({onLoad() { this.nope('__l', t); }});"})
    [err] = run.errors
    assert err.error.message == "TypeError: this.nope is not a function"
    line = "var t = '中文'; Page({onLoad() { this.nope('__l', t); }});"
    assert err.error.line == 1 and line[err.error.column - 1:].startswith(("this", ".", "(", "t"))
    assert "<emulator>" not in err.error.stack


@pytest.mark.parametrize(("line", "column", "callee"), [
    ("o.foo(1);", 3, "o.foo"),
    ("function de(t){this.dispatch('__l',t)}", 36, "this.dispatch"),
    ("function f(o){ o.foo(g(1)); }", 21, "o.foo"),
    ("function f(o){ o.bar.baz(1, 'x'); }", 21, "o.bar.baz"),
    ("x();", 1, "x"),
    ("var s = {}; s.f(1)(2);", 14, "s.f"),
    ("o['k'](3);", 1, "o['k']"),
    ("if (a) { b = 1; }", 2, None),
])
def test_callee_from_the_engine_column(line: str, column: int, callee: str | None) -> None:
    """The call around the engine's column (measured for quickjs-ng) names the callee."""
    assert callee_at(line, column) == callee
