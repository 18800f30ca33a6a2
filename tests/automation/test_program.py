"""The automation API on the samples and small apps: pages, elements, network, waits that
say what they saw, and app errors failing a test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.automation import AutomationError, WaitTimeout, launch
from emulator.automation.errors import AppErrors
from tests.conftest import write_app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_apps"


async def test_netdemo_renders_its_results_and_runs_again_on_tap(tmp_path: Path) -> None:
    """The tour's page shows 11/11; tapping "run again" makes its requests again."""
    async with launch(SAMPLES / "netdemo", data_dir=tmp_path) as app:
        page = app.current_page()
        assert page.path == "pages/index/index"
        summary = await page.wait_for(".summary")
        assert summary.text() == "11/11 cases as the platform behaves"
        assert len(page.query_all(".case.good")) == 11
        first_run = len(app.network.flows)
        await page.query("button").tap()
        flow = await app.network.wait_for_flow(url="https://api.demo.test/echo?q=*")
        assert flow.response is not None and flow.response.status == 200
        await app.wait_for_console(r"netdemo: 11/11")
        assert len(app.network.flows) > first_run
        assert len(app.network.har()["log"]["entries"]) == len(app.network.flows)


async def test_hello_pages_data_methods_and_navigation(tmp_path: Path) -> None:
    """Data and methods of a page, swan calls, evaluate, navigation to a page with a query."""
    async with launch(SAMPLES / "hello", data_dir=tmp_path) as app:
        page = app.current_page()
        assert page.data("ticks") == 3
        await page.set_data({"message": "changed"})
        assert page.query(".message").text() == "changed"
        info = await app.call_swan("getStorageInfo")
        assert info["ok"] is True and "keys" in info
        assert await app.evaluate("1 + 2") == 3
        # hello's detail page goes back by itself once loaded: its console says it came
        await app.navigate_to("/pages/detail/detail?from=test&n=9")
        assert await app.wait_for_console(r'^detail onLoad \{"from":"test","n":"9"\}')


async def test_page_stack_and_options(tmp_path: Path) -> None:
    """navigate_to gives the new page with its options; navigate_back returns."""
    root = write_app(tmp_path / "app", {"app.json": {"pages": ["pages/index/index", "pages/b/b"]}})
    async with launch(root, data_dir=tmp_path / "data") as app:
        b = await app.navigate_to("/pages/b/b?x=1")
        assert b.path == "pages/b/b" and b.options == {"x": "1"}
        assert [p.path for p in app.page_stack()] == ["pages/index/index", "pages/b/b"]
        back = await app.navigate_back()
        assert back.path == "pages/index/index"


async def test_input_and_two_way_binding(tmp_path: Path) -> None:
    """Element.input writes a {= =} value back and runs bindinput; the page re-renders."""
    root = write_app(tmp_path / "app", {
        "pages/index/index.swan": '<input id="q" value="{= q =}" bindinput="typed"/><text id="t">{{q}}</text>',
        "pages/index/index.js": "Page({data: {q: ''}, typed: function (e) { console.log('typed ' + e.detail.value); }});",
    })
    async with launch(root, data_dir=tmp_path / "data") as app:
        page = app.current_page()
        await page.query("#q").input("swan")
        assert page.query("#t").text() == "swan"
        assert page.data("q") == "swan"
        assert await app.wait_for_console("^typed swan$") == "typed swan"


async def test_waits_say_what_they_saw(tmp_path: Path) -> None:
    """A wait that runs out names what it waited for and shows what there was."""
    async with launch(SAMPLES / "hello", data_dir=tmp_path) as app:
        page = app.current_page()
        with pytest.raises(WaitTimeout, match=r"(?s)no node matches '#nope'.*<button"):
            await page.wait_for("#nope", timeout=0.05)
        with pytest.raises(WaitTimeout, match=r"(?s)no flow with url='\*/none' .*\(no flows at all\)"):
            await app.network.wait_for_flow(url="*/none", timeout=0.05)
        with pytest.raises(WaitTimeout, match=r"(?s)no console message matches 'zzz'.*the last"):
            await app.wait_for_console("zzz", timeout=0.05)
        with pytest.raises(AutomationError, match="ReferenceError"):
            await app.evaluate("nothing_here")


async def test_an_app_error_fails_the_test_unless_allowed(tmp_path: Path) -> None:
    """Leaving launch() with uncaught app errors raises AppErrors (an AssertionError)."""
    root = write_app(tmp_path / "app", {
        "pages/index/index.js": "Page({onLoad: function () { null.boom; }});"})
    with pytest.raises(AppErrors, match="boom"):
        async with launch(root, data_dir=tmp_path / "a"):
            pass
    async with launch(root, data_dir=tmp_path / "b", allow_errors=True) as app:
        assert len(app.errors) == 1


async def test_tap_runs_the_bound_handler_with_its_dataset(tmp_path: Path) -> None:
    """A tap on a rendered list item reaches the handler with the item's dataset."""
    root = write_app(tmp_path / "app", {
        "pages/index/index.swan": '<view s-for="n in [1, 2, 3]" class="item" data-n="{{n}}" bindtap="pick">{{n}}</view>',
        "pages/index/index.js": "Page({pick: function (e) { console.log('picked', e.currentTarget.dataset.n); }});",
    })
    async with launch(root, data_dir=tmp_path / "data") as app:
        items: list[Any] = app.current_page().query_all(".item")
        await items[1].tap()
        assert await app.wait_for_console("picked") == "picked 2"
