"""The sync wrapper: the same objects, methods that block, close raising app errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.automation import AutomationError, sync
from emulator.automation.errors import AppErrors
from emulator.automation.window import NO_DISPLAY, open_window
from tests.conftest import write_app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_apps"


def test_sync_launch_taps_and_waits_without_await(tmp_path: Path) -> None:
    """Pages, elements and network waits return results, not awaitables."""
    with sync.launch(SAMPLES / "netdemo", data_dir=tmp_path) as app:
        page = app.current_page()
        assert page.path == "pages/index/index"
        assert page.query(".summary").text().startswith("11/11")
        before = len(app.network.flows)
        page.query("button").tap()
        flow = app.network.wait_for_flow(url="https://api.demo.test/echo?q=*")
        assert flow.response.status == 200
        assert len(app.network.flows) > before
        assert app.evaluate("1 + 2") == 3


def test_sync_close_raises_app_errors_and_waits_time_out(tmp_path: Path) -> None:
    """close() raises AppErrors for uncaught errors; a wait's timeout still says what it saw."""
    root = write_app(tmp_path / "app", {
        "pages/index/index.js": "Page({boom: function () { setTimeout(function () { null.x; }, 0); }});"})
    app = sync.launch(root, data_dir=tmp_path / "d")
    with pytest.raises(AssertionError, match=r"(?s)no node matches '#none'.*the page"):
        app.current_page().wait_for("#none", timeout=0.05)
    app.current_page().call_method("boom")
    with pytest.raises(AppErrors, match="null"):
        app.close()


async def test_sync_api_inside_a_running_loop_is_refused(tmp_path: Path) -> None:
    """Inside async code, the sync API says to use the async one."""
    with pytest.raises(AutomationError, match="inside a running event loop"):
        sync.launch(SAMPLES / "hello", data_dir=tmp_path)


async def test_window_without_a_display_says_how_to_get_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """launch(window=True) with no display fails with the way to run under Xvfb."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AutomationError, match="xvfb-run") as caught:
        open_window(None)  # type: ignore[arg-type]
    assert str(caught.value) == NO_DISPLAY


async def test_window_needs_the_qasync_loop(tmp_path: Path) -> None:
    """On a plain asyncio loop, window=True says to use --swan-window or qasync.run."""
    from emulator.automation import launch

    with pytest.raises(AutomationError, match="--swan-window"):
        async with launch(SAMPLES / "hello", data_dir=tmp_path, window=True):
            pass
