"""What the window shows of how an app was loaded: load problems, compile modes (the project
file's start conditions) and where the domain lists and base version came from."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt

from emulator.cli import main
from emulator.gui.main_window import MainWindow
from tests.conftest import write_app
from tests.gui.conftest import BUILTIN, Driver

INDEX, DETAIL = "pages/index/index", "pages/detail/detail"
LOG_QUERY = "Page({onLoad(q) { console.log('%s ' + JSON.stringify(q)); }});"
CONDITIONS = {"swan": {"current": -1, "list": [
    {"name": "order 7", "pathName": "/pages/detail/detail", "query": "id=7&from=list"},
    {"name": "guest home", "pathName": "pages/index/index", "query": "guest=1"},
]}}


def project_app(tmp_path: Path, project: dict[str, Any], **files: Any) -> Path:
    return write_app(tmp_path / "app", {
        "app.json": {"pages": [INDEX, DETAIL]},
        f"{INDEX}.js": LOG_QUERY % "index",
        f"{DETAIL}.js": LOG_QUERY % "detail",
        "project.swan.json": project,
        **files,
    })


def top(w: MainWindow) -> tuple[str, dict[str, str]] | None:
    stack = w.simulator.stack
    return (stack[-1].route, stack[-1].query) if stack else None


def test_load_problems_in_console_and_status_bar(gui: Driver, tmp_path: Path,
                                                 qtbot: Any) -> None:
    """Each part that failed to load is a red console line and counts in the status bar."""
    async def scenario() -> None:
        root = write_app(tmp_path / "app", {
            "app.json": {"pages": [INDEX, "pages/gone/gone"]},
            f"{INDEX}.json": {"usingComponents": {"card": "/components/card/card"}},
            "pages/gone/gone.js": None,
        })
        w = gui.window
        await gui.open(root)
        await gui.until(lambda: len(w.problems) == 2)
        errors = [line for line in w.console.lines if line.level == "error"]
        assert sorted((e.text, e.where) for e in errors) == [
            ('[error] app.json: page "pages/gone/gone" is listed but pages/gone/gone.js is '
             "missing", "app.json"),
            ("[error] pages/index/index.json: component \"card\": file components/card/card.js"
             " not found; it is left out", "pages/index/index.json")]
        html = w.console.view.document().toHtml()
        assert "#cf222e" in html and "(app.json)" not in html  # red; the file said once
        assert w.status.problems.isVisibleTo(w)
        assert w.status.problems.text() == "2 load problems"
        assert "pages/gone/gone.js is missing" in w.status.problems.toolTip()
        assert "components/card/card.js not found" in w.status.problems.toolTip()
        w.docks["Network"].raise_()
        qtbot.mouseClick(w.status.problems, Qt.MouseButton.LeftButton)
        assert w.console.isVisible() and w.console.level.currentText() == "error"
        # The count is the running app's: an app without problems shows none. It has no
        # compile modes either: no picker.
        await gui.open(write_app(tmp_path / "fine", {}))
        assert not w.status.problems.isVisibleTo(w) and w.problems == []
        assert not any(a.isVisible() for a in w._start_actions)

    gui.run(scenario())


def test_compile_mode_picker_restarts_on_the_chosen_page(gui: Driver, tmp_path: Path) -> None:
    """The toolbar lists the compile modes; choosing one restarts there, reloads stay."""
    async def scenario() -> None:
        w = gui.window
        await gui.open(project_app(tmp_path, {"condition": CONDITIONS}))
        await gui.until(lambda: top(w) == (INDEX, {}))
        combo = w.start_combo
        assert all(a.isVisible() for a in w._start_actions)
        assert [combo.itemText(i) for i in range(combo.count())] == [
            "(app.json entry)", "order 7", "guest home"]
        assert combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == "/pages/detail/detail?id=7&from=list"
        assert combo.currentIndex() == 0
        first = w.host
        combo.setCurrentIndex(1)
        await gui.until(lambda: w.host is not first and top(w) == (DETAIL, {"id": "7",
                                                                            "from": "list"}))
        assert 'detail {"id":"7","from":"list"}' in gui.console_text()
        assert w.start_condition == "order 7"
        second = w.host
        w.reload_action.trigger()
        await gui.until(lambda: w.host is not second and top(w) is not None)
        assert top(w) == (DETAIL, {"id": "7", "from": "list"})
        assert combo.currentText() == "order 7"
        third = w.host
        combo.setCurrentIndex(0)
        await gui.until(lambda: w.host is not third and top(w) == (INDEX, {}))
        assert w.start_page is None and w.start_condition is None

    gui.run(scenario())


def test_page_option_naming_a_compile_mode_selects_it(gui: Driver, tmp_path: Path) -> None:
    """--page on a compile mode's page selects that mode; another page gets its own item."""
    async def scenario() -> None:
        w = gui.window
        root = project_app(tmp_path, {"condition": CONDITIONS})
        await w.open_app(root, "/pages/index/index?guest=1")
        await gui.until(lambda: top(w) == (INDEX, {"guest": "1"}))
        assert w.start_combo.currentText() == "guest home"
        await w.open_app(root, "pages/detail/detail?id=8")
        await gui.until(lambda: top(w) == (DETAIL, {"id": "8"}))
        assert w.start_combo.currentText() == "--page /pages/detail/detail?id=8"
        assert w.start_combo.count() == 4

    gui.run(scenario())


def test_condition_option_opens_the_window_in_that_mode(tmp_path: Path, qapp: Any,
                                                        opened_windows: list[MainWindow]) -> None:
    """`swan-emulator APP --condition NAME`: its page and query, and the picker shows it."""
    # A third mode on the same page as the first: only its name (here its position) tells
    # which one was asked for.
    modes = [*CONDITIONS["swan"]["list"], {**CONDITIONS["swan"]["list"][0], "name": "copy"}]
    root = project_app(tmp_path, {"condition": {"swan": {"list": modes}}})
    try:
        status = main([str(root), "--condition", "2", "--quit-after", "2"])
    finally:
        asyncio.set_event_loop(None)  # run_gui closed its loop
    assert status == 0
    (window,) = opened_windows
    assert window.start_combo.currentText() == "copy"
    assert [(p.route, p.query) for p in window.simulator.stack] == [
        (DETAIL, {"id": "7", "from": "list"})]


def test_domain_lists_and_base_version_say_where_they_came_from(gui: Driver,
                                                                tmp_path: Path) -> None:
    """Each list is titled with its source; the base version's is in the tooltip."""
    async def scenario() -> None:
        w = gui.window
        root = project_app(
            tmp_path,
            {"libVersion": "3.190.2",
             "appInfo": {"domains": {"request": ["https://api.demo.test"],
                                     "socket": ["wss://api.demo.test"],
                                     "uploadFile": ["https://project.example.com"]}}},
            **{"swan-emulator.json": {"domains": {"uploadFile": ["https://api.demo.test"]},
                                      "hosts": BUILTIN["hosts"]}})
        await gui.open(root)
        panel = w.domains
        assert [panel.source_text(n) for n in ("request", "uploadFile", "downloadFile")] == [
            "request — from project.swan.json appInfo.domains",
            "uploadFile — from swan-emulator.json",
            "downloadFile — default (none set)"]
        assert panel.edits["uploadFile"].toPlainText() == "https://api.demo.test"
        assert w.status.version.text() == "base library 3.190.2"
        assert w.status.version.toolTip() == \
            "base library 3.190.2: from project.swan.json libVersion"
        # Applied and saved, every list now comes from the settings file.
        panel.apply()
        assert panel.status.text().startswith("✓ applied")
        assert panel.source_text("request") == "request — from swan-emulator.json"

    gui.run(scenario())


def test_base_version_default_is_named_in_the_tooltip(gui: Driver, tmp_path: Path) -> None:
    """No flag, settings or project version: the tooltip says it is the default."""
    async def scenario() -> None:
        w = gui.window
        await gui.open(write_app(tmp_path / "app", {}))
        assert "the emulator's default" in w.status.version.toolTip()
        assert w.domains.source_text("socket") == "socket — default (none set)"

    gui.run(scenario())
