"""program.network.mock(): rules added and removed while the app runs, Python handlers,
the handle's count, clear_mocks(), and the mark in flows.summary()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.automation import AutomationError, launch
from emulator.config import Settings
from tests.conftest import write_app

PAGE = """Page({data: {out: ''},
  fetch: function (e) {
    var self = this, url = (e && e.url) || 'https://api.mock.test/items?page=1';
    swan.request({url: url, method: 'POST', data: {user: {id: 7}},
      success: function (r) { self.setData({out: r.statusCode + ' ' + JSON.stringify(r.data)}); },
      fail: function (e) { self.setData({out: 'fail ' + e.errCode + ' ' + e.errMsg}); }});
  }
});"""


def app_dir(tmp_path: Path) -> Path:
    return write_app(tmp_path / "app", {
        "pages/index/index.swan": '<text id="out">{{out}}</text>',
        "pages/index/index.js": PAGE,
    })


def settings() -> Settings:
    return Settings(domains={"request": ["https://api.mock.test"]})


async def fetch(app: Any) -> str:
    page = app.current_page()
    await page.call_method("fetch")
    await app.network.wait_idle()
    return page.query("#out").text()


async def test_rules_apply_live_and_are_removable(tmp_path: Path) -> None:
    """A rule answers the next call; first=True takes priority; remove() and clear_mocks()
    take effect on the next call; times spends a rule; summary names the rule."""
    async with launch(app_dir(tmp_path), settings=settings(), data_dir=tmp_path / "d") as app:
        items = app.network.mock("https://api.mock.test/items?*", method="POST",
                                 params={"data.user.id": "^7$"}, json={"items": [1]},
                                 name="items")
        assert await fetch(app) == '200 {"items":[1]}'
        urgent = app.network.mock("*", status=503, text="busy", first=True, times=1,
                                  name="busy once")
        assert await fetch(app) == '503 "busy"'
        assert await fetch(app) == '200 {"items":[1]}'  # times=1: spent
        assert urgent.calls == 1 and items.calls == 2
        assert items.remove() and not items.remove()
        assert (await fetch(app)).startswith("fail 1001 request:fail connect error")
        app.network.mock("*", fail="timeout", delay=0)
        app.network.clear_mocks()
        assert (await fetch(app)).startswith("fail 1001 request:fail connect error")
        summary = app.network.summary()
        assert "[mocked: items]" in summary and "[mocked: busy once]" in summary


async def test_python_handler_sees_the_options(tmp_path: Path) -> None:
    """A Python function answers from the call's options (async allowed); one that raises
    fails the call with execution failed and a console warning."""
    seen: list[dict[str, Any]] = []

    async def handler(options: dict[str, Any]) -> dict[str, Any]:
        seen.append(options)
        return {"statusCode": 200, "header": {"X-Py": "1"},
                "data": {"page": options["query"]["page"], "id": options["data"]["user"]["id"]}}

    async with launch(app_dir(tmp_path), settings=settings(), data_dir=tmp_path / "d") as app:
        app.network.mock("*", handler=handler)
        assert await fetch(app) == '200 {"page":"1","id":7}'
        assert seen[0]["method"] == "POST" and seen[0]["api"] == "request"
        app.network.clear_mocks()
        app.network.mock("*", handler=lambda options: 1 / 0, name="broken")
        assert await fetch(app) == "fail 1001 request:fail execution failed"
        assert await app.wait_for_console("mock 'broken': ZeroDivisionError")


async def test_bad_rules_are_refused(tmp_path: Path) -> None:
    """An invalid rule is an AutomationError saying what is wrong."""
    async with launch(app_dir(tmp_path), settings=settings(), data_dir=tmp_path / "d") as app:
        with pytest.raises(AutomationError, match="must be one of timeout"):
            app.network.mock("*", fail="slow")
        with pytest.raises(AutomationError, match="handler= answers alone"):
            app.network.mock("*", handler=lambda o: {}, json={})
        with pytest.raises(AutomationError, match=r"only for .api.: .connectSocket"):
            app.network.mock("*", socket={"onOpen": []})
