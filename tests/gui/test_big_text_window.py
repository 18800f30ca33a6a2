"""Big text reaching the window: every pane shows a bounded preview, and all of the text on
demand (issue 10, kind 5). Events come from a bus as the core publishes them, so the
window's side holds whatever caps the core applies; one test runs a real app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QGuiApplication, QTextCursor
from PyQt6.QtWidgets import QMenu

from emulator.errors import ScriptError
from emulator.flows.bus import EventBus
from emulator.flows.events import (
    ConsoleMessage,
    FlowFinished,
    FlowResponse,
    FlowStarted,
    PageCreated,
    PageDataChanged,
    PageRef,
    PageStackChanged,
    SocketFrameEvent,
    SocketOpened,
    UncaughtError,
)
from emulator.flows.flow import SocketFlow, SocketState
from emulator.flows.testing import tflow
from emulator.gui.bigtext import (
    CELL_CHARS,
    CONSOLE_CHARS,
    CONSOLE_LINES,
    DETAIL_CHARS,
    HEX_PREVIEW_BYTES,
    ROW_CHARS,
)
from emulator.gui.json_tree import AUTO_EXPAND_ROWS, MAX_CHILDREN
from emulator.gui.panels import console as console_module
from emulator.gui.panels.console import SHOW_ALL
from emulator.gui.viewer import TextViewer
from emulator.net.policy import Verdict
from tests.conftest import write_app
from tests.gui.conftest import BUILTIN, Driver

MB = 1024 * 1024
ONE_MB_LINE = "BIG" + "0123456789abcdef" * (MB // 16)  # no place to break: the worst case


def attach(gui: Driver) -> EventBus:
    bus = EventBus()
    gui.window.intake.attach(bus)
    return bus


def action(menu: QMenu, starts: str) -> Any:
    found = [a for a in menu.actions() if a.text().startswith(starts)]
    assert found, f"no {starts!r} in {[a.text() for a in menu.actions()]}"
    return found[0]


def link_position(gui: Driver) -> Any:
    """Where the last "show all" link of the console is drawn (view coordinates)."""
    view = gui.window.console.view
    doc = view.document()
    block = doc.lastBlock()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref().startswith(SHOW_ALL):
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position() + 2)
                return view.cursorRect(cursor).center()
            it += 1
        block = block.previous()
    raise AssertionError("no show-all link drawn")


def all_text(viewer: TextViewer) -> str:
    return viewer.full_text()


async def filled(gui: Driver, viewer: TextViewer) -> TextViewer:
    await gui.until(lambda: viewer.text.complete)
    return viewer


def test_console_shows_a_bounded_preview_of_a_1mb_line(gui: Driver) -> None:
    """A 1 MB console line is drawn as its first CONSOLE_CHARS characters and a link; the
    menu's Show all opens a viewer with every character."""
    async def scenario() -> None:
        w = gui.window
        w.docks["Console"].raise_()
        attach(gui).publish(ConsoleMessage(level="log", text=ONE_MB_LINE))
        doc = w.console.view.document()
        await gui.until(lambda: not doc.find("BIG0123").isNull())
        assert doc.characterCount() < CONSOLE_CHARS + 200
        assert "1,040,387 more characters (1,048,579 in all) — show all" in doc.toPlainText()
        menu = w.console.menu_at(w.console.view.cursorRect().center())
        show = action(menu, "Show all of this message (1,048,579 characters)")
        assert show.isEnabled()
        show.trigger()
        viewer = await filled(gui, w.console.viewer)
        assert all_text(viewer) == ONE_MB_LINE
        assert viewer.text.broken_rows == len(ONE_MB_LINE) // ROW_CHARS

    gui.run(scenario())


def test_console_link_click_and_copy_give_the_whole_message(gui: Driver, qtbot: Any) -> None:
    """Clicking the "show all" link opens the viewer; Copy this message copies it whole."""
    async def scenario() -> None:
        w = gui.window
        w.docks["Console"].raise_()
        attach(gui).publish(ConsoleMessage(level="warn", text=ONE_MB_LINE, location="a.js:3"))
        await gui.until(lambda: w.console.lines)
        pos = link_position(gui)
        qtbot.mouseClick(w.console.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        viewer = await filled(gui, w.console.viewer)
        assert all_text(viewer) == ONE_MB_LINE
        action(w.console.menu_at(pos), "Copy this message").trigger()
        assert QGuiApplication.clipboard().text() == ONE_MB_LINE

    gui.run(scenario())


def test_a_huge_uncaught_stack_is_cut_to_its_first_lines(gui: Driver) -> None:
    """An uncaught error with 20,000 stack frames shows CONSOLE_LINES lines; all on demand."""
    async def scenario() -> None:
        w = gui.window
        stack = "\n".join(f"at f{i} (pages/index/index.js:{i}:1)" for i in range(20_000))
        error = ScriptError("RangeError: too much recursion", stack=stack)
        attach(gui).publish(UncaughtError(error=error, where="onLoad"))
        await gui.until(lambda: w.console.lines)
        line = w.console.lines[-1]
        doc = w.console.view.document()
        shown = [doc.findBlockByNumber(i) for i in range(doc.blockCount())]
        assert sum(1 for b in shown if b.userState() == line.serial) == CONSOLE_LINES
        assert "more characters" in doc.toPlainText()
        viewer = await filled(gui, w.console.show_all(line))
        assert all_text(viewer).count("\n") == 20_000
        assert all_text(viewer).endswith("at f19999 (pages/index/index.js:19999:1)")

    gui.run(scenario())


def test_console_keeps_whole_texts_within_a_budget(gui: Driver,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Past FULL_TEXT_BUDGET the oldest cut messages keep only their preview; the newest
    stays whole."""
    monkeypatch.setattr(console_module, "FULL_TEXT_BUDGET", 2 * MB)
    async def scenario() -> None:
        w = gui.window
        bus = attach(gui)
        for tag in "ABC":
            bus.publish(ConsoleMessage(level="log", text=tag + ONE_MB_LINE))
        await gui.until(lambda: len(w.console.lines) == 3)
        first, _second, last = w.console.lines
        assert len(first.text) == CONSOLE_CHARS and first.total == len(ONE_MB_LINE) + 1
        assert last.whole and last.text == "C" + ONE_MB_LINE
        assert "(the first 8,192 were kept)" in w.console.show_all(first).windowTitle()

    gui.run(scenario())


def test_a_flood_of_lines_is_drawn_in_steps_and_keeps_the_last(gui: Driver) -> None:
    """25,000 lines in one batch: the console keeps the last MAX_LINES and draws them all,
    in order, over several event-loop turns."""
    async def scenario() -> None:
        w = gui.window
        bus = attach(gui)
        for i in range(25_000):
            bus.publish(ConsoleMessage(level="log", text=f"line {i}"))
        doc = w.console.view.document()
        await gui.until(lambda: doc.lastBlock().text() == "line 24999")
        assert len(w.console.lines) == console_module.MAX_LINES
        assert w.console.lines[0].text == "line 5000"
        assert doc.firstBlock().text() == "line 5000" and doc.blockCount() == 20_000

    gui.run(scenario())


def page_events(changes: dict[str, Any], data: dict[str, Any] | None = None) -> list[Any]:
    route = "pages/index/index"
    return [PageCreated(page_id=1, route=route, query={}, data=data or {"title": "t"},
                        methods=[]),
            PageStackChanged(pages=(PageRef(1, route, {}),)),
            PageDataChanged(page_id=1, route=route, changes=changes)]


def test_a_10mb_setdata_makes_a_bounded_tree(gui: Driver) -> None:
    """A 10 MB setData adds one row; opening it makes MAX_CHILDREN rows and a "more" row;
    a 1 MB string shows CELL_CHARS characters and all of them on demand."""
    async def scenario() -> None:
        w = gui.window
        items = [{"id": i, "title": f"item {i}", "desc": "lorem ipsum " * 8}
                 for i in range(90_000)]
        assert len(json.dumps(items)) > 10 * MB
        bus = attach(gui)
        for e in page_events({"bigList": items, "token": ONE_MB_LINE}):
            bus.publish(e)
        tree = w.appdata.tree
        await gui.until(lambda: tree.topLevelItemCount() == 3)
        assert tree.row_count() == 3
        big = next(tree.topLevelItem(i) for i in range(3) if tree.topLevelItem(i).text(0)
                   == "bigList")
        assert big.text(1) == "[90000]"
        big.setExpanded(True)
        assert big.childCount() == MAX_CHILDREN + 1
        assert big.child(MAX_CHILDREN).text(0) == f"… {90_000 - MAX_CHILDREN:,} more"
        assert tree.row_count() < MAX_CHILDREN + 10
        token = next(tree.topLevelItem(i) for i in range(3) if tree.topLevelItem(i).text(0)
                     == "token")
        assert len(token.text(1)) < CELL_CHARS + 40
        menu = tree.menu_for(token)
        action(menu, "Show value").trigger()
        viewer = await filled(gui, tree.viewer)
        assert all_text(viewer) == ONE_MB_LINE

    gui.run(scenario())


def test_setdata_paths_leave_the_events_values_alone(gui: Driver) -> None:
    """A path key ('obj.a') changes the window's copy, not the dict the event carried."""
    async def scenario() -> None:
        w = gui.window
        inner = {"a": 1, "b": 2}
        events = page_events({"obj.a": 5}, data={"obj": inner})
        bus = attach(gui)
        for e in events:
            bus.publish(e)
        sim = w.appdata
        await gui.until(lambda: sim.data.get(1, {}).get("obj", {}).get("a") == 5)
        assert inner == {"a": 1, "b": 2} and sim.data[1]["obj"] == {"a": 5, "b": 2}

    gui.run(scenario())


def select_flow(gui: Driver, flow: Any) -> Any:
    w = gui.window
    bus = attach(gui)
    bus.publish(FlowStarted(flow=flow))
    bus.publish(FlowResponse(flow=flow))
    bus.publish(FlowFinished(flow=flow))
    return w.network


def test_a_5mb_response_body_is_a_bounded_preview(gui: Driver) -> None:
    """A 5 MB text body shows DETAIL_CHARS characters; Show all and Copy all give it all."""
    async def scenario() -> None:
        body = ("BODY" + "0123456789abcdef" * (5 * MB // 16)).encode()
        flow = tflow(flow_id=7, response_body=body, body_limit=8 * MB,
                     response_headers=[("Content-Type", "text/plain")])
        net = select_flow(gui, flow)
        await gui.until(lambda: net.proxy.rowCount() == 1)
        net.table.selectRow(0)
        await gui.until(lambda: net.details.flow is flow)
        pane = net.details.response.text
        assert net.details.response.currentWidget() is pane
        assert pane.edit.document().characterCount() < DETAIL_CHARS + 200
        assert pane.is_cut
        viewer = await filled(gui, pane.show_all())
        assert all_text(viewer) == body.decode()
        pane.copy_all()
        assert QGuiApplication.clipboard().text() == body.decode()

    gui.run(scenario())


def test_json_body_tree_and_big_headers_are_bounded(gui: Driver) -> None:
    """A 0.9 MB JSON body is a lazy tree; a 1 MB header value and a 100 KB URL stay bounded
    in the headers pane and the table, and Copy URL copies the whole URL."""
    async def scenario() -> None:
        body = json.dumps([{"id": i, "name": f"n{i}"} for i in range(30_000)]).encode()
        assert 800_000 < len(body) < MB  # big, and kept whole by the capture
        url = "https://api.demo.test/q?x=" + "u" * 100_000
        flow = tflow(flow_id=8, url=url, response_body=body,
                     response_headers=[("Content-Type", "application/json"),
                                       ("X-Big", "h" * MB)])
        net = select_flow(gui, flow)
        await gui.until(lambda: net.proxy.rowCount() == 1)
        cell_text = net.proxy.index(0, 3).data()
        assert len(cell_text) < CELL_CHARS + 40 and cell_text.startswith(url[:CELL_CHARS])
        net.table.selectRow(0)
        await gui.until(lambda: net.details.flow is flow)
        tree = net.details.response.tree
        assert net.details.response.currentWidget() is tree
        assert tree.row_count() <= AUTO_EXPAND_ROWS
        headers = net.details.headers
        assert len(headers.toPlainText()) < DETAIL_CHARS + 200 and headers.is_cut
        assert "h" * MB in headers.full_text()
        assert len(net.details.query.text()) < 1100
        menu = net.menu_for(net.proxy.index(0, 0))
        action(menu, "Copy URL").trigger()
        assert QGuiApplication.clipboard().text() == url

    gui.run(scenario())


def test_binary_body_hex_preview_and_dump_on_demand(gui: Driver) -> None:
    """A 100 KB binary body dumps its first HEX_PREVIEW_BYTES; Show all dumps every byte."""
    async def scenario() -> None:
        body = bytes(range(256)) * 400
        flow = tflow(flow_id=9, response_body=body,
                     response_headers=[("Content-Type", "application/octet-stream")])
        net = select_flow(gui, flow)
        await gui.until(lambda: net.proxy.rowCount() == 1)
        net.table.selectRow(0)
        await gui.until(lambda: net.details.flow is flow)
        pane = net.details.response.text
        rows = pane.toPlainText().split("\n")
        assert len([r for r in rows if r[:8].isalnum()]) == HEX_PREVIEW_BYTES // 16
        assert pane.is_cut and "first 4,096 of 102,400 bytes shown" in pane.note.text()
        viewer = await filled(gui, pane.show_all())
        assert all_text(viewer).count("\n") == len(body) // 16

    gui.run(scenario())


def test_socket_frames_preview_and_detail_are_bounded(gui: Driver) -> None:
    """A 64 KB text frame: its table cell and the Frames tab line are short, the detail
    pane bounded, and Show all gives the frame whole."""
    async def scenario() -> None:
        w = gui.window
        sock = SocketFlow(url="wss://api.demo.test/echo", verdict=Verdict(True, True))
        sock.state = SocketState.OPEN
        text = "F" + "0123456789abcdef" * 4096
        bus = attach(gui)
        bus.publish(FlowStarted(flow=sock))
        bus.publish(SocketOpened(flow=sock))
        frame = sock.add_frame("receive", text)
        bus.publish(SocketFrameEvent(flow=sock, frame=frame))
        sockets = w.sockets
        await gui.until(lambda: sockets.sockets.rowCount() == 1)
        sockets.socket_view.selectRow(0)
        await gui.until(lambda: sockets.frames.rowCount() == 1)
        assert len(sockets.frames.index(0, 4).data()) < 250
        sockets.frame_view.selectRow(0)
        await gui.until(lambda: sockets.detail.toPlainText())
        assert len(sockets.detail.toPlainText()) < DETAIL_CHARS + 200 and sockets.detail.is_cut
        viewer = await filled(gui, sockets.detail.show_all())
        assert all_text(viewer) == frame.text
        w.network.table.selectRow(0)
        await gui.until(lambda: w.network.details.flow is sock)
        assert max(len(x) for x in w.network.details.frames.toPlainText().split("\n")) < 250

    gui.run(scenario())


def test_an_app_logging_1mb_and_setting_10mb_keeps_the_window_bounded(
        gui: Driver, tmp_path: Path) -> None:
    """A real app logs a 1 MB line and sets 10 MB of data: the console and the data tree
    show bounded previews, and Show all gives what the core delivered."""
    async def scenario() -> None:
        root = write_app(tmp_path / "app", {"swan-emulator.json": BUILTIN,
                                            "pages/index/index.js": """
            Page({data: {n: 0}, onLoad() {
                console.log('LOG' + '0123456789abcdef'.repeat(65536));
                var list = [];
                for (var i = 0; i < 90000; i++) {
                    list.push({id: i, title: 'item ' + i, desc: 'lorem ipsum dolor sit'});
                }
                this.setData({list: list, n: 1});
            }});"""})
        w = gui.window
        await gui.open(root)
        sim = w.appdata
        await gui.until(lambda: any(line.text.startswith("LOG") for line in w.console.lines))
        await gui.until(lambda: sim.data.get(sim.stack[-1].page_id, {}).get("n") == 1
                        if sim.stack else False)
        line = next(x for x in w.console.lines if x.text.startswith("LOG"))
        assert w.console.view.document().characterCount() < CONSOLE_CHARS + 2000
        viewer = await filled(gui, w.console.show_all(line))
        assert all_text(viewer) == line.text and line.total > CONSOLE_CHARS
        tree = sim.tree
        lst = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                   if tree.topLevelItem(i).text(0) == "list")
        lst.setExpanded(True)
        assert lst.childCount() == MAX_CHILDREN + 1 and tree.row_count() < MAX_CHILDREN + 10

    gui.run(scenario())
