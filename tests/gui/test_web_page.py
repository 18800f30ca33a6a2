"""The rendered page in the window's web view (Qt WebEngine, offscreen): it mirrors the
core's node tree, and real mouse clicks and key presses in it reach the app's handlers."""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QWidget

from emulator.gui.panels.appdata import AppDataPanel
from emulator.gui.panels.simulator import Simulator
from emulator.gui.simulator.engine import UNAVAILABLE
from tests.conftest import write_app
from tests.gui.conftest import BUILTIN, REPO, Driver

pytestmark = pytest.mark.skipif(UNAVAILABLE is not None, reason=str(UNAVAILABLE))


async def js(gui: Driver, script: str) -> Any:
    """``script``'s value in the web view's page (JSON round trip)."""
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    gui.window.web.evaluate(f"JSON.stringify(({script}))",
                            lambda r: future.done() or future.set_result(r))
    text = await asyncio.wait_for(future, 10)
    return None if text is None else json.loads(text)


async def until_js(gui: Driver, script: str, timeout: float = 15.0) -> Any:
    """Wait until ``script`` is truthy in the web view; its value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        gui.window.intake.flush()
        value = await js(gui, script)
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {script!r} in the web view")
        await asyncio.sleep(0.05)


async def click(gui: Driver, selector: str) -> None:
    """A real left click (press and release) at the middle of the element."""
    box = await until_js(gui, f"(function () {{ var e = document.querySelector("
                              f"{json.dumps(selector)}); if (!e) return null; var r = "
                              "e.getBoundingClientRect(); return {x: r.left + r.width / 2, "
                              "y: r.top + r.height / 2}; })()")
    target = gui.window.web.focusProxy()
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(box["x"]), int(box["y"])))


def page_app(tmp_path: Path, swan: str, js_source: str, **files: Any) -> Path:
    return write_app(tmp_path / "app", {"pages/index/index.swan": swan,
                                        "pages/index/index.js": js_source,
                                        "swan-emulator.json": BUILTIN, **files})


def test_netdemo_renders_in_the_web_view(gui: Driver) -> None:
    """The request tour's page is drawn: its results and its button, styled by its css."""
    async def scenario() -> None:
        await gui.open(REPO / "sample_apps" / "netdemo")
        await until_js(gui, "document.body.innerText.indexOf('11/11') >= 0")
        assert await js(gui, "document.querySelectorAll('swan-button').length") == 12  # run all + 11
        color = await js(gui, "getComputedStyle(document.querySelector('.good .detail')).color")
        assert color == "rgb(26, 127, 55)"  # .good .detail { color: #1a7f37 } (index.css)

    gui.run(scenario())


def test_a_click_in_the_web_view_runs_the_handler_and_makes_a_flow(gui: Driver,
                                                                   tmp_path: Path) -> None:
    """A mouse click on a rendered button is a tap: the handler's request is a flow."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<view><button id="go" data-n="7" bindtap="go">Go</button>'
                        '<text id="out">{{said}}</text></view>',
                        "Page({data: {said: ''}, go(e) { var self = this; swan.request({"
                        " url: 'https://api.demo.test/echo?n=' + e.currentTarget.dataset.n,"
                        " success: function () { self.setData({said: 'done'}); } }); }});")
        await gui.open(root)
        await click(gui, "#go")
        await gui.until(lambda: gui.window.flows.rowCount() == 1)
        assert gui.window.flows.flow_at(0).request.url.endswith("/echo?n=7")
        await until_js(gui, "document.querySelector('#out').innerText === 'done'")

    gui.run(scenario())


def test_typing_into_the_web_view_reaches_bindinput(gui: Driver, tmp_path: Path) -> None:
    """Keys typed into a rendered input reach bindinput; the echo re-renders in place."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<input id="name" bindinput="typed" />'
                        '<text id="echo">{{v}}</text>',
                        "Page({data: {v: ''}, typed(e) { this.setData({v: e.detail.value}); }});")
        await gui.open(root)
        await click(gui, "#name")
        await until_js(gui, "document.activeElement && "
                            "document.activeElement.tagName === 'INPUT'")
        QTest.keyClicks(gui.window.web.focusProxy(), "swan")
        await until_js(gui, "document.querySelector('#echo').innerText === 'swan'")
        assert gui.window.host.page.text("#echo") == "swan"

    gui.run(scenario())


def test_updates_patch_the_page_instead_of_reloading_it(gui: Driver, tmp_path: Path) -> None:
    """One row changed in a 200-row list: the other rows are the same DOM elements."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<view s-for="r in rows" class="row">{{r}}</view>',
                        "Page({data: {rows: Array.from({length: 200}, (_, i) => 'row ' + i)},"
                        " change() { this.setData({'rows[5]': 'changed'}); }});")
        await gui.open(root)
        await until_js(gui, "document.querySelectorAll('.row').length === 200")
        await js(gui, "(document.querySelectorAll('.row')[100].__marked = true)")
        gui.window.host.call_method(gui.window.host.page_stack[-1].page_id, "change")
        await until_js(gui, "document.querySelectorAll('.row')[5].innerText === 'changed'")
        assert await js(gui, "document.querySelectorAll('.row')[100].__marked === true")

    gui.run(scenario())


def test_page_css_rpx_and_component_defaults(gui: Driver, tmp_path: Path) -> None:
    """app.css and page css apply with rpx in px (375 px wide: 1rpx = 0.5px); view rules
    reach swan's elements; a primary button is the platform's blue."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<view class="box">x</view><button type="primary">b</button>',
                        "Page({});", **{"app.css": "view { font-size: 40rpx; }",
                                        "pages/index/index.css": ".box { width: 300rpx; }"})
        await gui.open(root)
        box = await until_js(gui, "getComputedStyle(document.querySelector('.box')).width")
        assert box == "150px"
        assert await js(gui, "getComputedStyle(document.querySelector('.box')).fontSize") \
            == "20px"
        assert await js(gui, "getComputedStyle(document.querySelector('swan-button'))"
                             ".backgroundColor") == "rgb(60, 118, 255)"

    gui.run(scenario())


def _png(width: int, height: int) -> bytes:
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8,
                                                              2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_package_images_load_and_fire_bindload(gui: Driver, tmp_path: Path) -> None:
    """An image from the package (absolute and page-relative paths) is served to the web
    view; its load event reaches the page with the natural size."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<image id="a" src="/img/a.png" bindload="loaded" />'
                        '<image id="b" src="../../img/a.png" />',
                        "Page({loaded(e) { console.log('loaded ' + e.detail.width + 'x' +"
                        " e.detail.height); }});")
        (root / "img").mkdir()
        (root / "img" / "a.png").write_bytes(_png(12, 8))
        await gui.open(root)
        await until_js(gui, "document.querySelector('#b img').naturalWidth === 12")
        await gui.until(lambda: "loaded 12x8" in gui.console_text())

    gui.run(scenario())


def test_appdata_edit_re_renders_the_page(gui: Driver, tmp_path: Path) -> None:
    """Editing a value in AppData is a setData: the page re-renders with it."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<text id="t">{{title}}</text>',
                        "Page({data: {title: 'before'}});")
        await gui.open(root)
        ad = gui.window.appdata
        await gui.until(lambda: ad.tree.topLevelItemCount() == 1)
        assert ad.edit(ad.tree.topLevelItem(0), '"after"') is None
        await until_js(gui, "document.querySelector('#t').innerText === 'after'")
        assert ad.edit(ad.tree.topLevelItem(0), "{oops") .startswith("not JSON")

    gui.run(scenario())


def test_elements_selection_highlights_and_inspect_selects(gui: Driver,
                                                           tmp_path: Path) -> None:
    """Selecting a node in Elements outlines it in the page with its box; in Inspect mode
    a click in the page selects the node instead of tapping it."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<view id="v" style="width: 100px; height: 40px">v</view>'
                        '<button id="b" bindtap="tapped">b</button>',
                        "Page({tapped() { console.log('tapped'); }});")
        w = gui.window
        await gui.open(root)
        w.docks["Elements"].show()
        w.docks["Elements"].raise_()
        await gui.until(lambda: w.host is not None and w.host.page.query("#v") is not None)
        w._show_elements(force=True)
        view_id = w.host.page.query("#v").id
        assert w.elements.select_node(view_id)
        size = await until_js(gui, "(function () { var h = document.getElementById("
                                   "'swan-highlight'); return h.style.display === 'block' && "
                                   "[h.offsetWidth, h.offsetHeight]; })()")
        assert size == [100, 40]
        await gui.until(lambda: "100×40" in w.elements.box.text())
        w.elements.inspect.setChecked(True)
        await until_js(gui, "document.body.classList.contains('swan-inspecting')")
        await click(gui, "#b")
        button_id = w.host.page.query("#b").id
        await gui.until(lambda: w.elements.selected_node() == button_id)
        await asyncio.sleep(0.2)
        assert "tapped" not in gui.console_text()

    gui.run(scenario())


def test_without_webengine_the_phone_shows_the_data_and_says_why(qapp: Any) -> None:
    """The fallback: the page area is the data view, under a one-line notice."""
    panel = AppDataPanel(lambda _p, _n: None, lambda _p, _c: None)
    sim = Simulator(panel, go_back=lambda: None, switch_tab=lambda _u: None,
                    set_network=lambda _t: None, notice="Qt WebEngine cannot start (why)")
    assert sim.notice.text() == "Qt WebEngine cannot start (why)"
    assert not sim.notice.isHidden()
    assert sim.phone_layout.indexOf(panel) >= 0
    quiet = Simulator(QWidget(), go_back=lambda: None, switch_tab=lambda _u: None,
                      set_network=lambda _t: None)
    assert quiet.notice.isHidden()
    sim.deleteLater()
    quiet.deleteLater()


def test_a_tap_on_a_picker_opens_its_sheet_and_the_choice_is_a_change(gui: Driver,
                                                                      tmp_path: Path) -> None:
    """Clicking a selector picker opens the sheet with its items; OK sends change with the
    chosen index, which the page renders."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<picker id="p" range="{{fruits}}" value="{{i}}" '
                        'bindchange="picked"><view id="shown">{{fruits[i]}}</view></picker>',
                        "Page({data: {fruits: ['apple', 'pear', 'fig'], i: 0},"
                        " picked(e) { this.setData({i: e.detail.value}); }});")
        await gui.open(root)
        await click(gui, "#shown")
        sheet = await gui.until(lambda: gui.window.pane.sheet)
        combo = sheet.combos[0]
        assert [combo.itemText(i) for i in range(combo.count())] == ["apple", "pear", "fig"]
        combo.setCurrentIndex(2)
        sheet.accept()
        await until_js(gui, "document.querySelector('#shown').innerText === 'fig'")

    gui.run(scenario())


def test_page_chrome_follows_the_app_and_the_pull_down_button(gui: Driver,
                                                              tmp_path: Path) -> None:
    """setNavigationBarColor and the navigation bar's loading show in the chrome; the pull
    button runs onPullDownRefresh where enabled and the refresh shows until
    stopPullDownRefresh; pageScrollTo scrolls the web view."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<view s-for="r in rows" style="height: 100px">{{r}}</view>',
                        "Page({data: {rows: Array.from({length: 30}, (_, i) => i)},"
                        " onLoad() { swan.setNavigationBarColor({frontColor: '#000000',"
                        " backgroundColor: '#ffcc00'}); swan.showNavigationBarLoading(); },"
                        " onPullDownRefresh() { console.log('refresh asked'); },"
                        " done() { swan.stopPullDownRefresh(); },"
                        " down() { swan.pageScrollTo({scrollTop: 500}); }});",
                        **{"pages/index/index.json": {"enablePullDownRefresh": True}})
        w = gui.window
        sim = w.simulator
        await gui.open(root)
        await gui.until(lambda: "#ffcc00" in sim.navbar.styleSheet())
        assert "#000000" in sim.title.styleSheet() and sim.nav_loading.isVisible()
        sim.pull.click()
        await gui.until(lambda: "refresh asked" in gui.console_text())
        assert sim.refreshing.isVisible()
        page_id = w.host.page_stack[-1].page_id
        w.host.call_method(page_id, "done")
        await gui.until(lambda: not sim.refreshing.isVisible())
        w.host.call_method(page_id, "down")
        await until_js(gui, "window.scrollY === 500")

    gui.run(scenario())


def test_a_drag_on_a_swiper_and_its_autoplay_change_the_item(gui: Driver,
                                                              tmp_path: Path) -> None:
    """Dragging a swiper left shows the next item (change, source touch); autoplay moves
    it on by itself (source autoplay); the shown item follows in the web view."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<swiper id="s" style="height: 100px" bindchange="changed"'
                        ' autoplay="{{auto}}" interval="300">'
                        '<swiper-item s-for="n in names"><view class="item">{{n}}</view>'
                        '</swiper-item></swiper>',
                        "Page({data: {names: ['one', 'two', 'three'], auto: false},"
                        " changed(e) { console.log('change ' + e.detail.current + ' '"
                        " + e.detail.source); if (e.detail.current === 1 &&"
                        " e.detail.source === 'touch') this.setData({auto: true}); }});")
        await gui.open(root)
        box = await until_js(gui, "(function () { var r = document.querySelector('#s')"
                                  ".getBoundingClientRect(); return r.width > 0 && "
                                  "[r.left, r.top, r.width, r.height]; })()")
        target = gui.window.web.focusProxy()
        y = int(box[1] + box[3] / 2)
        QTest.mousePress(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(int(box[0] + box[2] * 0.8), y))
        QTest.mouseMove(target, QPoint(int(box[0] + box[2] * 0.5), y))
        QTest.mouseRelease(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           QPoint(int(box[0] + box[2] * 0.2), y))
        await gui.until(lambda: "change 1 touch" in gui.console_text())
        track = "document.querySelector('.swan-swiper-track').style.transform"
        await until_js(gui, f"{track} === 'translateX(-100%)'")
        await gui.until(lambda: "change 2 autoplay" in gui.console_text())
        await until_js(gui, f"{track} === 'translateX(-200%)'")

    gui.run(scenario())


def test_a_broken_template_shows_its_error_in_the_page(gui: Driver, tmp_path: Path) -> None:
    """A template that does not compile: the page area says why, with file:line:col,
    instead of staying blank."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<view>\n  <text>{{ a + }}</text>\n</view>', "Page({});")
        await gui.open(root)
        text = await until_js(gui, "document.getElementById('page-error').innerText")
        assert "pages/index/index.swan:2:" in text

    gui.run(scenario())


def test_the_device_picker_reloads_the_app_on_that_phone(gui: Driver, tmp_path: Path) -> None:
    """Picking a wider phone: the app starts again, getSystemInfo says so, the page is that
    wide and 750rpx fills it."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<view id="full" style="width: 750rpx">x</view>',
                        "Page({onLoad() { console.log('width ' +"
                        " swan.getSystemInfoSync().windowWidth); }});")
        w = gui.window
        await gui.open(root)
        await gui.until(lambda: "width 375" in gui.console_text())
        w.simulator.device.setCurrentText("iPhone 6 Plus")
        await gui.until(lambda: "width 414" in gui.console_text())
        assert w.host.settings.device == "iPhone 6 Plus"
        await until_js(gui, "window.innerWidth === 414 && "
                            "document.getElementById('full').offsetWidth === 414")

    gui.run(scenario())


def test_the_apps_markup_stays_data(gui: Driver, tmp_path: Path) -> None:
    """An on* attribute in a template is no handler, rich-text drops script and handler
    attributes, and the page can read no local file (no file access, a CSP)."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<view id="x" onclick="document.title = \'pwned\'">x</view>'
                        '<rich-text id="r" nodes="{{html}}"></rich-text>'
                        '<rich-text id="n" nodes="{{nodes}}"></rich-text>',
                        "Page({data: {html: '<b>bold</b><img src=x onerror=\"document.title="
                        "1\"><script>document.title=2</script>', nodes: [{name: 'p', attrs:"
                        " {class: 'c', onclick: 'x()'}, children: [{type: 'text', text:"
                        " 'para'}]}]}});")
        await gui.open(root)
        await until_js(gui, "document.querySelector('#r b') && "
                            "document.querySelector('#r b').innerText === 'bold'")
        assert await js(gui, "document.querySelector('#n p.c').innerText") == "para"
        assert await js(gui, "document.querySelector('#x').hasAttribute('onclick')") is False
        assert await js(gui, "document.querySelectorAll('#r script, #r [onerror], "
                             "#r img[src]').length") == 0
        assert await js(gui, "document.querySelector('#n p').hasAttribute('onclick')") is False
        await click(gui, "#x")
        await js(gui, "(window.__read = 'pending', fetch('file:///etc/hostname').then("
                      "function () { window.__read = 'read'; }, function () {"
                      " window.__read = 'blocked'; }), true)")
        assert await until_js(gui, "window.__read !== 'pending' && window.__read") == "blocked"
        assert await js(gui, "document.title") != "pwned"

    gui.run(scenario())


def test_a_component_shown_later_gets_its_css(gui: Driver, tmp_path: Path) -> None:
    """A component first rendered after the page was shown (s-if turned on) is styled by
    its own css."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<card s-if="{{on}}"></card>',
                        "Page({data: {on: false}, show() { this.setData({on: true}); }});",
                        **{"pages/index/index.json": {"usingComponents": {
                            "card": "/components/card/card"}},
                           "components/card/card.json": {"component": True},
                           "components/card/card.swan": '<view class="box">card</view>',
                           "components/card/card.css": ".box { color: rgb(1, 2, 3); }",
                           "components/card/card.js": "Component({});"})
        await gui.open(root)
        host = gui.window.host
        await gui.until(lambda: host.page_stack)
        host.call_method(host.page_stack[-1].page_id, "show")
        await until_js(gui, "document.querySelector('.box') && getComputedStyle("
                            "document.querySelector('.box')).color === 'rgb(1, 2, 3)'")

    gui.run(scenario())


def test_component_css_is_isolated_unless_it_adds_global_classes(gui: Driver,
                                                                  tmp_path: Path) -> None:
    """The page's .hot class colours the page's node, not a component's node with the same
    class — unless that component sets options.addGlobalClass; the component's own css
    never leaks out to the page."""
    async def scenario() -> None:
        def component(name: str, global_class: bool) -> dict[str, Any]:
            options = "{options: {addGlobalClass: true}}" if global_class else "{}"
            return {f"components/{name}/{name}.json": {"component": True},
                    f"components/{name}/{name}.swan": f'<text class="hot {name}">{name}</text>',
                    f"components/{name}/{name}.css": ".own { color: rgb(0, 0, 255); }",
                    f"components/{name}/{name}.js": f"Component({options});"}
        root = page_app(tmp_path, '<text class="hot own page">page</text><plain></plain>'
                        '<wide></wide>', "Page({});",
                        **{"pages/index/index.css": ".hot { color: rgb(255, 0, 0); }",
                           "pages/index/index.json": {"usingComponents": {
                               "plain": "/components/plain/plain",
                               "wide": "/components/wide/wide"}},
                           **component("plain", False), **component("wide", True)})
        await gui.open(root)
        color = "getComputedStyle(document.querySelector('{}')).color"
        await until_js(gui, "document.querySelector('.wide') !== null")
        assert await js(gui, color.format(".page")) == "rgb(255, 0, 0)"
        assert await js(gui, color.format(".plain")) != "rgb(255, 0, 0)"
        assert await js(gui, color.format(".wide")) == "rgb(255, 0, 0)"

    gui.run(scenario())


def test_external_classes_are_styled_by_the_page(gui: Driver, tmp_path: Path) -> None:
    """A component's externalClasses take the classes its tag passes, and the page's css
    styles them inside the component; changing them restyles."""
    async def scenario() -> None:
        root = page_app(tmp_path, '<card title-class="{{cls}}"></card>',
                        "Page({data: {cls: 'red'}, blue() { this.setData({cls: 'blue'}); }});",
                        **{"pages/index/index.css": ".red { color: rgb(255, 0, 0); }"
                                                    " .blue { color: rgb(0, 0, 255); }",
                           "pages/index/index.json": {"usingComponents": {
                               "card": "/components/card/card"}},
                           "components/card/card.json": {"component": True},
                           "components/card/card.swan":
                               '<text class="title title-class">title</text>',
                           "components/card/card.js":
                               "Component({externalClasses: ['title-class']});"})
        await gui.open(root)
        color = "getComputedStyle(document.querySelector('.title')).color"
        await until_js(gui, f"document.querySelector('.title') && {color} === "
                            "'rgb(255, 0, 0)'")
        assert gui.window.host.page.query(".title").classes == ["title", "red"]
        host = gui.window.host
        host.call_method(host.page_stack[-1].page_id, "blue")
        await until_js(gui, f"{color} === 'rgb(0, 0, 255)'")

    gui.run(scenario())
