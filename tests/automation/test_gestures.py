"""Page scroll, pull-down refresh and reach-bottom through the automation API, and the
core rules of emulator/app/page_gestures.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emulator.app.package import load_package
from emulator.app.page_gestures import (
    pull_down_enabled,
    reach_bottom_distance,
    reaches_bottom,
)
from emulator.automation import AutomationError, launch
from tests.conftest import write_app

HOOKS = """Page({
  onPageScroll: function (e) { console.log('scroll ' + e.scrollTop); },
  onPullDownRefresh: function () { console.log('refresh'); },
  onReachBottom: function () { console.log('bottom'); },
  stop: function () { swan.stopPullDownRefresh(); },
  start: function () { swan.startPullDownRefresh(); },
  jump: function () { swan.pageScrollTo({scrollTop: 300}); },
  offset: function () {
    swan.createSelectorQuery().selectViewport().scrollOffset(function (r) { console.log('offset ' + r.scrollTop); }).exec();
  }
});"""


def gesture_app(tmp_path: Path, page_json: dict[str, object] | None = None,
                window: dict[str, object] | None = None) -> Path:
    app_json: dict[str, object] = {"pages": ["pages/index/index"]}
    if window is not None:
        app_json["window"] = window
    return write_app(tmp_path / "app", {
        "app.json": app_json,
        "pages/index/index.js": HOOKS,
        "pages/index/index.json": page_json or {},
    })


def texts(app: object) -> list[str]:
    return [m.text for m in app.console]  # type: ignore[attr-defined]


async def test_scroll_to_fires_on_page_scroll_and_sets_the_offset(tmp_path: Path) -> None:
    """scroll_to runs onPageScroll({scrollTop}) and the viewport's scrollOffset reports it."""
    async with launch(gesture_app(tmp_path), data_dir=tmp_path / "d") as app:
        page = app.current_page()
        await page.scroll_to(120)
        assert page.scroll_top == 120
        await page.call_method("offset")
        assert texts(app)[-2:] == ["scroll 120", "offset 120"]


async def test_scroll_with_content_height_reaches_the_bottom_once(tmp_path: Path) -> None:
    """Within onReachBottomDistance of the bottom onReachBottom fires once per arrival."""
    async with launch(gesture_app(tmp_path, {"onReachBottomDistance": "100"}),
                      data_dir=tmp_path / "d") as app:
        page = app.current_page()
        # window 603 px: 1000 - 603 - 100 = 297 is the first top inside the zone
        await page.scroll_to(290, content_height=1000)
        await page.scroll_to(300, content_height=1000)
        await page.scroll_to(310, content_height=1000)
        await page.scroll_to(0, content_height=1000)
        await page.scroll_to(400, content_height=1000)
        assert [t for t in texts(app) if t == "bottom"] == ["bottom", "bottom"]


async def test_pull_down_refresh_needs_the_page_to_enable_it(tmp_path: Path) -> None:
    """Without enablePullDownRefresh the gesture is refused with a clear error."""
    async with launch(gesture_app(tmp_path), data_dir=tmp_path / "d") as app:
        with pytest.raises(AutomationError, match=re.escape('enablePullDownRefresh": true in pages/index/index.json')):
            await app.current_page().pull_down_refresh()
        assert "refresh" not in texts(app)


async def test_pull_down_refresh_runs_until_the_app_stops_it(tmp_path: Path) -> None:
    """onPullDownRefresh runs; refreshing stays until swan.stopPullDownRefresh."""
    async with launch(gesture_app(tmp_path, window={"enablePullDownRefresh": "true"}),
                      data_dir=tmp_path / "d") as app:
        page = app.current_page()
        await page.pull_down_refresh()
        assert texts(app)[-1] == "refresh" and page.refreshing
        await page.call_method("stop")
        assert not page.refreshing
        await page.call_method("start")  # the app's own start works like the gesture
        assert texts(app)[-1] == "refresh" and page.refreshing


async def test_reach_bottom_and_page_scroll_to_from_the_app(tmp_path: Path) -> None:
    """reach_bottom runs onReachBottom; the app's pageScrollTo scrolls (onPageScroll)."""
    async with launch(gesture_app(tmp_path), data_dir=tmp_path / "d") as app:
        page = app.current_page()
        await page.reach_bottom()
        await page.call_method("jump")
        assert texts(app)[-2:] == ["bottom", "scroll 300"]
        assert page.scroll_top == 300


async def test_disable_scroll_refuses_scrolling(tmp_path: Path) -> None:
    """A page whose JSON sets disableScroll cannot be scrolled."""
    async with launch(gesture_app(tmp_path, {"disableScroll": True}),
                      data_dir=tmp_path / "d") as app:
        with pytest.raises(AutomationError, match="disableScroll"):
            await app.current_page().scroll_to(10)


def test_window_config_rules(tmp_path: Path) -> None:
    """Page JSON overrides app.json's window; strings are coerced; bad values default."""
    package = load_package(gesture_app(tmp_path, {"onReachBottomDistance": "abc"},
                                       window={"enablePullDownRefresh": True}))
    assert pull_down_enabled(package, "pages/index/index")
    assert reach_bottom_distance(package, "pages/index/index") == 50
    assert reaches_bottom(297, 603, 1000, 100) and not reaches_bottom(296, 603, 1000, 100)
