"""A JSON value as a tree that is built as it is opened.

What arrives may be a 10 MB setData or a 5 MB response: one row per value would take
seconds and hundreds of MB. Rows are made when their parent is expanded, MAX_CHILDREN at a
time (a "… N more" row makes the next ones when activated), and a value's cell shows at
most CELL_CHARS characters; *Show value* opens all of it in a viewer.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from typing import Any

from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from emulator.gui.bigtext import CELL_CHARS, KEY_CHARS, cell, gathered
from emulator.gui.viewer import TextViewer, open_viewer

MAX_CHILDREN = 200  # rows made per container at a time
AUTO_EXPAND_ROWS = 500  # rows a tree may make to open levels by itself (expand_depth)
# Where a row keeps its value: an index into JsonTree._values (a Python list or dict put
# in a QVariant would be converted, element by element, to a Qt container).
_SLOT = Qt.ItemDataRole.UserRole + 20
_MORE = Qt.ItemDataRole.UserRole + 21  # on a "… N more" row: the index of the next child
_FILLED = Qt.ItemDataRole.UserRole + 22  # on a container row: its children are made


def summary(value: Any) -> str:
    """What a value's cell says: ``{n}`` / ``[n]`` for containers, else its JSON, cut."""
    if isinstance(value, dict):
        return f"{{{len(value)}}}"
    if isinstance(value, list):
        return f"[{len(value)}]"
    if isinstance(value, str):
        if len(value) > CELL_CHARS:
            # Only the start is encoded: json.dumps of 10 MB would come first otherwise.
            return json.dumps(value[:CELL_CHARS], ensure_ascii=False)[:-1] \
                + f"…\" ({len(value):,} characters)"
        return json.dumps(value, ensure_ascii=False)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return cell(repr(value))


def value_text(value: Any) -> str | Iterable[str]:
    """All of a value as text: a string as it is, anything else as indented JSON produced a
    piece at a time (the viewer reads it as it fills)."""
    if isinstance(value, str):
        return value
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, default=repr)
    return gathered(encoder.iterencode(value))


class JsonTree(QTreeWidget):
    """Shows one JSON value (usually a dict); see the module docstring."""

    def __init__(self, headers: tuple[str, str] = ("key", "value"),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(list(headers))
        self.setUniformRowHeights(True)
        self._values: list[Any] = []
        self.viewer: TextViewer | None = None  # the last one opened
        # More row actions an owner adds to the context menu: (label, action(row)).
        self.extra_actions: list[tuple[str, Callable[[QTreeWidgetItem], object]]] = []
        self.itemExpanded.connect(self._fill)
        self.itemDoubleClicked.connect(self._activated)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    # ---- building ---------------------------------------------------------------------------
    def clear(self) -> None:
        super().clear()
        self._values = []

    def load(self, value: Any, *, keep_expanded: bool = False, expand_depth: int = 0) -> None:
        """Show ``value``: its top level now, the rest as it is expanded. With
        ``keep_expanded``, rows open before (by key path) are opened again."""
        paths = self.expanded_paths() if keep_expanded else []
        self.clear()
        root = self.invisibleRootItem()
        assert root is not None
        if isinstance(value, (dict, list)):
            self._add_children(root, value, 0)
        else:
            self._row(root, "", value)
        for path in paths:
            self._open_path(path)
        if expand_depth:
            self._expand(root, expand_depth)

    def _row(self, parent: QTreeWidgetItem, key: str, value: Any) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [cell(key, KEY_CHARS), summary(value)])
        item.setData(0, _SLOT, len(self._values))
        self._values.append(value)
        if isinstance(value, (dict, list)) and value:
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
        if isinstance(value, str) and len(value) > CELL_CHARS:
            item.setToolTip(1, f"{len(value):,} characters: double-click to show all")
        return item

    def _add_children(self, parent: QTreeWidgetItem, value: dict[Any, Any] | list[Any],
                      start: int) -> None:
        pairs: Iterable[tuple[Any, Any]] = (
            value.items() if isinstance(value, dict) else enumerate(value))
        for key, child in itertools.islice(pairs, start, start + MAX_CHILDREN):
            self._row(parent, str(key), child)
        rest = len(value) - start - MAX_CHILDREN
        if rest > 0:
            more = QTreeWidgetItem(parent, [f"… {rest:,} more", "double-click to show them"])
            more.setData(0, _SLOT, len(self._values))
            more.setData(0, _MORE, start + MAX_CHILDREN)
            self._values.append(value)
            more.setForeground(0, self.palette().placeholderText())

    def _fill(self, item: QTreeWidgetItem | None) -> None:
        """Make the children of an expanded row, once."""
        if item is None or item.data(0, _FILLED) or item.data(0, _MORE) is not None:
            return
        value = self.value_of(item)
        if isinstance(value, (dict, list)):
            item.setData(0, _FILLED, True)
            self._add_children(item, value, 0)

    def show_more(self, item: QTreeWidgetItem) -> None:
        """Replace a "… N more" row by the next children (and a new one if any are left)."""
        start = item.data(0, _MORE)
        parent = item.parent() or self.invisibleRootItem()
        if start is None or parent is None:
            return
        value = self.value_of(item)
        parent.removeChild(item)
        self._add_children(parent, value, int(start))

    def _expand(self, parent: QTreeWidgetItem, depth: int) -> None:
        """Open the containers under ``parent`` (``depth`` levels), a level only when all
        of it fits in AUTO_EXPAND_ROWS rows: a list of 30,000 objects stays closed."""
        kids = [c for c in (parent.child(i) for i in range(parent.childCount()))
                if c is not None and c.childIndicatorPolicy()
                is QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator]
        adds = sum(min(len(self.value_of(c)), MAX_CHILDREN + 1) for c in kids)
        if self.row_count() + adds > AUTO_EXPAND_ROWS:
            return
        for child in kids:
            self._fill(child)
            child.setExpanded(True)
        if depth > 1:
            for child in kids:
                self._expand(child, depth - 1)

    # ---- state ------------------------------------------------------------------------------
    def value_of(self, item: QTreeWidgetItem) -> Any:
        """The value a row shows (a "… N more" row: the container it belongs to)."""
        slot = item.data(0, _SLOT)
        return None if slot is None else self._values[slot]

    def row_count(self) -> int:
        """How many rows exist (made so far), at every depth."""
        return len(self._values)

    def expanded_paths(self) -> list[tuple[str, ...]]:
        """The key paths of the open rows, parents first."""
        paths: list[tuple[str, ...]] = []

        def walk(item: QTreeWidgetItem, path: tuple[str, ...]) -> None:
            for i in range(item.childCount()):
                child = item.child(i)
                if child is not None and child.isExpanded():
                    here = (*path, child.text(0))
                    paths.append(here)
                    walk(child, here)

        root = self.invisibleRootItem()
        if root is not None:
            walk(root, ())
        return paths

    def _open_path(self, path: tuple[str, ...]) -> None:
        item = self.invisibleRootItem()
        for key in path:
            if item is None:
                return
            item = next((c for c in (item.child(i) for i in range(item.childCount()))
                         if c is not None and c.text(0) == key), None)
        if item is not None:
            self._fill(item)
            item.setExpanded(True)

    # ---- acting on a row ------------------------------------------------------------------
    def _activated(self, item: QTreeWidgetItem | None, _column: int = 0) -> None:
        if item is None:
            return
        if item.data(0, _MORE) is not None:
            self.show_more(item)
        elif not isinstance(self.value_of(item), (dict, list)):
            self.show_value(item)  # containers open in place; a double-click toggles them

    def show_value(self, item: QTreeWidgetItem) -> TextViewer:
        """All of a row's value in a viewer (a string as it is, the rest as JSON)."""
        title = f"{self.path_text(item)} — value"
        self.viewer = open_viewer(self, title, value_text(self.value_of(item)))
        return self.viewer

    def path_text(self, item: QTreeWidgetItem) -> str:
        """A row's key path, as ``a.b[0]``."""
        keys: list[str] = []
        node: QTreeWidgetItem | None = item
        while node is not None:
            parent = node.parent()
            holder = self.value_of(parent) if parent is not None else None
            keys.append(f"[{node.text(0)}]" if isinstance(holder, list) else
                        ("." if parent is not None else "") + node.text(0))
            node = parent
        return "".join(reversed(keys)) or "value"

    def menu_for(self, item: QTreeWidgetItem) -> QMenu:
        """The context menu of a row."""
        menu = QMenu(self)
        if item.data(0, _MORE) is not None:
            menu.addAction("Show more", lambda: self.show_more(item))
            return menu
        menu.addAction("Show value…", lambda: self.show_value(item))
        menu.addAction("Copy value", lambda: self.copy_value(item))
        for label, act in self.extra_actions:
            menu.addAction(label, lambda act=act: act(item))
        return menu

    def copy_value(self, item: QTreeWidgetItem) -> None:
        """A row's whole value to the clipboard (a string as it is, the rest as JSON)."""
        value = self.value_of(item)
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            # Compact JSON: the C encoder; indented JSON is made in Python, seconds for MBs.
            clipboard.setText(value if isinstance(value, str)
                              else json.dumps(value, ensure_ascii=False, default=repr))

    def _menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is not None:
            viewport = self.viewport()
            assert viewport is not None
            self.menu_for(item).exec(viewport.mapToGlobal(pos))
