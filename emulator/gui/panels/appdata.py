"""AppData: the data of the page on screen as a live tree, editable (an edit is a
``setData``, so the page re-renders), and the page's own methods as buttons."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import (
    QFrame,
    QGridLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emulator.flows.events import Event, PageCreated, PageDataChanged, PageStackChanged
from emulator.gui.bigtext import CELL_CHARS, cell
from emulator.gui.json_tree import JsonTree
from emulator.view.data_path import set_path

HIGHLIGHT = QColor("#fff8c5")
HIGHLIGHT_MS = 1200
EDIT_CHARS = 200_000  # a value bigger than this is shown, not edited in a dialog
# Page hooks are not buttons: they run when the platform says so.
HOOKS = frozenset({"onLoad", "onShow", "onReady", "onHide", "onUnload", "onPullDownRefresh",
                   "onReachBottom", "onShareAppMessage", "onPageScroll", "onTabItemTap",
                   "setData", "getData"})


class AppDataPanel(QWidget):
    """The page on screen's data and methods. ``call_method(page_id, name)`` and
    ``set_data(page_id, {path: value})`` act on the running app."""

    def __init__(self, call_method: Callable[[int, str], None],
                 set_data: Callable[[int, dict[str, Any]], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call_method = call_method
        self.set_data = set_data
        self.pages: dict[int, PageCreated] = {}
        self.data: dict[int, Any] = {}
        self.stack: list[Any] = []
        self.shown: int | None = None
        self.route = QLabel(wordWrap=True)
        self.route.setStyleSheet("color:#57606a; padding: 4px 8px;")
        self.tree = JsonTree(("data", "value"))
        self.tree.setColumnWidth(0, 150)
        self.tree.setToolTip("The page's data; right-click a value to edit it (a setData)")
        self.tree.extra_actions = [("Edit value…", self.edit)]
        self.methods = QWidget()
        self.methods_layout = QGridLayout(self.methods)
        self.methods_layout.setContentsMargins(6, 0, 6, 6)
        methods_scroll = QScrollArea(widgetResizable=True)
        methods_scroll.setWidget(self.methods)
        methods_scroll.setFixedHeight(110)
        methods_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._marked: set[str] = set()
        self._unmark_timer = QTimer(self, singleShot=True)  # owned: dies with the panel
        self._unmark_timer.timeout.connect(self._unmark)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.route)
        layout.addWidget(self.tree, 1)
        layout.addWidget(QLabel("  page methods (call):", styleSheet="color:#57606a"))
        layout.addWidget(methods_scroll)

    def reset(self) -> None:
        self.pages.clear()
        self.data.clear()
        self.stack = []
        self.shown = None
        self.tree.clear()
        self.route.setText("")
        self._set_methods(None)

    def take(self, events: list[Event]) -> None:
        """Apply a batch of page events; repaint once."""
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
                # A page off the stack is gone for good: its data goes too.
                alive = {ref.page_id for ref in self.stack}
                for gone in [p for p in self.data if p not in alive]:
                    self.data.pop(gone, None)
                    self.pages.pop(gone, None)
        top = self.stack[-1] if self.stack else None
        if top is None:
            return
        if stack_changed or top.page_id in changed:
            self._show_page(top, changed.get(top.page_id, set()), stack_changed)

    def _show_page(self, ref: Any, changed_keys: set[str], new_page: bool) -> None:
        created = self.pages.get(ref.page_id)
        self.shown = ref.page_id
        query = "&".join(f"{k}={v}" for k, v in ref.query.items())
        self.route.setText(cell(f"/{ref.route}" + (f"?{query}" if query else ""), CELL_CHARS)
                           + f"   · stack {len(self.stack)}")
        self._fill_tree(self.data.get(ref.page_id, {}), changed_keys)
        if new_page:
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
        names = [m for m in methods or [] if m not in HOOKS]
        for i, name in enumerate(names):
            button = QPushButton(name)
            button.clicked.connect(lambda _c=False, n=name: self.call_method(page_id, n))
            self.methods_layout.addWidget(button, i // 3, i % 3)

    def edit(self, item: QTreeWidgetItem, text: str | None = None) -> str | None:
        """Edit a row's value as JSON (a dialog; ``text`` answers it, for tests): the page
        gets ``setData({path: value})``. Returns an error message, or None."""
        if self.shown is None:
            return "no page is shown"
        path = self.tree.path_text(item)
        if text is None:
            current = json.dumps(self.tree.value_of(item), ensure_ascii=False, indent=2)
            if len(current) > EDIT_CHARS:
                return f"{path} is too big to edit here ({len(current):,} characters)"
            text, ok = QInputDialog.getMultiLineText(self, "Edit page data",
                                                     f"{path} (JSON):", current)
            if not ok:
                return None
        try:
            value = json.loads(text)
        except ValueError as exc:
            return f"not JSON: {exc}"
        return self.set_data(self.shown, {path: value})
