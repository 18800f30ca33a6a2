"""Sockets: each connection's state and close code, its frames, and a close action."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emulator.flows.flow import TEXT, SocketFlow, SocketFrame
from emulator.gui.bigtext import (
    HEX_PREVIEW_BYTES,
    cell,
    decoded_head,
    hexdump,
    hexdump_rows,
)
from emulator.gui.models.flow_table import FlowRole, size_text
from emulator.gui.models.rows import RowsTableModel
from emulator.gui.viewer import PreviewText, Source

SOCKET_COLUMNS = ("#", "URL", "State", "Close", "Frames ↑/↓", "Bytes")
FRAME_COLUMNS = ("", "Time", "Opcode", "Size", "Data")
FrameRole = Qt.ItemDataRole.UserRole + 3


def _fixed_rows(view: QTableView, height: int = 22) -> None:
    vh = view.verticalHeader()
    assert vh is not None
    vh.setVisible(False)
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(height)


class SocketTableModel(RowsTableModel):
    """The app's sockets, open and closed."""

    columns = SOCKET_COLUMNS

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        f = self.row_at(index)
        if f is None:
            return None
        if role == FlowRole:
            return f
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        close = (f"{f.close_code} {f.close_reason!r} by {f.closed_by}"
                 if f.close_code is not None else (f.error_message or ""))
        return [str(f.id), cell(f.url), f.state.value, cell(close),
                f"{f.frames_sent}/{f.frames_received}",
                size_text(f.bytes_sent + f.bytes_received)][index.column()]


class FrameTableModel(RowsTableModel):
    """The frames of one socket: new frames appended in one step, the oldest dropped in one
    step past the flow's own cap (no reset while frames stream in)."""

    columns = FRAME_COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.flow: SocketFlow | None = None
        self._seen = 0  # frames of the flow taken so far (sent + received)

    def show(self, flow: SocketFlow | None) -> None:
        self.beginResetModel()
        self.flow = flow
        self.rows = list(flow.frames) if flow else []
        self._seen = flow.frames_sent + flow.frames_received if flow else 0
        self.endResetModel()

    def refresh(self) -> None:
        """Take the frames that arrived since the last call."""
        flow = self.flow
        if flow is None:
            return
        total = flow.frames_sent + flow.frames_received
        new = min(total - self._seen, len(flow.frames))
        self._seen = total
        if new <= 0:
            return
        fresh = list(itertools.islice(reversed(flow.frames), new))[::-1]
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
        self.rows.extend(fresh)
        self.endInsertRows()
        extra = len(self.rows) - flow.max_frames
        if extra > 0:
            self.beginRemoveRows(QModelIndex(), 0, extra - 1)
            del self.rows[:extra]
            self.endRemoveRows()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        fr = self.row_at(index)
        if fr is None:
            return None
        if role == FrameRole:
            return fr
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            from PyQt6.QtGui import QColor

            return QColor("#1a7f37") if fr.direction == "send" else QColor("#0969da")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        t0 = self.flow.timings.created if self.flow else fr.timestamp
        # Only the bytes a cell can show are decoded: a frame keeps up to 64 KB.
        shown = cell(decoded_head(fr.data, 200), 200) if fr.opcode == TEXT \
            else fr.data[:24].hex(" ")
        return ["↑" if fr.direction == "send" else "↓", f"{fr.timestamp - t0:.3f}s",
                "text" if fr.opcode == TEXT else "binary", size_text(fr.size),
                shown][index.column()]


class FrameFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.text = ""

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        if not self.text:
            return True
        fr = self.sourceModel().index(row, 0, parent).data(FrameRole)
        return fr is not None and self.text.lower() in fr.text.lower()


def frame_detail(frame: SocketFrame) -> str:
    """A frame's payload: JSON pretty-printed, text, or hex (all of it)."""
    if frame.opcode == TEXT:
        try:
            return json.dumps(json.loads(frame.text), ensure_ascii=False, indent=2)
        except ValueError:
            return frame.text
    return hexdump(frame.data, len(frame.data))


def show_frame(pane: PreviewText, frame: SocketFrame) -> None:
    """A frame in a details pane: its start, and all of it on *Show all*."""
    title = f"{'Sent' if frame.direction == 'send' else 'Received'} frame, {frame.size:,} B"
    kept = (f"{len(frame.data):,} of {frame.size:,} bytes kept"
            if frame.size > len(frame.data) else "")
    if frame.opcode == TEXT:
        # Pretty-printed JSON is at most a few times the frame (64 KB kept): fine at once.
        pane.set_text(frame_detail(frame), title=title, note=kept)
        return
    data = frame.data
    full: Callable[[], Source] = lambda: hexdump_rows(data)  # noqa: E731
    shown = (f"first {HEX_PREVIEW_BYTES:,} of {len(data):,} bytes shown"
             if len(data) > HEX_PREVIEW_BYTES else "")
    pane.set_text(hexdump(data, HEX_PREVIEW_BYTES), title=title + " (hex)",
                  full=full if shown else None,
                  note=" · ".join(x for x in (kept, shown) if x))


class SocketsPanel(QWidget):
    """Sockets on top, the selected one's frames below, a close action on the side."""

    def __init__(self, close: Callable[[int, int, str], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.close_flow = close
        self.sockets = SocketTableModel(self)
        self.frames = FrameTableModel(self)
        self.frame_filter = FrameFilter()
        self.frame_filter.setSourceModel(self.frames)
        self.socket_view = QTableView()
        self.socket_view.setModel(self.sockets)
        self.socket_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.socket_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        _fixed_rows(self.socket_view)
        sh = self.socket_view.horizontalHeader()
        assert sh is not None
        sh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.socket_view.setColumnWidth(0, 40)
        self.socket_view.setColumnWidth(3, 160)
        sel = self.socket_view.selectionModel()
        assert sel is not None
        sel.currentRowChanged.connect(lambda cur, _p: self.frames.show(cur.data(FlowRole)))

        self.frame_view = QTableView()
        self.frame_view.setModel(self.frame_filter)
        self.frame_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        _fixed_rows(self.frame_view)
        fh = self.frame_view.horizontalHeader()
        assert fh is not None
        fh.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 24), (1, 70), (2, 60), (3, 70)):
            self.frame_view.setColumnWidth(col, width)
        fsel = self.frame_view.selectionModel()
        assert fsel is not None
        fsel.currentRowChanged.connect(self._frame_selected)
        self.detail = PreviewText("Frame")

        self.search = QLineEdit(placeholderText="Filter frames…", clearButtonEnabled=True)
        self.search.textChanged.connect(self._filter)
        self.code = QSpinBox()
        self.code.setRange(1000, 4999)
        self.code.setValue(1000)
        self.reason = QLineEdit(placeholderText="reason")
        self.close_button = QPushButton("Close socket")
        self.close_button.clicked.connect(self.close_selected)
        self.note = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(QLabel("code"))
        bar.addWidget(self.code)
        bar.addWidget(self.reason)
        bar.addWidget(self.close_button)
        bar.addWidget(self.note)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.socket_view)
        split.addWidget(self.frame_view)
        split.addWidget(self.detail)
        split.setSizes([120, 260, 120])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split)

    def _filter(self, text: str) -> None:
        self.frame_filter.text = text
        self.frame_filter.invalidateFilter()

    def _frame_selected(self, index: QModelIndex) -> None:
        frame = index.data(FrameRole) if index.isValid() else None
        if frame is None:
            self.detail.set_text("")
        else:
            show_frame(self.detail, frame)

    def refresh(self) -> None:
        self.frames.refresh()

    def selected(self) -> SocketFlow | None:
        sel = self.socket_view.selectionModel()
        rows = sel.selectedRows() if sel is not None else []
        return rows[0].data(FlowRole) if rows else None

    def close_selected(self) -> None:
        flow = self.selected()
        if flow is None:
            self.note.setText("select an open socket")
            return
        ok = self.close_flow(flow.id, self.code.value(), self.reason.text())
        self.note.setText("closing…" if ok else "not open")
