"""The simulator pane: a phone with the app's navigation bar, the page on screen (rendered in
a web view, or — when Qt WebEngine cannot start — the page's data), the tab bar, and the
app's toasts, loading and modals."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emulator.config import NETWORK_TYPES
from emulator.flows.events import Event, PageStackChanged, UiRequest
from emulator.gui.bigtext import cell, preview
from emulator.gui.panels.tab_bar import TabBar
from emulator.swan.devices import DEFAULT_DEVICE, DEVICES

FRAME = 10  # px of the phone's border
TITLE_CHARS = 100  # a navigation bar title or a toast (a phone shows a few words)
MODAL_CHARS = 2000  # of a showModal's content


class Simulator(QWidget):
    """Shows the current page of the app, and lets the user act on it."""

    def __init__(self, page_area: QWidget, *, go_back: Callable[[], None],
                 switch_tab: Callable[[str], None], set_network: Callable[[str], None],
                 pull_down: Callable[[], None] | None = None,
                 set_device: Callable[[str], None] | None = None,
                 notice: str | None = None, parent: QWidget | None = None) -> None:
        """``page_area`` shows the page (the web view, or the AppData panel as the
        fallback); ``notice`` is one line saying why the fallback is used."""
        super().__init__(parent)
        self.go_back = go_back
        self.switch_tab = switch_tab
        self.set_network = set_network
        self.window_config: dict[str, Any] = {}
        self.titles: dict[str, str] = {}
        self.stack: list[Any] = []
        self.page_area = page_area

        self.phone = QFrame(objectName="phone")
        # The frame's border is 10 px a side around the device's page area.
        self.phone.setFixedWidth(DEVICES[DEFAULT_DEVICE].width + 2 * FRAME)
        self.phone.setStyleSheet(
            "#phone { background: #f6f8fa; border: 10px solid #24292f; border-radius: 28px; }"
            "#navbar { background: #3388ff; }"
            "#navtitle { color: white; font-size: 15px; font-weight: bold; }"
            "#toast { background: rgba(0,0,0,0.75); color: white; border-radius: 8px;"
            " padding: 10px 16px; font-size: 14px; }")
        self.navbar = QFrame(objectName="navbar")
        self.navbar.setFixedHeight(44)
        self.back = QPushButton("‹")
        self.back.setFixedWidth(32)
        self.back.setFlat(True)
        self.back.setStyleSheet("color: white; font-size: 22px; border: none;")
        self.back.clicked.connect(self.go_back)
        # Hidden on a root page, as on the platform; its room is kept so the title stays put.
        policy = self.back.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.back.setSizePolicy(policy)
        self.back.hide()
        self.title = QLabel("", objectName="navtitle", alignment=Qt.AlignmentFlag.AlignCenter)
        # The app's words are text: a QLabel would read "<img src=…>" in a title as HTML.
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        nav = QHBoxLayout(self.navbar)
        nav.setContentsMargins(6, 0, 6, 0)
        nav.addWidget(self.back)
        # showNavigationBarLoading: a spinner before the title [api/show/navigationbar].
        self.nav_loading = QLabel("⟳", objectName="navloading")
        self.nav_loading.hide()
        nav.addStretch(1)
        nav.addWidget(self.nav_loading)
        nav.addWidget(self.title)
        nav.addStretch(1)
        nav.addSpacing(32)

        self.toast = QLabel(self.phone, objectName="toast", alignment=Qt.AlignmentFlag.AlignCenter)
        self.toast.setTextFormat(Qt.TextFormat.PlainText)
        self.toast.hide()
        self._toast_timer = QTimer(self, singleShot=True)
        self._toast_timer.timeout.connect(self.toast.hide)
        self.tab_bar = TabBar()
        self.tab_bar.tapped.connect(lambda route: self.switch_tab("/" + route))

        inner = self.phone_layout = QVBoxLayout(self.phone)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(0)
        inner.addWidget(self.navbar)
        self.notice = QLabel(notice or "", wordWrap=True, objectName="notice")
        self.notice.setStyleSheet("background:#fff8c5; color:#57606a; padding:2px 8px;")
        self.notice.setVisible(bool(notice))
        inner.addWidget(self.notice)
        # The pull-down refresh in progress (a user's pull or startPullDownRefresh), until
        # the app calls stopPullDownRefresh.
        self.refreshing = QLabel("⟳ refreshing…", objectName="refreshing",
                                 alignment=Qt.AlignmentFlag.AlignCenter)
        self.refreshing.setStyleSheet("color:#57606a; background:#eaeef2; padding:6px;")
        self.refreshing.hide()
        inner.addWidget(self.refreshing)
        inner.addWidget(page_area, 1)
        inner.addWidget(self.tab_bar)

        self.network = QComboBox()
        self.network.addItems(NETWORK_TYPES)
        self.network.currentTextChanged.connect(self.set_network)
        side = QHBoxLayout()
        side.addWidget(QLabel("network:"))
        side.addWidget(self.network)
        self.device = QComboBox(objectName="device")
        self.device.addItems(list(DEVICES))
        self.device.setToolTip("The emulated phone: page width (750rpx), getSystemInfo, "
                               "safe area; choosing one reloads the app")
        if set_device is not None:
            self.device.currentTextChanged.connect(set_device)
        side.addWidget(QLabel("device:"))
        side.addWidget(self.device)
        if pull_down is not None:
            self.pull = QPushButton("↓ Pull to refresh", objectName="pull-down")
            self.pull.setToolTip("Pull the page down: onPullDownRefresh, where the page's "
                                 "JSON enables it (enablePullDownRefresh)")
            self.pull.clicked.connect(pull_down)
            side.addWidget(self.pull)
        side.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(side)
        layout.addWidget(self.phone, 1, Qt.AlignmentFlag.AlignHCenter)

    # ---- configuration --------------------------------------------------------------------
    def configure(self, window: dict[str, Any], titles: dict[str, str], network: str, *,
                  tab_bar: Any, app_root: Path, device: str = DEFAULT_DEVICE) -> None:
        """The app's window settings, page titles and ``tabBar`` (None: none), from app.json
        and page JSON; tab bar icons are read from ``app_root``."""
        self.window_config = window
        self.tab_bar.configure(tab_bar, app_root)
        # The platform puts a top tab bar under the navigation bar, a bottom one last.
        self.phone_layout.removeWidget(self.tab_bar)
        self.phone_layout.insertWidget(1 if self.tab_bar.position == "top" else -1, self.tab_bar)
        self.titles = titles
        bg = str(window.get("navigationBarBackgroundColor", "#3388ff"))
        fg = "black" if window.get("navigationBarTextStyle") == "black" else "white"
        self._nav_colors(bg, fg)
        self.network.blockSignals(True)
        self.network.setCurrentText(network)
        self.network.blockSignals(False)
        # The page area is the device's width in CSS px (rpx and getSystemInfo agree).
        self.phone.setFixedWidth(DEVICES[device].width + 2 * FRAME)
        self.device.blockSignals(True)  # showing the device is not choosing one
        self.device.setCurrentText(device)
        self.device.blockSignals(False)

    def _nav_colors(self, background: str, foreground: str) -> None:
        self.navbar.setStyleSheet(f"#navbar {{ background: {background}; }}")
        self.title.setStyleSheet(f"color: {foreground}; font-size: 15px; font-weight: bold;")
        self.back.setStyleSheet(f"color: {foreground}; font-size: 22px; border: none;")
        self.nav_loading.setStyleSheet(f"color: {foreground}; font-size: 15px;")

    def reset(self) -> None:
        self.refreshing.hide()
        self.nav_loading.hide()
        self.stack = []
        self.title.setText("")
        self.back.hide()
        self.tab_bar.show_route(None)

    # ---- events ---------------------------------------------------------------------------
    def take(self, events: list[Event]) -> None:
        """Apply a batch of page and UI events: the chrome follows the page on screen."""
        stack_changed = False
        for e in events:
            if isinstance(e, PageStackChanged):
                self.stack = list(e.pages)
                stack_changed = True
            elif isinstance(e, UiRequest):
                self._ui(e)
        top = self.stack[-1] if self.stack else None
        if top is not None and stack_changed:
            self.title.setText(cell(self.titles.get(top.route)
                                    or str(self.window_config.get("navigationBarTitleText", "")),
                                    TITLE_CHARS))
            self.back.setVisible(len(self.stack) > 1)
            self.tab_bar.show_route(top.route)

    def _ui(self, e: UiRequest) -> None:
        o = e.options
        if e.kind in ("showToast", "showLoading"):
            icon = {"success": "✓ ", "loading": "⏳ ", "error": "✕ "}.get(str(o.get("icon")), "")
            if e.kind == "showLoading":
                icon = "⏳ "
            self.toast.setText(icon + cell(str(o.get("title", "")), TITLE_CHARS))
            self.toast.adjustSize()
            self.toast.move((self.phone.width() - self.toast.width()) // 2,
                            self.phone.height() // 2 - self.toast.height())
            self.toast.show()
            self.toast.raise_()
            if e.kind == "showToast":
                self._toast_timer.start(int(o.get("duration", 1500)))
            else:
                self._toast_timer.stop()
        elif e.kind in ("hideToast", "hideLoading"):
            self.toast.hide()
        elif e.kind == "setNavigationBarTitle":
            self.title.setText(cell(str(o.get("title", "")), TITLE_CHARS))
        elif e.kind == "setNavigationBarColor":
            # Checked by the prelude: frontColor #ffffff/#000000, backgroundColor hex.
            self._nav_colors(str(o.get("backgroundColor")), str(o.get("frontColor")))
        elif e.kind in ("showNavigationBarLoading", "hideNavigationBarLoading"):
            self.nav_loading.setVisible(e.kind == "showNavigationBarLoading")
        elif e.kind in ("startPullDownRefresh", "stopPullDownRefresh"):
            self.refreshing.setVisible(e.kind == "startPullDownRefresh")


async def ask_modal(parent: QWidget, kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """The app's showModal/showActionSheet as a real dialog; the answer goes back to it."""
    future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    box = QMessageBox(parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the app's words, never HTML
    box.setWindowTitle("swan.showModal" if kind == "showModal" else "swan.showActionSheet")
    if kind == "showModal":
        box.setText(cell(str(options.get("title", "")), TITLE_CHARS))
        content = preview(str(options.get("content", "")), MODAL_CHARS)
        box.setInformativeText(content.text + (f"\n{content.more}" if content.cut else ""))
        informative = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if informative is not None:
            informative.setTextFormat(Qt.TextFormat.PlainText)
        ok = box.addButton(cell(str(options.get("confirmText", "确定")), TITLE_CHARS),
                           QMessageBox.ButtonRole.AcceptRole)
        buttons = {ok: {"confirm": True, "cancel": False}}
        if options.get("showCancel", True):
            cancel = box.addButton(cell(str(options.get("cancelText", "取消")), TITLE_CHARS),
                                   QMessageBox.ButtonRole.RejectRole)
            buttons[cancel] = {"confirm": False, "cancel": True}
    else:
        box.setText("Choose an item")
        buttons = {}
        for i, label in enumerate(options.get("itemList", [])):
            buttons[box.addButton(cell(str(label), TITLE_CHARS),
                                  QMessageBox.ButtonRole.ActionRole)] = {"tapIndex": i}
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)

    def answered(_result: int) -> None:
        if not future.done():
            answer = buttons.get(box.clickedButton())
            if answer is None:
                future.set_exception(RuntimeError("cancel"))
            else:
                future.set_result(answer)

    box.finished.connect(answered)
    box.open()
    return await future
