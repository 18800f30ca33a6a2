"""Budgets, not per-step limits: JS's self-made work yields to the loop, a chain that never
lets go is a runaway, --timeout is a hard wall clock, Ctrl-C stops the run."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from emulator.errors import ScriptTimeout
from tests.conftest import write_app
from tests.test_cli import REPO

CHAINS = {
    "promise jobs": "(function f() { Promise.resolve().then(f); })();",
    "an async API's complete": "function f() { swan.getStorage({key: 'x', complete: f, fail: function () {}}); } f();",
    "a host round trip": "var fs = swan.getFileSystemManager();"
                         "function g() { fs.access({path: swan.env.USER_DATA_PATH, complete: g}); } g();",
}


@pytest.mark.parametrize("chain", list(CHAINS))
async def test_a_chain_that_never_lets_go_is_a_runaway(run_app: Any, chain: str) -> None:
    """The loop keeps its turns while the chain runs; after the script time limit the
    chain is reported once as a runaway, the app stops, and the host goes on."""
    from emulator.config import Settings

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        run = await run_app({"pages/index/index.js": CHAINS[chain] + "\nPage({});"},
                            Settings(script_time_limit=0.5), wait=False)
        await asyncio.wait_for(run.host.wait_idle(), 10)
    finally:
        task.cancel()
    assert ticks >= 3  # the loop was not starved while the chain ran (before: 0)
    runaways = [e for e in run.errors if isinstance(e.error, ScriptTimeout)]
    assert len(runaways) == 1 and runaways[0].error.message.startswith("runaway: ")
    assert run.host.runtime.halted
    if chain != "promise jobs":  # the last callback, by where and the function's name
        name = "g" if "fs.access" in CHAINS[chain] else "f"
        assert f"complete callback ({name})" in runaways[0].error.message


async def test_a_long_but_finite_chain_runs_to_its_end(run_app: Any) -> None:
    """Work JS makes for itself is spread over loop turns, not cut: 200,000 promise jobs
    all run."""
    run = await run_app({"pages/index/index.js": """
        var n = 0;
        (function f() { if (++n < 200000) Promise.resolve().then(f); else console.log('done', n); })();
        Page({});
    """})
    assert run.logs == ["done 200000"] and run.errors == []


async def test_console_input_while_a_chain_waits_for_its_next_slice(run_app: Any) -> None:
    """Console input (a test's evaluate) made while a long chain waits for its next slice
    runs at once and gives its value; its error is still no app error."""
    run = await run_app({"pages/index/index.js": """
        globalThis.steps = 0;
        (function f() {
            if (++globalThis.steps < 400000) Promise.resolve().then(f); else console.log('done');
        })();
        Page({});
    """}, wait=False)
    runtime = run.host.runtime
    assert runtime._resume is not None  # the chain used up its slice: the rest waits
    assert run.host.evaluate("steps > 0 && 6 * 7") == "42"
    assert run.host.evaluate("nope.x").startswith("Uncaught ReferenceError")
    await run.idle()
    assert run.logs == ["done"] and run.errors == []


async def test_a_tight_loop_is_reported_at_the_loop(run_app: Any) -> None:
    """The time limit stops a tight loop; the error points at the loop, not at the call
    before it (where the engine last recorded a position)."""
    from emulator.config import Settings

    run = await run_app({"pages/index/index.js": "function a() { return 1; }\nPage({onLoad() {\n"
                                                 "  a();\n  var i = 0;\n  while (true) { i++; }\n}});\n"},
                        Settings(script_time_limit=0.3))
    [err] = run.errors
    assert isinstance(err.error, ScriptTimeout)
    assert (err.error.file, err.error.line) == ("pages/index/index.js", 5)


def _app(tmp_path: Path, js: str) -> Path:
    return write_app(tmp_path / "app", {"pages/index/index.js": js})


def test_timeout_is_a_hard_wall_clock(tmp_path: Path) -> None:
    """A setInterval whose callback runs for seconds cannot stretch --timeout: the JS
    running at the deadline is interrupted (status 3)."""
    root = _app(tmp_path, "setInterval(function () { var t = Date.now(); "
                          "while (Date.now() - t < 4000) {} }, 0); Page({});")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "emulator", "run", str(root), "--timeout", "3",
                             "--data-dir", str(tmp_path / "data")],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    took = time.monotonic() - started
    assert result.returncode == 3, result.stderr
    assert took < 3 + 4  # before: 3 s, then every 4 s callback in flight, then close (18 s+)


def test_ctrl_c_stops_at_once_with_130_and_the_har(tmp_path: Path) -> None:
    """SIGINT while a promise chain spins: status 130, and the HAR is still written."""
    root = _app(tmp_path, "console.log('started');"
                          "(function f() { Promise.resolve().then(f); })(); Page({});")
    har = tmp_path / "out.har"
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "run", str(root), "--har", str(har),
                             "--data-dir", str(tmp_path / "data")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "started"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "[interrupted]" in err and "Traceback" not in err
    assert json.loads(har.read_text())["log"]["entries"] == []
