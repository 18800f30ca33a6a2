"""The window on real apps: flows from the builtin HTTPS/WSS backend reach every panel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QMessageBox

from emulator.flows.flow import SocketFlow, SocketState, TransferFlow
from tests.conftest import write_app
from tests.gui.conftest import BUILTIN, REPO, Driver


def app_with(tmp_path: Path, page_js: str, **files: Any) -> Path:
    return write_app(tmp_path / "app", {"pages/index/index.js": page_js,
                                        "swan-emulator.json": BUILTIN, **files})


def test_netdemo_fills_network_simulator_and_console(gui: Driver) -> None:
    """The request tour: 13 flows in the table, page data in the simulator, console lines."""
    async def scenario() -> None:
        w = gui.window
        await gui.open(REPO / "sample_apps" / "netdemo")
        await gui.until(lambda: "11/11" in gui.console_text())
        await gui.until(lambda: w.flows.rowCount() == 13)
        net = w.network
        assert net.proxy.rowCount() == 13
        urls = [w.flows.flow_at(r).request.url for r in range(13)]
        assert "https://not-allowed.example.com/data" in urls
        # Refused requests are one click away.
        w._show_refused()
        assert net.proxy.rowCount() == 2
        net.refused.setChecked(False)
        net.search.setText("/status/500")
        assert net.proxy.rowCount() == 1
        net.table.selectRow(0)
        await gui.until(lambda: net.details.flow is not None)
        assert "HTTP/1.1 500" in net.details.headers.toPlainText()
        assert net.details.response.currentWidget() is net.details.response.tree
        net.search.setText("")
        # AppData shows the page's live data and its methods.
        sim, ad = w.simulator, w.appdata
        assert sim.title.text() == "网络演示 netdemo"
        data = ad.data[sim.stack[-1].page_id]
        assert data["passed"] == 11 and len(data["results"]) == 11
        buttons = [ad.methods_layout.itemAt(i).widget().text()
                   for i in range(ad.methods_layout.count())]
        assert "runAll" in buttons
        assert "ok   GET with query" in gui.console_text()
        assert w.status.app.text().startswith("网络演示 netdemo")
        assert not w.status.checks.isVisible()

    gui.run(scenario())


def test_page_method_button_and_back(gui: Driver, tmp_path: Path) -> None:
    """A method button taps the page; the back button navigates back."""
    async def scenario() -> None:
        root = write_app(tmp_path / "app", {
            "app.json": {"pages": ["pages/index/index", "pages/next/next"]},
            "pages/index/index.js": "Page({data: {taps: 0}, tap() {"
                                    " this.setData({taps: this.data.taps + 1});"
                                    " swan.navigateTo({url: '/pages/next/next?x=1'}); }});",
            "pages/next/next.js": "Page({onUnload() { console.log('next unloaded'); }});",
        })
        w = gui.window
        await gui.open(root)
        sim, ad = w.simulator, w.appdata
        await gui.until(lambda: ad.methods_layout.count() == 1)
        assert not sim.back.isVisible()
        ad.methods_layout.itemAt(0).widget().click()
        await gui.until(lambda: len(sim.stack) == 2)
        assert "/pages/next/next?x=1" in ad.route.text()
        assert sim.back.isVisible()
        sim.back.click()
        await gui.until(lambda: "next unloaded" in gui.console_text())
        await gui.until(lambda: len(sim.stack) == 1)
        assert not sim.back.isVisible()
        assert ad.data[sim.stack[0].page_id]["taps"] == 1

    gui.run(scenario())


def test_console_evaluates_javascript(gui: Driver, tmp_path: Path) -> None:
    """The console input runs JS in the app; results and errors are shown."""
    async def scenario() -> None:
        root = app_with(tmp_path, "globalThis.secret = 21; Page({});")
        w = gui.window
        await gui.open(root)
        w.console.input.setText("secret * 2")
        w.console.input.returnPressed.emit()
        w.console.input.setText("nope()")
        w.console.input.returnPressed.emit()
        text = w.console.view.toPlainText()
        assert "› secret * 2\n42" in text
        assert "Uncaught ReferenceError" in text

    gui.run(scenario())


def test_domain_edits_apply_to_the_next_request(gui: Driver, tmp_path: Path) -> None:
    """Removing the domain refuses the next request; adding it back allows it; saved."""
    async def scenario() -> None:
        root = app_with(tmp_path, """
            globalThis.ask = function (tag) {
                swan.request({url: 'https://api.demo.test/json',
                              success: function () { console.log(tag + ' ok'); },
                              fail: function (e) { console.log(tag + ' ' + e.errMsg); }});
            };
            Page({});
        """)
        w = gui.window
        await gui.open(root)
        edit = w.domains.edits["request"]
        edit.setPlainText("https://other.example.com")
        w.domains.apply()
        assert w.domains.status.text().startswith("✓ applied")
        w.host.evaluate("ask('first')")
        await gui.until(lambda: "first request:fail url not in domain list" in gui.console_text())
        edit.setPlainText("https://api.demo.test\nhttps://other.example.com")
        w.domains.apply()
        w.host.evaluate("ask('second')")
        await gui.until(lambda: "second ok" in gui.console_text())
        saved = json.loads((root / "swan-emulator.json").read_text())
        assert saved["domains"]["request"] == ["https://api.demo.test", "https://other.example.com"]
        assert saved["hosts"] == {"api.demo.test": "builtin"}
        # Live validation says why an entry is wrong, and nothing is applied.
        edit.setPlainText("https://127.0.0.1")
        assert "must not be an IP address" in w.domains.checks["request"].text()
        w.domains.apply()
        assert "Fix the lists" in w.domains.status.text()
        # Checking off: the red badge shows.
        edit.setPlainText("https://api.demo.test")
        w.domains.url_check.setChecked(False)
        w.domains.apply()
        assert w.status.checks.isVisibleTo(w)

    gui.run(scenario())


def test_abort_in_transfers_panel_fails_the_app_call(gui: Driver, tmp_path: Path) -> None:
    """Abort in the panel works like the app's abort(): its fail callback fires."""
    async def scenario() -> None:
        root = app_with(tmp_path, """
            var t = swan.downloadFile({url: 'https://api.demo.test/download/8000000?slow=1',
                success: function () { console.log('download success'); },
                fail: function (e) { console.log('download ' + e.errMsg); }});
            t.onProgressUpdate(function (p) { if (p.progress === 5) console.log('moving'); });
            Page({});
        """)
        w = gui.window
        await gui.open(root)
        panel = w.transfers
        await gui.until(lambda: panel.model.rowCount() == 1 and "moving" in gui.console_text())
        flow = panel.model.index(0, 0).data(Qt.ItemDataRole.UserRole + 1)
        assert isinstance(flow, TransferFlow)
        panel.table.selectRow(0)
        panel.abort_button.click()
        await gui.until(lambda: "download downloadFile:fail abort" in gui.console_text())
        assert "download success" not in gui.console_text()
        await gui.until(lambda: panel.model.index(0, 7).data() == "aborted")
        assert 0 < panel.model.index(0, 4).data() < 100

    gui.run(scenario())


def test_sockets_panel_frames_and_close(gui: Driver, tmp_path: Path) -> None:
    """Frames show both ways; Close with a code and reason reaches the app's onClose."""
    async def scenario() -> None:
        root = app_with(tmp_path, """
            var t = swan.connectSocket({url: 'wss://api.demo.test/echo'});
            t.onOpen(function () { t.send({data: '{"hello": "世界"}'}); t.send({data: new Uint8Array([1, 2]).buffer}); });
            t.onClose(function (c) { console.log('closed ' + c.code + ' ' + c.reason); });
            Page({});
        """)
        w = gui.window
        await gui.open(root)
        panel = w.sockets
        await gui.until(lambda: panel.sockets.rowCount() == 1)
        panel.socket_view.selectRow(0)
        await gui.until(lambda: panel.frames.rowCount() == 4)
        directions = [panel.frames.index(r, 0).data() for r in range(4)]
        assert directions.count("↑") == 2 and directions.count("↓") == 2
        panel.frame_view.selectRow(0)
        assert '"hello": "世界"' in panel.detail.toPlainText()
        panel.search.setText("hello")
        assert panel.frame_filter.rowCount() == 2
        panel.code.setValue(4100)
        panel.reason.setText("from the GUI")
        panel.close_button.click()
        await gui.until(lambda: "closed 4100 from the GUI" in gui.console_text())
        flow = panel.sockets.rows[0]
        assert isinstance(flow, SocketFlow)
        await gui.until(lambda: flow.state is SocketState.CLOSED)

    gui.run(scenario())


def test_modal_is_a_real_dialog(gui: Driver, tmp_path: Path) -> None:
    """showModal opens a dialog; the button the user presses is the app's answer."""
    async def scenario() -> None:
        root = app_with(tmp_path, """
            swan.showModal({title: '删除?', content: 'really', success: function (r) {
                console.log('modal ' + r.confirm + ' ' + r.cancel); }});
            Page({});
        """)
        await gui.open(root)

        def box() -> QMessageBox | None:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QMessageBox) and widget.isVisible():
                    return widget
            return None

        dialog = await gui.until(box)
        assert dialog.text() == "删除?"
        cancel = next(b for b in dialog.buttons() if b.text() == "取消")
        cancel.click()
        await gui.until(lambda: "modal false true" in gui.console_text())

    gui.run(scenario())


def test_export_har(gui: Driver, tmp_path: Path) -> None:
    """Export HAR writes every flow shown."""
    async def scenario() -> None:
        await gui.open(REPO / "sample_apps" / "chat")
        await gui.until(lambda: "me: closed 1000 bye" in gui.console_text())
        path = gui.window.export_har(tmp_path / "chat.har")
        assert path is not None
        entries = json.loads(path.read_text())["log"]["entries"]
        assert [e["_resourceType"] for e in entries] == ["websocket", "websocket"]
        assert entries[0]["_webSocketMessages"]

    gui.run(scenario())


def test_screenshot_flag_writes_a_png(tmp_path: Path) -> None:
    """`swan-emulator APP --screenshot FILE --quit-after S` renders offscreen and exits."""
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "emulator", str(REPO / "sample_apps" / "hello"),
                             "--screenshot", str(out), "--quit-after", "2"],
                            capture_output=True, text=True, timeout=60, env=env, cwd=REPO)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


def test_reload_when_app_files_change(gui: Driver, tmp_path: Path) -> None:
    """Editing the app's JS reloads it by itself."""
    root = app_with(tmp_path, "console.log('version 1'); Page({});")

    async def scenario() -> None:
        import asyncio

        await gui.open(root)
        await gui.until(lambda: "version 1" in gui.console_text())
        await asyncio.sleep(0.2)
        (root / "pages" / "index" / "index.js").write_text(
            "console.log('version 2'); Page({});")
        await gui.until(lambda: gui.window.host is not None
                        and "version 2" in gui.console_text(), timeout=10)

    gui.run(scenario())


def test_network_picker_and_toast_overlay(gui: Driver, tmp_path: Path) -> None:
    """The network picker fires onNetworkStatusChange; a toast shows on the phone."""
    root = app_with(tmp_path, """
        swan.onNetworkStatusChange(function (r) { console.log('net ' + r.networkType + ' ' + r.isConnected); });
        swan.showToast({title: '保存成功', icon: 'success', duration: 5000});
        Page({});
    """)

    async def scenario() -> None:
        w = gui.window
        await gui.open(root)
        sim = w.simulator
        await gui.until(lambda: sim.toast.isVisible())
        assert "保存成功" in sim.toast.text()
        sim.network.setCurrentText("none")
        await gui.until(lambda: "net none false" in gui.console_text())
        assert "network none" in w.status.network.text()

    gui.run(scenario())


def test_copy_as_curl() -> None:
    """A flow becomes a runnable cURL command line."""
    from emulator.flows.testing import tflow
    from emulator.gui.panels.network import curl_command

    flow = tflow(method="POST", url="https://api.demo.test/echo?a=1",
                 request_headers=[("Content-Type", "application/json"), ("Host", "x")],
                 request_body=b'{"k": "it\'s"}')
    cmd = curl_command(flow)
    assert cmd.startswith("curl -X POST 'https://api.demo.test/echo?a=1'")
    assert "-H 'Content-Type: application/json'" in cmd and "Host" not in cmd
    assert "--data-binary" in cmd and "it'\"'\"'s" in cmd


def test_a_repeated_uncaught_error_is_one_console_line(gui: Driver, tmp_path: Path,
                                                       monkeypatch: Any) -> None:
    """A throwing setInterval shows one error line with a ×N badge, not a line per throw."""
    from emulator.runtime import bridge

    monkeypatch.setattr(bridge, "REPEAT_INTERVAL", 0.05)

    async def scenario() -> None:
        root = app_with(tmp_path, """
            var n = 0;
            var t = setInterval(function () { if (++n === 40) clearInterval(t); null.boom; }, 5);
            Page({});
        """)
        await gui.open(root)
        shown = gui.window.console.view.toPlainText
        await gui.until(lambda: "×40" in shown())
        assert shown().count("cannot read property 'boom' of null") == 1

    gui.run(scenario())


def test_elements_panel_shows_the_rendered_page_and_taps_it(gui: Driver, tmp_path: Path) -> None:
    """The Elements panel lists the rendered nodes with their bindings; double-clicking a
    node taps it in the core (its handler runs, the page re-renders, the panel follows);
    while hidden it is not rebuilt, and it catches up when shown."""
    async def scenario() -> None:
        root = app_with(tmp_path, "Page({data: {n: 0}, add() { this.setData({n: this.data.n + 1}); }});",
                        **{"pages/index/index.swan":
                           '<view class="page"><text id="n">n={{n}}</text>'
                           '<button id="add" bindtap="add">add</button></view>'})
        w = gui.window
        w.docks["Elements"].raise_()
        await gui.open(root)
        tree = w.elements.tree
        await gui.until(lambda: tree.topLevelItemCount() == 1)
        page = tree.topLevelItem(0)
        assert page.text(0) == "view.page"
        button = page.child(1)
        assert button.text(0) == "button#add" and button.text(2) == "tap→add"
        tree.itemDoubleClicked.emit(button, 0)
        await gui.until(lambda: w.host is not None and w.host.page.text("#n") == "n=1")
        await gui.until(lambda: tree.topLevelItem(0).child(0).child(0).text(1) == "n=1")
        w.docks["Elements"].hide()
        assert w.host is not None
        w.host.page.tap("#add")
        await gui.until(lambda: w._elements_stale)
        assert tree.topLevelItem(0).child(0).child(0).text(1) == "n=1"  # not rebuilt
        w.docks["Elements"].show()
        w.docks["Elements"].raise_()
        await gui.until(lambda: tree.topLevelItem(0).child(0).child(0).text(1) == "n=2",
                        timeout=3)

    gui.run(scenario())


def test_the_status_bar_follows_a_throttle_set_from_outside(gui: Driver, tmp_path: Path) -> None:
    """A profile or offline set on the app's link by code (the automation API does this)
    shows in the status bar without any click in the window."""
    root = app_with(tmp_path, "Page({});")

    async def scenario() -> None:
        w = gui.window
        await gui.open(root)
        host = w.host
        assert host is not None and "3g" not in w.status.network.text()
        host.conditions.set_throttle("3g")
        assert "3g" in w.status.network.text()
        host.conditions.set_throttle("off")
        assert "3g" not in w.status.network.text()

    gui.run(scenario())
