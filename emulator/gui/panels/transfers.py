"""Uploads and downloads with live progress bars, rates, states and an Abort button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QModelIndex, Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emulator.flows.flow import TransferFlow
from emulator.gui.bigtext import cell
from emulator.gui.models.flow_table import FlowRole, size_text
from emulator.gui.models.rows import RowsTableModel

COLUMNS = ("#", "Kind", "URL", "File", "Progress", "Done / expected", "Rate", "State")
COL_PROGRESS = COLUMNS.index("Progress")


class TransferTableModel(RowsTableModel):
    """One row per upload/download; rows appended and repainted in batches."""

    columns = COLUMNS

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        flow = self.row_at(index)
        if flow is None:
            return None
        if role == FlowRole:
            return flow
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        expected = size_text(flow.bytes_expected) if flow.bytes_expected else "?"
        return [
            str(flow.id),
            "upload" if flow.api == "uploadFile" else "download",
            cell(flow.request.url),
            cell(flow.file),
            flow.progress,
            f"{size_text(flow.bytes_done)} / {expected}",
            f"{size_text(int(flow.rate))}/s" if flow.bytes_done else "",
            flow.state.value + (f": {cell(flow.error_message)}" if flow.error_message
                                and flow.error_message != "abort" else ""),
        ][col]


class ProgressDelegate(QStyledItemDelegate):
    """Paints the progress column as a progress bar."""

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(index.data() or 0)
        bar.text = f"{bar.progress}%"
        bar.textVisible = True
        style = QApplication.style()
        assert style is not None
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class TransfersPanel(QWidget):
    """The transfers table; Abort works like the app's own abort()."""

    def __init__(self, abort: Callable[[int], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.abort_flow = abort
        self.model = TransferTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._progress = ProgressDelegate(self.table)  # kept: the view does not own it
        self.table.setItemDelegateForColumn(COL_PROGRESS, self._progress)
        vh = self.table.verticalHeader()
        assert vh is not None
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(24)
        hh = self.table.horizontalHeader()
        assert hh is not None
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 40), (1, 70), (3, 250), (4, 140), (5, 150), (6, 90), (7, 90)):
            self.table.setColumnWidth(col, width)
        self.abort_button = QPushButton("Abort selected")
        self.abort_button.clicked.connect(self.abort_selected)
        self.note = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.abort_button)
        bar.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

    def selected(self) -> TransferFlow | None:
        sel = self.table.selectionModel()
        rows = sel.selectedRows() if sel is not None else []
        return rows[0].data(FlowRole) if rows else None

    def abort_selected(self) -> None:
        flow = self.selected()
        if flow is None:
            self.note.setText("select a running transfer first")
            return
        ok = self.abort_flow(flow.id)
        self.note.setText(f"#{flow.id} aborted" if ok else f"#{flow.id} is not running")
