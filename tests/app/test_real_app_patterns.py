"""Fixture apps that imitate what real builds do (tests/fixtures/apps/*/README.md): a
uni-app mp-baidu build, a Taro 3 build, a nanachi (React) build, and a native app with
real apps' habits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import load_settings
from emulator.flows.bus import EventBus
from emulator.flows.events import AccountCall, LoadProblem
from tests.conftest import Run

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "apps"


async def start(name: str, tmp_path: Path, page: str | None = None,
                query: dict[str, str] | None = None) -> Run:
    root = APPS / name
    settings = load_settings(root)
    settings.data_dir = tmp_path / "data"
    bus = EventBus()
    run = Run(AppHost(load_package(root), settings, bus))
    bus.subscribe(run.events.append)
    await run.host.start(page, query)
    await run.idle()
    return run


async def test_uni_app_style_build_runs_its_lifecycle(tmp_path: Path) -> None:
    """global["webpackJsonp"], helpers stored on swan, ownerId, pageinstance._$args,
    dispatch/messages linking, and $scope.detached() on unload all work."""
    run = await start("uni-style", tmp_path)
    try:
        assert run.logs == [
            "[app] launch, swan.createPage stored: function",
            "[vm index] onLoad {}",
            "[component card] isPage=false page=pages/index/index",
            "[link] card -> index from components/card/card",
            "[vm index] onReady (lifecycle-2-0: false)",
        ]
        index = run.host.page_stack[0].page_id
        run.host.call_method(index, "go")
        await run.idle()
        assert run.logs[5:] == ['[vm detail] onLoad {"id":"7"}',
                                "[vm detail] onReady (lifecycle-2-0: false)"]
        run.host.navigate("navigateBack")
        await run.idle()
        assert run.logs[7:] == ["[vm detail] onUnload", "[vm index] onShow"]
        run.host.navigate("reLaunch", "/pages/detail/detail")
        await run.idle()
        assert "[component card] detached" in run.logs
        assert run.errors == [] and run.of(LoadProblem) == []
    finally:
        await run.host.close()


async def test_taro_style_build_renders(tmp_path: Path) -> None:
    """swan["webpackJsonp"] || [] gives an array, swan.httpRequest is absent, and the
    page renders through setData."""
    run = await start("taro-style", tmp_path)
    try:
        assert run.logs == [
            "[taro] onLoad {} isLogin=true transport=swan.request",
            '[taro] rendered {"nn":"view","cn":[{"nn":"#text","v":"hello"}]}',
        ]
        assert run.errors == []
    finally:
        await run.host.close()


async def test_react_style_components_bind_after_the_page_renders(tmp_path: Path) -> None:
    """A component binding to its instance in a promise job from `attached` finds it: the
    page's onLoad rendered first (nanachi's runtime relies on this order)."""
    run = await start("react-style", tmp_path)
    try:
        assert run.logs == ['[Counter] bound, state {"n":10}']
        assert run.errors == []
    finally:
        await run.host.close()


async def test_native_style_app_runs_around_its_missing_page(tmp_path: Path) -> None:
    """A listed page without files is one load problem; login then request, selector
    query, selectComponent, event channel and the component's members (id, dataset and
    properties from its tag) all work."""
    run = await start("native-style", tmp_path)
    try:
        assert run.logs[:3] == [
            '[item] attached #first, dataset {"kind":"demo"}, label one, owner page '
            "pages/index/index",
            "[index] component found: true",
            "[index] #list measured: true, viewport 375",
        ]
        assert "[app] page not found: pages/webview/webview" in run.logs
        assert '[index] navigateTo:fail page "/pages/webview/webview" is not found' in run.logs
        assert '[list] onLoad {"from":"index"}' in run.logs
        assert "[index] picked 42" in run.logs and "[list] opener says from index" in run.logs
        assert "[index] logged in, server saw code true" in run.logs
        assert [p.file for p in run.of(LoadProblem)] == ["app.json"]
        assert [c.api for c in run.of(AccountCall)] == ["login"]
        assert run.errors == []
        assert run.host.error_count == 1  # the missing page: CI sees it
    finally:
        await run.host.close()


async def test_native_style_condition_opens_its_page(tmp_path: Path, capsys: Any) -> None:
    """The project file's compile mode names a start page and query."""
    condition = load_package(APPS / "native-style").project.condition("list page")
    assert condition is not None
    query = dict(p.split("=") for p in condition.query.split("&"))
    run = await start("native-style", tmp_path, condition.path, query)
    try:
        assert run.logs[0] == '[list] onLoad {"from":"condition"}'
    finally:
        await run.host.close()
