"""The simulator pane: a phone with the app's navigation bar and tab bar, its page stack, the
live page data, the page's methods as buttons, and its toasts, loading and modals."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from emulator.config import NETWORK_TYPES
from emulator.flows.events import (
    Event,
    PageCreated,
    PageDataChanged,
    PageStackChanged,
    UiRequest,
)
from emulator.gui.bigtext import CELL_CHARS, cell, preview
from emulator.gui.json_tree import JsonTree
from emulator.gui.panels.tab_bar import TabBar

HIGHLIGHT = QColor("#fff8c5")
HIGHLIGHT_MS = 1200
TITLE_CHARS = 100  # a navigation bar title or a toast (a phone shows a few words)
MODAL_CHARS = 2000  # of a showModal's content
_PATH = re.compile(r"([^.[\]]+)|\[(\d+)\]")


def set_path(root: dict[str, Any], path: str, value: Any,
             owned: dict[int, Any] | None = None) -> None:
    """Apply a setData key ('a.b[0].c') to ``root``, as the app's side does.

    With ``owned`` (containers by id), a container below the root that is not in it is
    copied (one level) before it changes, and the copy added: the values came in events,
    which other observers hold too, and a deep copy of a 10 MB setData takes seconds."""
    keys: list[Any] = [int(m.group(2)) if m.group(2) is not None else m.group(1)
                       for m in _PATH.finditer(path)]
    if not keys:
        return
    node: Any = root
    for i, key in enumerate(keys[:-1]):
        nxt = keys[i + 1]
        child = node[key] if _has(node, key) else None
        if not isinstance(child, (dict, list)):
            child = [] if isinstance(nxt, int) else {}
            _put(node, key, child)
            if owned is not None:
                owned[id(child)] = child
        elif owned is not None and id(child) not in owned:
            child = dict(child) if isinstance(child, dict) else list(child)
            owned[id(child)] = child
            _put(node, key, child)
        node = child
    _put(node, keys[-1], value)


def _has(node: Any, key: Any) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


def _put(node: Any, key: Any, value: Any) -> None:
    if isinstance(node, dict):
        node[key] = value
    elif isinstance(node, list) and isinstance(key, int):
        while len(node) <= key:
            node.append(None)
        node[key] = value


class Simulator(QWidget):
    """Shows the current page of the app, and lets the user act on it."""

    def __init__(self, *, call_method: Callable[[int, str], None], go_back: Callable[[], None],
                 switch_tab: Callable[[str], None], set_network: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call_method = call_method
        self.go_back = go_back
        self.switch_tab = switch_tab
        self.set_network = set_network
        self.window_config: dict[str, Any] = {}
        self.titles: dict[str, str] = {}
        self.pages: dict[int, PageCreated] = {}
        self.data: dict[int, Any] = {}
        self.stack: list[Any] = []

        self.phone = QFrame(objectName="phone")
        self.phone.setFixedWidth(380)
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
        nav = QHBoxLayout(self.navbar)
        nav.setContentsMargins(6, 0, 6, 0)
        nav.addWidget(self.back)
        nav.addWidget(self.title, 1)
        nav.addSpacing(32)

        self.route = QLabel(wordWrap=True)
        self.route.setStyleSheet("color:#57606a; padding: 4px 8px;")
        self.tree = JsonTree(("data", "value"))
        self.tree.setColumnWidth(0, 150)
        self.methods = QWidget()
        self.methods_layout = QGridLayout(self.methods)
        self.methods_layout.setContentsMargins(6, 0, 6, 6)
        methods_scroll = QScrollArea(widgetResizable=True)
        methods_scroll.setWidget(self.methods)
        methods_scroll.setFixedHeight(110)
        methods_scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.toast = QLabel(self.phone, objectName="toast", alignment=Qt.AlignmentFlag.AlignCenter)
        self.toast.hide()
        self._toast_timer = QTimer(self, singleShot=True)
        self._toast_timer.timeout.connect(self.toast.hide)
        self._marked: set[str] = set()
        self._unmark_timer = QTimer(self, singleShot=True)  # owned: dies with the pane
        self._unmark_timer.timeout.connect(self._unmark)

        self.tab_bar = TabBar()
        self.tab_bar.tapped.connect(lambda route: self.switch_tab("/" + route))

        inner = self.phone_layout = QVBoxLayout(self.phone)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(0)
        inner.addWidget(self.navbar)
        inner.addWidget(self.route)
        inner.addWidget(self.tree, 1)
        inner.addWidget(QLabel("  page methods (tap):", styleSheet="color:#57606a"))
        inner.addWidget(methods_scroll)
        inner.addWidget(self.tab_bar)

        self.network = QComboBox()
        self.network.addItems(NETWORK_TYPES)
        self.network.currentTextChanged.connect(self.set_network)
        side = QHBoxLayout()
        side.addWidget(QLabel("network:"))
        side.addWidget(self.network)
        side.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(side)
        layout.addWidget(self.phone, 1, Qt.AlignmentFlag.AlignHCenter)

    # ---- configuration --------------------------------------------------------------------
    def configure(self, window: dict[str, Any], titles: dict[str, str], network: str, *,
                  tab_bar: Any, app_root: Path) -> None:
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
        self.navbar.setStyleSheet(f"#navbar {{ background: {bg}; }}")
        self.title.setStyleSheet(f"color: {fg}; font-size: 15px; font-weight: bold;")
        self.back.setStyleSheet(f"color: {fg}; font-size: 22px; border: none;")
        self.network.blockSignals(True)
        self.network.setCurrentText(network)
        self.network.blockSignals(False)

    def reset(self) -> None:
        self.pages.clear()
        self.data.clear()
        self.stack = []
        self.tree.clear()
        self.route.setText("")
        self.title.setText("")
        self.back.hide()
        self.tab_bar.show_route(None)
        self._set_methods(None)

    # ---- events ---------------------------------------------------------------------------
    def take(self, events: list[Event]) -> None:
        """Apply a batch of page and UI events; repaint once."""
        changed: dict[int, set[str]] = {}
        stack_changed = False
        # Containers this batch copied (by id): changed in place by the next keys; the
        # references keep the ids from being reused while the batch is applied.
        owned: dict[int, Any] = {}
        for e in events:
            if isinstance(e, PageCreated):
                self.pages[e.page_id] = e
                self.data[e.page_id] = dict(e.data) if isinstance(e.data, dict) else {}
            elif isinstance(e, PageDataChanged):
                data = self.data.get(e.page_id)
                if data is not None:
                    for key, value in e.changes.items():
                        set_path(data, key, value, owned)
                        changed.setdefault(e.page_id, set()).add(re.split(r"[.[]", key)[0])
            elif isinstance(e, PageStackChanged):
                self.stack = list(e.pages)
                stack_changed = True
            elif isinstance(e, UiRequest):
                self._ui(e)
        top = self.stack[-1] if self.stack else None
        if top is None:
            return
        if stack_changed or top.page_id in changed:
            self._show_page(top, changed.get(top.page_id, set()), stack_changed)

    def _show_page(self, ref: Any, changed_keys: set[str], new_page: bool) -> None:
        created = self.pages.get(ref.page_id)
        self.title.setText(cell(self.titles.get(ref.route)
                                or str(self.window_config.get("navigationBarTitleText", "")),
                                TITLE_CHARS))
        query = "&".join(f"{k}={v}" for k, v in ref.query.items())
        self.route.setText(cell(f"/{ref.route}" + (f"?{query}" if query else ""), CELL_CHARS)
                           + f"   · stack {len(self.stack)}")
        self.back.setVisible(len(self.stack) > 1)
        self._fill_tree(self.data.get(ref.page_id, {}), changed_keys)
        if new_page:
            self.tab_bar.show_route(ref.route)
            self._set_methods(ref.page_id, created.methods if created else [])

    def _fill_tree(self, data: Any, changed: set[str]) -> None:
        # Built lazily and bounded (JsonTree): a 10 MB setData costs its top level only.
        self.tree.load(data if isinstance(data, dict) else {}, keep_expanded=True)
        marked = False
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.text(0) in changed:
                for col in (0, 1):
                    item.setBackground(col, QBrush(HIGHLIGHT))
                marked = True
        if marked:
            self._marked |= set(changed)
            self._unmark_timer.start(HIGHLIGHT_MS)

    def _unmark(self) -> None:
        # Looks the keys up in the tree as it is now (it is rebuilt on every change).
        keys, self._marked = self._marked, set()
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.text(0) in keys:
                for col in (0, 1):
                    item.setBackground(col, QBrush())

    def _set_methods(self, page_id: int | None, methods: list[str] | None = None) -> None:
        while self.methods_layout.count():
            w = self.methods_layout.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        if page_id is None:
            return
        hooks = {"onLoad", "onShow", "onReady", "onHide", "onUnload", "onPullDownRefresh",
                 "onReachBottom", "onShareAppMessage", "onPageScroll", "onTabItemTap",
                 "setData", "getData"}
        names = [m for m in methods or [] if m not in hooks]
        for i, name in enumerate(names):
            button = QPushButton(name)
            button.clicked.connect(lambda _c=False, n=name: self.call_method(page_id, n))
            self.methods_layout.addWidget(button, i // 3, i % 3)

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


async def ask_modal(parent: QWidget, kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """The app's showModal/showActionSheet as a real dialog; the answer goes back to it."""
    future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    box = QMessageBox(parent)
    box.setWindowTitle("swan.showModal" if kind == "showModal" else "swan.showActionSheet")
    if kind == "showModal":
        box.setText(cell(str(options.get("title", "")), TITLE_CHARS))
        content = preview(str(options.get("content", "")), MODAL_CHARS)
        box.setInformativeText(content.text + (f"\n{content.more}" if content.cut else ""))
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
