"""The pytest plugin, run on throwaway test files with pytester."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
SAMPLES = Path(__file__).resolve().parents[2] / "sample_apps"


def test_marker_and_fixture_run_an_app(pytester: pytest.Pytester) -> None:
    """@pytest.mark.swan_app + the swan_app fixture launch the app for the test."""
    pytester.makepyfile(f"""
        import pytest

        @pytest.mark.swan_app({str(SAMPLES / "netdemo")!r})
        async def test_summary(swan_app):
            page = swan_app.current_page()
            assert page.query(".summary").text().startswith("11/11")
    """)
    result = pytester.runpytest("-p", "no:cacheprovider", "-o", "asyncio_mode=auto",
                                "-o", "asyncio_default_fixture_loop_scope=function")
    result.assert_outcomes(passed=1)


def test_a_failure_reports_console_flows_and_har(pytester: pytest.Pytester) -> None:
    """A failing test's report carries the app's console, its flows and the HAR's path."""
    pytester.makepyfile(f"""
        import pytest

        @pytest.mark.swan_app({str(SAMPLES / "netdemo")!r})
        async def test_fails(swan_app):
            assert swan_app.current_page().query(".nothing") is not None
    """)
    result = pytester.runpytest("-p", "no:cacheprovider", "-o", "asyncio_mode=auto",
                                "-o", "asyncio_default_fixture_loop_scope=function")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*swan console*", "*netdemo: 11/11*", "*swan flows*",
                                 "*request GET https://api.demo.test/echo?q=*", "*swan HAR*",
                                 "*flows.har*"])


def test_swan_window_runs_the_test_with_the_window(pytester: pytest.Pytester,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """--swan-window: the test runs on qasync's loop and its app has the window."""
    pytester.makepyfile(f"""
        import asyncio, pytest

        @pytest.mark.swan_app({str(SAMPLES / "hello")!r})
        async def test_window(swan_app):
            assert type(asyncio.get_running_loop()).__module__.startswith("qasync")
            assert swan_app.window is not None and swan_app.window.window.isVisible()
    """)
    # A subprocess: Qt's application object outlives the test; offscreen, without the
    # web view (its own tests cover it).
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("SWAN_EMULATOR_NO_WEBENGINE", "1")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--swan-window", "-o", "asyncio_mode=auto",
        "-o", "asyncio_default_fixture_loop_scope=function")
    result.assert_outcomes(passed=1)


def test_swan_window_without_a_display_is_a_usage_error(pytester: pytest.Pytester,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """--swan-window with no display stops pytest and says how to get one."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--swan-window")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--swan-window: launch(window=True) needs a display*xvfb-run*"])


def test_the_plugin_loads_light() -> None:
    """Loading the plugin (every pytest run, each xdist controller) imports neither the
    automation API nor the app host, QuickJS or the network stack; they come with a test
    that uses them."""
    code = ("import sys, pytest, emulator.automation.pytest_plugin; "
            "print(sorted(m for m in sys.modules if m.startswith(("
            "'emulator.automation.program', 'emulator.app', 'quickjs', 'httpx'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "[]"
