"""The network panel: every request, upload, download and socket, filterable, with details."""

from __future__ import annotations

import itertools
import json
import shlex
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from PyQt6.QtCore import QModelIndex, QPoint, QRect, QSortFilterProxyModel, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPixmap
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from emulator.flows.flow import Body, HttpFlow, SocketFlow, header
from emulator.flows.har import as_text
from emulator.gui.bigtext import (
    HEX_PREVIEW_BYTES,
    cell,
    decoded_head,
    hexdump,
    hexdump_rows,
)
from emulator.gui.json_tree import JsonTree
from emulator.gui.models.flow_table import (
    COL_URL,
    COL_WATERFALL,
    FlowRole,
    FlowTableModel,
    SortRole,
    flow_url,
)
from emulator.gui.panels.network_lab import LabActions
from emulator.gui.viewer import PreviewText

ROW_HEIGHT = 22
# Bodies up to this many characters are parsed into a JSON tree (json.loads takes about
# 10 ms per MB, at once); bigger ones are shown as text.
JSON_TREE_CHARS = 2 * 1024 * 1024
FRAMES_LISTED = 500  # a socket's last frames in the Frames tab
STATUS_CLASSES = ("all statuses", "2xx", "3xx", "4xx", "5xx", "failed")
APIS = ("all APIs", "request", "uploadFile", "downloadFile", "connectSocket")


class FlowFilter(QSortFilterProxyModel):
    """Text, API, status class and "refused only"; sorting only when a header is clicked."""

    @property
    def active(self) -> bool:
        """Whether any filter is set (if not, every row passes without a look)."""
        return bool(self.text) or self.refused_only or self.api != APIS[0] \
            or self.status != STATUS_CLASSES[0]

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.api = APIS[0]
        self.status = STATUS_CLASSES[0]
        self.refused_only = False
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(False)  # no live re-sorting of 100k rows

    def set(self, **kw: Any) -> None:
        for k, v in kw.items():
            setattr(self, k, v)
        self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        if not self.active:
            return True
        flow = self.sourceModel().index(row, 0, parent).data(FlowRole)
        if flow is None:
            return False
        if self.refused_only and flow.verdict.label != "refused":
            return False
        if self.api != APIS[0] and flow.api != self.api:
            return False
        if self.status != STATUS_CLASSES[0]:
            failed = flow.error is not None
            if self.status == "failed":
                if not failed:
                    return False
            else:
                code = getattr(getattr(flow, "response", None), "status", None)
                if code is None or str(code)[0] != self.status[0]:
                    return False
        return not self.text or self.text.lower() in flow_url(flow).lower()


class WaterfallDelegate(QStyledItemDelegate):
    """Draws each flow's span (queued part grey, then blue) on a shared time axis."""

    def __init__(self, model: FlowTableModel) -> None:
        super().__init__()
        self.model = model

    def paint(self, painter: QPainter | None, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        super().paint(painter, option, index)
        flow = index.data(FlowRole)
        t0, t1 = self.model.t0, self.model.t1
        if painter is None or flow is None or t0 is None or t1 <= t0:
            return
        rect: QRect = option.rect.adjusted(2, 5, -2, -5)
        span = t1 - t0
        t = flow.timings
        end = t.done or t1

        def x(ts: float) -> int:
            return rect.left() + int((ts - t0) / span * rect.width())

        sent = t.sent or end
        painter.fillRect(QRect(x(t.created), rect.top(), max(1, x(sent) - x(t.created)),
                               rect.height()), QColor("#c8ccd1"))
        color = QColor("#cf222e") if flow.error is not None else QColor("#2f81f7")
        painter.fillRect(QRect(x(sent), rect.top(), max(2, x(end) - x(sent)), rect.height()),
                         color)


class UrlDelegate(QStyledItemDelegate):
    """The URL with its host in bold: where the request really goes, at a glance."""

    def paint(self, painter: QPainter | None, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        url = str(index.data() or "")
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        if painter is None or style is None:
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        scheme, sep, rest = url.partition("://")
        host, slash, path = rest.partition("/")
        parts = [(scheme + sep, False), (host, True), (slash + path, False)] if sep else \
            [(url, False)]
        rect = option.rect.adjusted(4, 0, -4, 0)
        painter.save()
        painter.setClipRect(rect)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if brush is not None:
            painter.setPen(brush.color())
        x = rect.left()
        for text, bold in parts:
            font = QFont(opt.font)
            font.setBold(bold)
            painter.setFont(font)
            width = QFontMetrics(font).horizontalAdvance(text)
            painter.drawText(QRect(x, rect.top(), width + 2, rect.height()),
                             int(Qt.AlignmentFlag.AlignVCenter), text)
            x += width
        painter.restore()


def _headers_text(headers: list[tuple[str, str]]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in headers) or "(none)"


def curl_command(flow: HttpFlow) -> str:
    """The request as a cURL command line."""
    parts = ["curl", "-X", flow.request.method, shlex.quote(flow.request.url)]
    for k, v in flow.request.headers:
        if k.lower() not in ("host", "content-length"):
            parts += ["-H", shlex.quote(f"{k}: {v}")]
    body = bytes(flow.request.body.data)
    if body:
        text = as_text(body, header(flow.request.headers, "content-type") or "")
        parts += ["--data-binary", shlex.quote(text if text is not None else body.hex())]
    return " ".join(parts)


class BodyView(QStackedWidget):
    """A body as JSON tree, image, text or hex, whichever fits; text and hex as a bounded
    preview with *Show all*."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.text = PreviewText(title, wrap=False)
        self.tree = JsonTree()
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        for w in (self.text, self.tree, self.image):
            self.addWidget(w)

    def show_body(self, body: Body | None, mime: str) -> None:
        if body is None or body.size == 0:
            self.text.set_text("(empty)")
            self.setCurrentWidget(self.text)
            return
        data = bytes(body.data)
        kept = f"{len(data):,} of {body.size:,} bytes kept" if body.truncated else ""
        if mime.startswith("image/"):
            pix = QPixmap()
            if pix.loadFromData(data):
                self.image.setPixmap(pix.scaled(320, 320, Qt.AspectRatioMode.KeepAspectRatio))
                self.setCurrentWidget(self.image)
                return
        text = as_text(data, mime)
        if text is None:
            cut = len(data) > HEX_PREVIEW_BYTES
            self.text.set_text(hexdump(data, HEX_PREVIEW_BYTES), title=f"{self.title} (hex)",
                               full=(lambda: hexdump_rows(data)) if cut else None,
                               note=_note(kept, f"first {HEX_PREVIEW_BYTES:,} of "
                                                f"{len(data):,} bytes shown" if cut else ""))
            self.setCurrentWidget(self.text)
            return
        looks_json = text.lstrip()[:1] in ("{", "[")
        if looks_json and len(text) <= JSON_TREE_CHARS:
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, (dict, list)):
                self.tree.load(parsed, expand_depth=2)  # the top level and the next open
                self.setCurrentWidget(self.tree)
                return
        self.text.set_text(text, title=self.title, note=_note(
            kept, "too big for a JSON tree" if looks_json and len(text) > JSON_TREE_CHARS
            else ""))
        self.setCurrentWidget(self.text)


def lab_note(flow: HttpFlow | SocketFlow) -> str:
    """What the network lab did to a flow, for the details: which mock rule answered,
    which flow it replays (empty for an ordinary flow)."""
    lines = []
    if flow.mocked is not None:
        lines.append(f'mocked    answered by mock rule "{cell(flow.mocked, 300)}"')
    replayed = getattr(flow, "replayed", None)
    if replayed is not None:
        lines.append(f"replayed  a replay of #{replayed}, sent from the window")
    return "\n".join(lines)


def _note(*parts: str) -> str:
    """What a body pane leaves out (the capture's cut, the preview's), in one line."""
    return " · ".join(p for p in parts if p)


class FlowDetails(QTabWidget):
    """Headers, payload, response, timing and frames of the selected flow."""

    def __init__(self) -> None:
        super().__init__()
        self.headers = PreviewText("Headers")
        self.query = QLabel(wordWrap=True)
        self.query.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.payload = BodyView("Request body")
        payload = QWidget()
        payload_layout = QVBoxLayout(payload)
        payload_layout.setContentsMargins(0, 0, 0, 0)
        payload_layout.addWidget(self.query)
        payload_layout.addWidget(self.payload, 1)
        self.response = BodyView("Response body")
        self.timing = PreviewText("Timing")
        self.frames = PreviewText("Frames", wrap=False)
        self.addTab(self.headers, "Headers")
        self.addTab(payload, "Payload")
        self.addTab(self.response, "Response")
        self.addTab(self.timing, "Timing")
        self.addTab(self.frames, "Frames")
        self.flow: HttpFlow | SocketFlow | None = None

    def show_flow(self, flow: HttpFlow | SocketFlow | None) -> None:
        self.flow = flow
        if flow is None:
            for w in (self.headers, self.timing, self.frames):
                w.clear()
            return
        t = flow.timings
        timing = [f"created   {t.created:.3f}", f"queued    {t.queued_s * 1000:.1f} ms"]
        if t.sent and t.first_byte:
            timing.append(f"waiting   {(t.first_byte - t.sent) * 1000:.1f} ms (to first byte)")
        if t.first_byte and t.done:
            timing.append(f"receiving {(t.done - t.first_byte) * 1000:.1f} ms")
        if t.total_s is not None:
            timing.append(f"total     {t.total_s * 1000:.1f} ms")
        timing.append(f"policy    {flow.verdict.label}"
                      + (f" ({cell(flow.verdict.reason, 1000)})" if flow.verdict.reason else ""))
        if flow.connected_to:
            timing.append(f"connected {cell(flow.connected_to)} (host mapping)")
        lab = lab_note(flow)
        if lab:
            timing.append(lab)
        if flow.error is not None:
            timing.append(f"error     {cell(flow.error_message, 1000)}")
        self.timing.set_text("\n".join(timing))
        if isinstance(flow, SocketFlow):
            self.headers.set_text(
                f"GET {flow.url}\n\n── request ──\n{_headers_text(flow.request_headers)}"
                f"\n\n── response ──\n{_headers_text(flow.response_headers)}"
                + (f"\n\nclosed {flow.close_code} {flow.close_reason!r} by {flow.closed_by}"
                   if flow.close_code is not None else ""))
            frames = list(itertools.islice(reversed(flow.frames), FRAMES_LISTED))[::-1]
            lines = [f"{'↑' if f.direction == 'send' else '↓'} {f.size:>7} B  "
                     + (cell(decoded_head(f.data, 200), 200) if f.opcode == 1
                        else hexdump(f.data[:16]).split("\n")[0])
                     for f in frames]
            if flow.frames_dropped:
                lines.insert(0, f"({flow.frames_dropped} older frames dropped)")
            self.frames.set_text("\n".join(lines) or "(no frames)")
            self.payload.show_body(None, "")
            self.response.show_body(None, "")
            return
        resp = flow.response
        self.headers.set_text(
            (f"{lab}\n\n" if lab else "")
            + f"{flow.request.method} {flow.request.url}\n\n── request ──\n"
            f"{_headers_text(flow.request.headers)}\n\n── response ──\n"
            + (f"{resp.http_version} {resp.status} {resp.reason}\n{_headers_text(resp.headers)}"
               if resp else "(no response)"))
        params = parse_qsl(urlsplit(flow.request.url).query, keep_blank_values=True)
        self.query.setText("query: " + (cell("  ".join(f"{k} = {v}" for k, v in params), 1000)
                                         if params else "(none)"))
        self.payload.show_body(flow.request.body,
                               header(flow.request.headers, "content-type") or "")
        self.response.show_body(resp.body if resp else None,
                                header(resp.headers, "content-type") or "" if resp else "")
        self.frames.set_text("(not a socket)")


class NetworkPanel(QWidget):
    """Filter bar, the flow table and the details of the selected flow."""

    def __init__(self, model: FlowTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = FlowFilter()
        self.proxy.setSourceModel(model)
        self.search = QLineEdit(placeholderText="Filter URLs…", clearButtonEnabled=True)
        self.api = QComboBox()
        self.api.addItems(APIS)
        self.status = QComboBox()
        self.status.addItems(STATUS_CLASSES)
        self.refused = QCheckBox("refused only")
        self.count = QLabel()
        self.search.textChanged.connect(lambda t: self.proxy.set(text=t))
        self.api.currentTextChanged.connect(lambda t: self.proxy.set(api=t))
        self.status.currentTextChanged.connect(lambda t: self.proxy.set(status=t))
        self.refused.toggled.connect(lambda on: self.proxy.set(refused_only=on))
        bar = QHBoxLayout()
        for w in (self.search, self.api, self.status, self.refused, self.count):
            bar.addWidget(w)
        bar.setStretch(0, 1)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        # Sorted only when a header is clicked (no live sorting of 100k rows).
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        vh = self.table.verticalHeader()
        assert vh is not None
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        hh = self.table.horizontalHeader()
        assert hh is not None
        hh.setStretchLastSection(False)
        hh.setSectionsClickable(True)
        hh.sectionClicked.connect(self._sort_by)
        hh.setSectionResizeMode(COL_URL, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 40), (1, 86), (2, 52), (4, 96), (5, 96), (6, 66), (7, 62),
                           (8, 62), (COL_WATERFALL, 110)):
            self.table.setColumnWidth(col, width)
        self._waterfall = WaterfallDelegate(model)  # kept: the view does not own delegates
        self.table.setItemDelegateForColumn(COL_WATERFALL, self._waterfall)
        self._url_delegate = UrlDelegate(self.table)
        self.table.setItemDelegateForColumn(COL_URL, self._url_delegate)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        selection = self.table.selectionModel()
        assert selection is not None
        selection.currentRowChanged.connect(lambda cur, _prev: self._select(cur))

        self.details = FlowDetails()
        self.lab = LabActions(self)  # offered in the row menu once the window connects it
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split)

    def refresh(self, changed: set[int] | None = None) -> None:
        """After the model committed a batch: update the count, and the details when the
        flow they show changed (not on every batch: a big JSON tree would be rebuilt)."""
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown} / {total}" if shown != total else f"{total} flows")
        flow = self.details.flow
        if flow is not None and (changed is None or flow.id in changed):
            self.details.show_flow(flow)

    def _sort_by(self, column: int) -> None:
        order = Qt.SortOrder.AscendingOrder
        if self._sort and self._sort[0] == column and self._sort[1] == order:
            order = Qt.SortOrder.DescendingOrder
        self._sort = (column, order)
        hh = self.table.horizontalHeader()
        assert hh is not None
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(column, order)
        self.proxy.sort(column, order)

    def show_refused(self) -> None:
        """One click to the requests the policy refused."""
        self.refused.setChecked(True)

    def _select(self, index: QModelIndex) -> None:
        self.details.show_flow(index.data(FlowRole) if index.isValid() else None)

    def menu_for(self, index: QModelIndex) -> QMenu | None:
        """The context menu of a row (copies take the whole text, not what a cell shows)."""
        flow = index.data(FlowRole) if index.isValid() else None
        if flow is None:
            return None
        clipboard = QGuiApplication.clipboard()
        assert clipboard is not None
        menu = QMenu(self)
        menu.addAction("Copy URL", lambda: clipboard.setText(flow_url(flow)))
        if isinstance(flow, HttpFlow):
            menu.addAction("Copy as cURL", lambda: clipboard.setText(curl_command(flow)))
            if flow.response is not None:
                menu.addAction("Copy response",
                               lambda: clipboard.setText(flow.response.body.text()))
            if self.lab.connected:
                menu.addSeparator()
                menu.addAction("Replay", lambda: self.lab.replay(flow))
                menu.addAction("Edit and resend…", lambda: self.lab.edit_and_resend(flow))
                mock = menu.addAction("Mock this response",
                                      lambda: self.lab.mock_response(flow))
                if mock is not None and flow.response is None:
                    mock.setEnabled(False)
                    mock.setToolTip("the request has no response to copy")
        return menu

    def _menu(self, pos: QPoint) -> None:
        menu = self.menu_for(self.table.indexAt(pos))
        viewport = self.table.viewport()
        if menu is not None and viewport is not None:
            menu.exec(viewport.mapToGlobal(pos))
