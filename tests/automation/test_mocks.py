"""mock_swan / restore_swan and storage: canned results, Python functions, Sync APIs, the
real API back, and the storage the app's getStorageSync sees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.automation import AutomationError, launch
from tests.conftest import write_app

PAGE = """Page({data: {out: ''},
  locate: function () {
    var self = this;
    swan.getLocation({type: 'gcj02',
      success: function (r) { self.setData({out: 'at ' + r.latitude + ',' + r.longitude}); },
      fail: function (e) { self.setData({out: 'fail ' + e.errCode + ' ' + e.errMsg}); },
      complete: function () { console.log('complete ' + self.data.out); }});
  },
  fetch: function () {
    var self = this;
    this.task = swan.request({url: 'https://api.mock.test/items', method: 'POST', data: {q: 1},
      success: function (r) { self.setData({out: r.statusCode + ' ' + JSON.stringify(r.data)}); },
      fail: function (e) { self.setData({out: 'fail ' + e.errMsg}); }});
  },
  fetchAndAbort: function () { this.fetch(); this.task.abort(); },
  stored: function () { var v = swan.getStorageSync('token'); return v instanceof Error ? 'error ' + v.message : v; }
});"""


def app_dir(tmp_path: Path) -> Path:
    return write_app(tmp_path / "app", {
        "pages/index/index.swan": '<text id="out">{{out}}</text>',
        "pages/index/index.js": PAGE,
    })


async def test_a_canned_result_answers_success_and_complete(tmp_path: Path) -> None:
    """A mocked async API calls success (with the result and errMsg :ok) then complete."""
    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        mock = app.mock_swan("getLocation", {"latitude": 39.9, "longitude": 116.4})
        page = app.current_page()
        await page.call_method("locate")
        assert page.query("#out").text() == "at 39.9,116.4"
        assert await app.wait_for_console("^complete at 39.9") == "complete at 39.9,116.4"
        assert mock.calls == [{"type": "gcj02"}]


async def test_an_errcode_result_fails_the_call(tmp_path: Path) -> None:
    """A result with errCode/errMsg goes to fail, errMsg in the platform's form."""
    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        app.mock_swan("getLocation", {"errCode": 10003, "errMsg": "auth deny"})
        page = app.current_page()
        await page.call_method("locate")
        assert page.data("out") == "fail 10003 getLocation:fail auth deny"


async def test_a_python_function_answers_with_the_options(tmp_path: Path) -> None:
    """A function gets the call's options (no callbacks) and its dict is the success."""
    seen: list[dict[str, Any]] = []

    def answer(options: dict[str, Any]) -> dict[str, Any]:
        seen.append(options)
        return {"statusCode": 201, "data": {"got": options["data"]}}

    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        app.mock_swan("request", answer)
        await app.current_page().call_method("fetch")
        assert app.current_page().data("out") == '201 {"got":{"q":1}}'
        assert seen == [{"url": "https://api.mock.test/items", "method": "POST", "data": {"q": 1}}]
        assert app.network.flows == []  # nothing went to the network


async def test_an_exception_in_the_function_fails_the_call(tmp_path: Path) -> None:
    """The function's exception becomes the call's fail, with its message."""
    def broken(_options: dict[str, Any]) -> dict[str, Any]:
        raise ConnectionError("backend down")

    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        mock = app.mock_swan("request", broken)
        await app.current_page().call_method("fetch")
        assert app.current_page().data("out") == "fail request:fail backend down"
        assert mock.errors == ["ConnectionError: backend down"]


async def test_an_async_function_is_awaited_and_abort_fails_the_call(tmp_path: Path) -> None:
    """An awaitable answer is awaited (the app stays busy); the task's abort fails it."""
    async def slow(_options: dict[str, Any]) -> dict[str, Any]:
        import asyncio
        await asyncio.sleep(0.05)
        return {"statusCode": 200, "data": "late"}

    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        app.mock_swan("request", slow)
        page = app.current_page()
        await page.call_method("fetch")
        assert page.data("out") == '200 "late"'
        await page.call_method("fetchAndAbort")
        assert page.data("out") == "fail request:fail abort"


async def test_restore_brings_back_the_real_api(tmp_path: Path) -> None:
    """After restore_swan, the app's call reaches the real API (here: a refused domain)."""
    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        app.mock_swan("request", {"statusCode": 200, "data": 1})
        app.restore_swan("request")
        await app.current_page().call_method("fetch")
        assert "url not in domain list" in app.current_page().data("out")
        with pytest.raises(AutomationError, match="not mocked"):
            app.restore_swan("request")


async def test_sync_apis_return_the_value_and_fail_as_the_platform(tmp_path: Path) -> None:
    """A Sync mock returns its value; an errMsg result is the API's Error (3.140.1+); a
    function cannot answer a Sync API."""
    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        page = app.current_page()
        mock = app.mock_swan("getStorageSync", {"user": "swan"})
        assert await page.call_method("stored") == {"user": "swan"}
        assert mock.calls == [["token"]]
        app.mock_swan("getStorageSync", {"errMsg": "data not found"})
        assert await page.call_method("stored") == "error getStorageSync:fail data not found"
        with pytest.raises(AutomationError, match="Sync API"):
            app.mock_swan("getStorageSync", lambda o: {})
        with pytest.raises(AutomationError, match="listener"):
            app.mock_swan("onNetworkStatusChange", {})


async def test_mocks_given_to_launch_answer_the_first_page(tmp_path: Path) -> None:
    """launch(mocks=...) is in place before onLoad runs."""
    root = write_app(tmp_path / "app", {
        "pages/index/index.js": "Page({onLoad: function () { swan.getSystemInfo({success: function (r) { console.log('model ' + r.model); }}); }});",
    })
    async with launch(root, data_dir=tmp_path / "d",
                      mocks={"getSystemInfo": {"model": "Mocked 1"}}) as app:
        assert await app.wait_for_console("^model ") == "model Mocked 1"


async def test_storage_is_what_the_app_sees_and_keeps(tmp_path: Path) -> None:
    """storage.set/get/remove/clear/info act on the app's storage, and it is persisted."""
    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        app.storage.set("token", {"t": "abc"})
        assert await app.current_page().call_method("stored") == {"t": "abc"}
        assert app.storage.get("token") == {"t": "abc"}
        assert app.storage.get("missing", "none") == "none"
        assert app.storage.info()["keys"] == ["token"]
        app.storage.set("other", 1)
        app.storage.remove("other")
        assert app.storage.keys() == ["token"]
        with pytest.raises(AutomationError, match="non-empty string"):
            app.storage.set("", 1)
    stored = next((tmp_path / "d").rglob("storage.json"))
    assert json.loads(stored.read_text()) == {"token": {"t": "abc"}}
    async with launch(app_dir(tmp_path), data_dir=tmp_path / "d") as app:
        assert app.storage.get("token") == {"t": "abc"}
        app.storage.clear()
        assert app.storage.info()["keys"] == []
