"""Elements: the rendered page's node tree (tag, id, classes, bindings, text), kept in
step with the core's view layer; a tap from here is the same tap code and the web view
send (emulator/view/driver.py)."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emulator.gui.bigtext import cell
from emulator.view.tree import ViewNode

MAX_NODES = 5000  # a page larger than this shows its first nodes and says so
NODE_ID = Qt.ItemDataRole.UserRole


def describe(node: ViewNode) -> str:
    """``tag#id.class.class`` as a selector would name it."""
    name = node.tag
    if node.element_id:
        name += f"#{node.element_id}"
    for c in node.classes:
        name += f".{c}"
    return name


class ElementsPanel(QWidget):
    """The tree of the page on screen; double-click (or Tap) a node to tap it. Selecting a
    node emits ``node_selected(id)`` (the simulator outlines it); the Inspect box emits
    ``inspect_toggled(on)`` (clicks in the simulator then select instead of tapping)."""

    node_selected = pyqtSignal(int)
    inspect_toggled = pyqtSignal(bool)

    def __init__(self, tap: Callable[[int], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tap = tap
        self._items: dict[int, QTreeWidgetItem] = {}
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["node", "text", "bindings"])
        self.tree.setUniformRowHeights(True)
        # Fixed widths: sizing to contents would measure every row on every rebuild.
        self.tree.setColumnWidth(0, 320)
        self.tree.setColumnWidth(1, 320)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self._tap_item(item))
        self.tree.currentItemChanged.connect(self._selected)
        self.note = QLabel("")
        self.box = QLabel("", objectName="box")
        self.box.setStyleSheet("color:#57606a; font-family: monospace;")
        self.inspect = QCheckBox("Inspect")
        self.inspect.setToolTip("Click a node in the simulator to select it here")
        self.inspect.toggled.connect(self.inspect_toggled)
        button = QPushButton("Tap selected")
        button.clicked.connect(lambda: self._tap_item(self.tree.currentItem()))
        bar = QHBoxLayout()
        bar.addWidget(self.inspect)
        bar.addWidget(self.note, 1)
        bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)
        layout.addWidget(self.box)
        layout.addLayout(bar)

    def show_tree(self, route: str, roots: list[ViewNode], error: str | None = None) -> None:
        """Show a page's nodes (replacing what was shown), expanded; the selection stays
        on the same node when it is still there."""
        current = self.tree.currentItem()
        keep = current.data(0, NODE_ID) if current is not None else None
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items = {}
        self.tree.blockSignals(False)
        if error:
            self.note.setText(error)
            return
        count = 0
        items: list[QTreeWidgetItem] = []

        def add(node: ViewNode, parent: QTreeWidgetItem | None) -> None:
            nonlocal count
            if count >= MAX_NODES:
                return
            if node.is_text:
                text = node.text.strip()
                if not text:
                    return
                item = QTreeWidgetItem(["#text", cell(text, 200), ""])
            else:
                bindings = ", ".join(f"{e}→{b.handler}" for e, bs in node.events.items()
                                     for b in bs)
                item = QTreeWidgetItem([describe(node), "", bindings])
            item.setData(0, NODE_ID, node.id)
            self._items[node.id] = item
            count += 1
            if parent is None:
                items.append(item)
            else:
                parent.addChild(item)
            for child in node.children:
                add(child, item)

        for root in roots:
            add(root, None)
        self.tree.addTopLevelItems(items)
        self.tree.expandAll()
        more = f" (first {MAX_NODES} shown)" if count >= MAX_NODES else ""
        self.note.setText(f"{route}: {count} nodes{more}")
        if keep is not None and keep in self._items:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(self._items[keep])
            self.tree.blockSignals(False)

    def select_node(self, node_id: int) -> bool:
        """Select (and show) a node's row; False if the node is not listed."""
        item = self._items.get(node_id)
        if item is None:
            return False
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        return True

    def selected_node(self) -> int | None:
        item = self.tree.currentItem()
        return int(item.data(0, NODE_ID)) if item is not None else None

    def _selected(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        if item is not None:
            self.node_selected.emit(int(item.data(0, NODE_ID)))

    def _tap_item(self, item: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.tap(int(item.data(0, NODE_ID)))
