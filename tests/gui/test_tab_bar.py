"""The simulated phone's tab bar, back button and start page, on a real app with a tabBar."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PyQt6.QtGui import QColor, QImage
from PyQt6.QtWidgets import QWidget

from emulator.cli import main
from emulator.gui.main_window import MainWindow
from emulator.gui.panels.simulator import Simulator
from emulator.gui.panels.tab_bar import TabBar, load_icon
from emulator.gui.start_picker import split_page
from tests.conftest import write_app
from tests.gui.conftest import Driver

HOME, LIST, ME, DETAIL = "pages/home/home", "pages/list/list", "pages/me/me", "pages/detail/detail"


def write_png(path: Path, color: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(32, 32, QImage.Format.Format_ARGB32)
    image.fill(QColor(color))
    assert image.save(str(path), "PNG")
    return path


def tab_app(tmp_path: Path, **tab_bar: Any) -> Path:
    """Three tab pages (the first with an icon, the second with a missing one, the third
    without) and one page that is not a tab."""
    root = write_app(tmp_path / "app", {
        "app.json": {
            "pages": [HOME, LIST, ME, DETAIL],
            "tabBar": {
                "color": "#111111", "selectedColor": "#ff0000", "backgroundColor": "#fafafa",
                "borderStyle": "white",
                "list": [
                    {"pagePath": HOME, "text": "Home", "iconPath": "images/home.png"},
                    {"pagePath": LIST, "text": "List", "iconPath": "images/missing.png",
                     "selectedIconPath": "/images/missing-on.png"},
                    {"pagePath": ME, "text": "Me"},
                ],
                **tab_bar,
            },
        },
        f"{HOME}.js": "Page({open() { swan.navigateTo({url: '/pages/detail/detail?id=7'}); }});",
        f"{LIST}.js": "Page({onShow() { console.log('list shown'); }});",
        f"{DETAIL}.js": "Page({onLoad(q) { this.setData({id: q.id}); }});",
    })
    write_png(root / "images" / "home.png", "#00aa00")
    return root


def top_route(sim: Simulator) -> str | None:
    return sim.stack[-1].route if sim.stack else None


def test_tab_bar_shows_items_with_the_current_page_selected(gui: Driver, tmp_path: Path) -> None:
    """The tab bar lists app.json's items (icon loaded, missing icon as text) and selects the
    first page's item in the selected colour."""
    async def scenario() -> None:
        sim = gui.window.simulator
        await gui.open(tab_app(tmp_path))
        await gui.until(lambda: top_route(sim) == HOME)
        bar = sim.tab_bar
        assert bar.isVisible() and bar.position == "bottom"
        assert bar.routes == [HOME, LIST, ME]
        assert [b.text() for b in bar.buttons] == ["Home", "List", "Me"]
        assert bar.items[0].icon is not None and not bar.buttons[0].icon().isNull()
        assert bar.items[1].icon is None and bar.items[1].selected_icon is None
        assert bar.selected == HOME
        assert "#ff0000" in bar.buttons[0].styleSheet()
        assert "#111111" in bar.buttons[1].styleSheet()
        assert "#fafafa" in bar.styleSheet()
        # It sits at the bottom of the phone.
        assert sim.phone_layout.indexOf(bar) == sim.phone_layout.count() - 1

    gui.run(scenario())


def test_tapping_a_tab_item_switches_to_its_page(gui: Driver, tmp_path: Path) -> None:
    """A tap on the second item runs switchTab: that page is on top and selected."""
    async def scenario() -> None:
        sim = gui.window.simulator
        await gui.open(tab_app(tmp_path))
        await gui.until(lambda: top_route(sim) == HOME)
        sim.tab_bar.buttons[1].click()
        await gui.until(lambda: top_route(sim) == LIST)
        assert "list shown" in gui.console_text()
        assert len(sim.stack) == 1
        assert sim.tab_bar.selected == LIST and sim.tab_bar.isVisible()
        assert "#ff0000" in sim.tab_bar.buttons[1].styleSheet()
        assert "#111111" in sim.tab_bar.buttons[0].styleSheet()

    gui.run(scenario())


def test_pushed_page_hides_tab_bar_and_shows_back(gui: Driver, tmp_path: Path) -> None:
    """navigateTo a page that is not a tab hides the tab bar and shows the back button;
    going back brings the tab bar back and hides the button."""
    async def scenario() -> None:
        sim = gui.window.simulator
        await gui.open(tab_app(tmp_path))
        methods = gui.window.appdata.methods_layout
        await gui.until(lambda: top_route(sim) == HOME and methods.count() == 1)
        methods.itemAt(0).widget().click()
        await gui.until(lambda: top_route(sim) == DETAIL)
        assert not sim.tab_bar.isVisible()
        assert sim.back.isVisible()
        sim.back.click()
        await gui.until(lambda: top_route(sim) == HOME)
        assert sim.tab_bar.isVisible() and sim.tab_bar.selected == HOME
        assert not sim.back.isVisible()

    gui.run(scenario())


def test_root_page_has_no_back_button(gui: Driver, tmp_path: Path) -> None:
    """With one page on the stack the back button is hidden, not merely disabled."""
    async def scenario() -> None:
        sim = gui.window.simulator
        await gui.open(write_app(tmp_path / "app", {}))
        await gui.until(lambda: top_route(sim) == "pages/index/index")
        assert not sim.back.isVisible()
        assert not sim.tab_bar.isVisible()  # no tabBar in app.json

    gui.run(scenario())


def test_page_option_opens_that_page_in_the_window(tmp_path: Path, qapp: Any,
                                                   opened_windows: list[MainWindow]) -> None:
    """`swan-emulator APP --page ROUTE?QUERY` opens that page first, with its query."""
    root = tab_app(tmp_path)
    try:
        status = main([str(root), "--page", "/pages/detail/detail?id=9", "--quit-after", "2"])
    finally:
        asyncio.set_event_loop(None)  # run_gui closed its loop
    assert status == 0
    (window,) = opened_windows
    sim = window.simulator
    assert [p.route for p in sim.stack] == [DETAIL]
    assert sim.stack[0].query == {"id": "9"}
    assert window.appdata.data[sim.stack[0].page_id] == {"id": "9"}
    assert not sim.tab_bar.isVisible() and not sim.back.isVisible()


def test_reload_starts_on_the_same_page(gui: Driver, tmp_path: Path) -> None:
    """Reload opens the page the app was started on, not the app's first page."""
    async def scenario() -> None:
        w = gui.window
        sim = w.simulator
        await w.open_app(tab_app(tmp_path), "pages/me/me")
        await gui.until(lambda: top_route(sim) == ME)
        first = w.host
        w.reload_action.trigger()
        await gui.until(lambda: w.host is not None and w.host is not first
                        and w.host.started and top_route(sim) is not None)
        assert top_route(sim) == ME and sim.tab_bar.selected == ME

    gui.run(scenario())


def test_split_page_reads_page_as_the_headless_runner() -> None:
    """ROUTE[?QUERY]: leading slash dropped, pairs split on & and kept undecoded."""
    assert split_page(None) == (None, {})
    assert split_page("/pages/a/a") == ("pages/a/a", {})
    assert split_page("pages/a/a?x=1&y=%20&z&") == ("pages/a/a", {"x": "1", "y": "%20", "z": ""})
    assert split_page("?x=1") == (None, {"x": "1"})


def test_icons_load_only_from_readable_images_inside_the_app(qapp: Any, tmp_path: Path) -> None:
    """An icon outside the app folder, missing or not an image is None (text only)."""
    root = tmp_path / "app"
    write_png(root / "ok.png", "#123456")
    write_png(tmp_path / "outside.png", "#123456")
    (root / "bad.png").write_bytes(b"not a png")
    assert load_icon(root, "/ok.png") is not None
    assert load_icon(root, "../outside.png") is None
    assert load_icon(root, "bad.png") is None
    assert load_icon(root, "nope.png") is None
    assert load_icon(root, None) is None


def test_top_tab_bar_sits_under_the_navigation_bar_without_icons(qapp: Any,
                                                                 tmp_path: Path) -> None:
    """position: top puts the bar right under the navigation bar, text only."""
    root = tab_app(tmp_path)
    sim = Simulator(QWidget(), go_back=lambda: None, switch_tab=lambda _u: None,
                    set_network=lambda _t: None)
    config = {"position": "top", "list": [{"pagePath": HOME, "text": "Home",
                                           "iconPath": "images/home.png"}]}
    sim.configure({}, {}, "wifi", tab_bar=config, app_root=root)
    assert sim.tab_bar.position == "top"
    assert sim.phone_layout.indexOf(sim.tab_bar) == 1
    assert sim.tab_bar.items[0].icon is None
    sim.tab_bar.show_route(HOME)
    assert sim.tab_bar.buttons[0].icon().isNull()
    sim.deleteLater()


def test_tab_bar_tap_asks_for_a_switch_to_the_page_path(qapp: Any, tmp_path: Path) -> None:
    """A tap emits the item's route; the selection waits for the page stack to change."""
    bar = TabBar()
    bar.configure({"list": [{"pagePath": HOME, "text": "Home"},
                            {"pagePath": "/" + LIST, "text": "List"}]}, tmp_path)
    bar.show_route(HOME)
    tapped: list[str] = []
    bar.tapped.connect(tapped.append)
    bar.buttons[1].click()
    assert tapped == [LIST]
    assert bar.selected == HOME
    bar.deleteLater()
