"""The network log as a table model: rows appended in batches, oldest dropped in one step."""

from __future__ import annotations

import time
from typing import Any

from PyQt6.QtCore import QModelIndex, QObject, Qt
from PyQt6.QtGui import QBrush, QColor

from emulator.flows.flow import FlowState, HttpFlow, SocketFlow, SocketState, TransferFlow
from emulator.gui.bigtext import CELL_CHARS, cell
from emulator.gui.models.rows import RowsTableModel

Flow = HttpFlow | SocketFlow
COLUMNS = ("#", "API", "Method", "URL", "Status", "Policy", "Type", "Size", "Time", "Waterfall")
COL_URL = COLUMNS.index("URL")
COL_WATERFALL = COLUMNS.index("Waterfall")
COL_POLICY = COLUMNS.index("Policy")
DEFAULT_MAX_ROWS = 100_000
FlowRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

_RED = QColor("#cf222e")
_ORANGE = QColor("#bc4c00")
_GREY = QColor("#6e7781")
_MOCKED = QColor("#eadcff")  # the network lab's colour: a mock (not a server) answered
REPLAY_MARK = "↻"


def size_text(n: int) -> str:
    """Bytes as people read them."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def flow_kind(flow: Flow) -> str:
    if isinstance(flow, SocketFlow):
        return "websocket"
    if isinstance(flow, TransferFlow):
        return "upload" if flow.api == "uploadFile" else "download"
    return "xhr"


def flow_status(flow: Flow) -> str:
    """What the Status column says."""
    if isinstance(flow, SocketFlow):
        if flow.state is SocketState.FAILED:
            return f"failed: {cell(flow.error_message)}"
        if flow.close_code is not None:
            return f"closed {flow.close_code}"
        return "101 open" if flow.state is SocketState.OPEN else flow.state.value
    if flow.error is not None:
        return f"({cell(flow.error_message)})"
    if flow.response is not None:
        return str(flow.response.status)
    return flow.state.value


def policy_text(flow: Flow) -> str:
    """What the Policy column says: the verdict, or ``mocked`` when a mock rule (or a HAR
    replay) answered; ``↻`` first for a request the window sent again."""
    text = "mocked" if flow.mocked is not None else flow.verdict.label
    return f"{REPLAY_MARK} {text}" if getattr(flow, "replayed", None) is not None else text


def policy_tooltip(flow: Flow) -> str:
    """The Policy cell's tooltip: the verdict, which rule answered, what was replayed."""
    lines = [f"policy: {flow.verdict.label}"
             + (f" ({cell(flow.verdict.reason, 300)})" if flow.verdict.reason else "")]
    if flow.mocked is not None:
        lines.append(f'mocked: answered by "{cell(flow.mocked, 300)}"')
    replayed = getattr(flow, "replayed", None)
    if replayed is not None:
        lines.append(f"replay of #{replayed} (sent from the window, not by the app)")
    return "\n".join(lines)


def flow_size(flow: Flow) -> int:
    if isinstance(flow, SocketFlow):
        return flow.bytes_sent + flow.bytes_received
    if isinstance(flow, TransferFlow):
        return flow.bytes_done
    return flow.response.body.size if flow.response else 0


def flow_url(flow: Flow) -> str:
    return flow.url if isinstance(flow, SocketFlow) else flow.request.url


def flow_method(flow: Flow) -> str:
    return "WS" if isinstance(flow, SocketFlow) else flow.request.method


def flow_time(flow: Flow) -> float | None:
    t = flow.timings
    return None if t.done is None else t.done - t.created


class FlowTableModel(RowsTableModel):
    """One row per flow. :meth:`add` and :meth:`touch` only queue; :meth:`commit` applies
    the queue with one ranged insert, one ranged remove and one dataChanged."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        self._row_of: dict[int, int] = {}  # flow id -> absolute index (offset by _base)
        self._base = 0  # rows dropped so far
        self._pending: list[Flow] = []
        self._touched: set[int] = set()
        self.t0: float | None = None  # waterfall origin
        self.t1: float = 0.0

    # ---- feeding ----------------------------------------------------------------------------
    def add(self, flow: Flow) -> None:
        """Queue a new flow."""
        self._pending.append(flow)

    def touch(self, flow: Flow) -> None:
        """Queue a repaint of a flow's row (it changed)."""
        self._touched.add(flow.id)

    def commit(self) -> None:
        """Apply what was queued."""
        if self._pending:
            new = [f for f in self._pending if f.id not in self._row_of]
            self._pending = []
            if new:
                first = len(self.rows)
                self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
                for flow in new:
                    self._row_of[flow.id] = self._base + len(self.rows)
                    self.rows.append(flow)
                    self._extend_span(flow)
                self.endInsertRows()
            overflow = len(self.rows) - self.max_rows
            if overflow > 0:
                self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
                for flow in self.rows[:overflow]:
                    self._row_of.pop(flow.id, None)
                del self.rows[:overflow]
                self._base += overflow
                self.endRemoveRows()
        if self._touched:
            rows = [self._row_of[i] - self._base for i in self._touched if i in self._row_of]
            self._touched.clear()
            if rows:
                self.t1 = max(self.t1, time.time())  # a touched flow moved on: now
            if rows:
                self.dataChanged.emit(self.index(min(rows), 0),
                                      self.index(max(rows), len(COLUMNS) - 1))

    def clear(self) -> None:
        """Forget every row."""
        self.beginResetModel()
        self.rows.clear()
        self._row_of.clear()
        self._pending.clear()
        self._touched.clear()
        self._base = 0
        self.t0 = None
        self.t1 = 0.0
        self.endResetModel()

    def _extend_span(self, flow: Flow) -> None:
        t = flow.timings
        if self.t0 is None or t.created < self.t0:
            self.t0 = t.created
        self.t1 = max(self.t1, t.done or time.time())

    def flow_at(self, row: int) -> Flow:
        """The flow shown on a row."""
        return self.rows[row]

    def row_of(self, flow_id: int) -> int | None:
        """The row of a flow, if it is still kept."""
        i = self._row_of.get(flow_id)
        return None if i is None else i - self._base

    # ---- QAbstractTableModel ------------------------------------------------------------------
    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        flow = self.row_at(index)
        if flow is None:
            return None
        col = index.column()
        if role == FlowRole:
            return flow
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(flow, col)
        if role == SortRole:
            return self._sort_key(flow, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if flow.error is not None or (isinstance(flow, SocketFlow)
                                          and flow.state is SocketState.FAILED):
                return QBrush(_RED)
            if not isinstance(flow, SocketFlow) and flow.response is not None \
                    and flow.response.status >= 400:
                return QBrush(_ORANGE)
            if not isinstance(flow, SocketFlow) and flow.state is FlowState.QUEUED:
                return QBrush(_GREY)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_URL:
            return cell(flow_url(flow), 2000)
        if col == COL_POLICY and flow.mocked is not None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return policy_tooltip(flow)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(_MOCKED)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_POLICY:
            return policy_tooltip(flow)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 7, 8):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, flow: Flow, col: int) -> str | None:
        if col == 0:
            return str(flow.id)
        if col == 1:
            return flow.api
        if col == 2:
            return flow_method(flow)
        if col == 3:
            # A cell shows a few hundred characters; a delegate measuring a 1 MB URL on
            # every paint would stall the table.
            url = flow_url(flow)
            return url if len(url) <= CELL_CHARS else cell(url)
        if col == 4:
            return flow_status(flow)
        if col == COL_POLICY:
            return policy_text(flow)
        if col == 6:
            return flow_kind(flow)
        if col == 7:
            return size_text(flow_size(flow))
        if col == 8:
            took = flow_time(flow)
            return "…" if took is None else f"{took * 1000:.0f} ms"
        return None

    def _sort_key(self, flow: Flow, col: int) -> Any:
        if col in (0, COL_WATERFALL):
            return flow.id
        if col == 7:
            return flow_size(flow)
        if col == 8:
            return flow_time(flow) or 0.0
        return self._display(flow, col) or ""
