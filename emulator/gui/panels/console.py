"""The app's console: levels in colour, file:line for errors, a filter, and a JS input.

A message may be megabytes (a logged response, a deep stack). Each is shown as a preview
(CONSOLE_CHARS characters, CONSOLE_LINES lines) with a "show all" link that opens the
whole text in a viewer; messages are drawn a time-boxed slice at a time, so neither a
5 MB line nor a flood of lines holds the event loop.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PyQt6.QtGui import QColor, QFont, QGuiApplication, QMouseEvent, QTextCharFormat, QTextCursor
from PyQt6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emulator.flows.events import (
    AccountCall,
    ConsoleMessage,
    Event,
    LoadProblem,
    UiRequest,
    UncaughtError,
    UncaughtErrorRepeated,
)
from emulator.gui.bigtext import (
    CELL_CHARS,
    CONSOLE_CHARS,
    CONSOLE_LINES,
    cell,
    for_display,
    preview,
)
from emulator.gui.viewer import TextViewer, open_viewer

MAX_LINES = 20_000
# Characters of cut messages kept whole for "show all"; past it the oldest keep only their
# preview (the console is a window, not the app's memory).
FULL_TEXT_BUDGET = 32 * 1024 * 1024
RENDER_BUDGET_S = 0.008  # drawing per event-loop turn; what is left waits for the next
SHOW_ALL = "show-all:"  # link target of a cut message: SHOW_ALL + its serial
COLORS = {"log": "#1f2328", "info": "#0969da", "debug": "#6e7781", "warn": "#9a6700",
          "error": "#cf222e", "input": "#8250df", "result": "#1f2328", "ui": "#1a7f37",
          "account": "#1b7c83"}
LEVELS = ("all levels", "log", "info", "debug", "warn", "error", "account")
_GREY = QColor("#6e7781")
_LINK = QColor("#0969da")


@dataclass(eq=False)
class Line:
    level: str
    text: str  # all of the message, or its preview once FULL_TEXT_BUDGET dropped the rest
    where: str | None = None
    where_in_text: bool = False  # the text names the location already: not repeated
    repeats: str = ""  # "×486, 18:00:01–18:00:11" once the same error happened again
    serial: int = 0  # its number in the console (the text blocks showing it carry it)
    total: int = -1  # characters in the message as it arrived

    def __post_init__(self) -> None:
        if self.total < 0:
            self.total = len(self.text)

    @property
    def whole(self) -> bool:
        """Whether all of the message is kept."""
        return len(self.text) == self.total


class ConsolePanel(QWidget):
    """Appends in time-boxed slices; the input line evaluates JavaScript in the app."""

    def __init__(self, evaluate: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evaluate = evaluate
        self.lines: list[Line] = []
        self._errors: dict[tuple[object, ...], Line] = {}  # uncaught error -> its line
        self._serials = itertools.count(1)
        self._held: deque[Line] = deque()  # cut messages kept whole, oldest first
        self._held_chars = 0
        # To draw, in order; a flood keeps only what the view would keep anyway.
        self._queue: deque[Line] = deque(maxlen=MAX_LINES)
        self._started = False  # the document has a line (the next one starts a block)
        self.viewer: TextViewer | None = None  # the last one opened
        self.view = QPlainTextEdit(readOnly=True)
        self.view.setMaximumBlockCount(MAX_LINES)
        self.view.setUndoRedoEnabled(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(
            lambda pos: self.menu_at(pos).exec(self.view.mapToGlobal(pos)))
        viewport = self.view.viewport()
        assert viewport is not None
        viewport.setMouseTracking(True)  # the hand over a "show all" link
        viewport.installEventFilter(self)
        self._render_timer = QTimer(self, interval=0)
        self._render_timer.timeout.connect(self._drain)
        self.level = QComboBox()
        self.level.addItems(LEVELS)
        self.filter = QLineEdit(placeholderText="Filter console…", clearButtonEnabled=True)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.clear)
        self.level.currentTextChanged.connect(lambda _t: self._rerender())
        self.filter.textChanged.connect(lambda _t: self._rerender())
        self.input = QLineEdit(placeholderText="› evaluate JavaScript in the app (Enter)")
        self.input.returnPressed.connect(self._run_input)
        bar = QHBoxLayout()
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.level)
        bar.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        layout.addWidget(self.input)

    # ---- taking messages ----------------------------------------------------------------------
    def take(self, events: list[Event]) -> None:
        """Add the console-worthy events of a batch; an uncaught error that happens again
        updates its line (×N, first and last time) instead of adding one per throw."""
        new = []
        for e in _last_lines(events):
            if isinstance(e, ConsoleMessage):
                new.append(Line(e.level, e.text, e.location))
            elif isinstance(e, UncaughtError):
                err = e.error
                text = f"Uncaught {err.message}" + (f" (in {e.where})" if e.where else "")
                if err.stack:
                    text += "\n" + "\n".join("    " + s.strip() for s in err.stack.splitlines()
                                             if s.strip())
                line = Line("error", text, err.location)
                self._errors[_error_key(e.error, e.where)] = line
                new.append(line)
            elif isinstance(e, UncaughtErrorRepeated):
                known = self._errors.get(_error_key(e.error, e.where))
                if known is not None:
                    span = f"{_clock(e.first)}–{_clock(e.last)}"
                    known.repeats = f"×{e.count}, {span}"
                    self._redraw(known)
            elif isinstance(e, LoadProblem):
                # Worded as the headless runner prints it, so a log reads the same in both.
                new.append(Line("error", f"[error] {e.file}: {e.message}", e.file or None,
                                where_in_text=True))
            elif isinstance(e, AccountCall):
                new.append(Line("account", f"[account] {e.api}: {e.summary}"))
            elif isinstance(e, UiRequest) and e.kind in ("showToast", "showModal"):
                new.append(Line("ui", f"[{e.kind}] {e.options.get('title', '')}"))
        if new:
            self._add(new)

    def _add(self, lines: list[Line]) -> None:
        for line in lines:
            line.serial = next(self._serials)
            if line.total > CONSOLE_CHARS:
                self._held.append(line)
                self._held_chars += line.total
        self.lines.extend(lines)
        del self.lines[:-MAX_LINES]
        first = self.lines[0].serial
        while self._held and (self._held[0].serial < first or (
                self._held_chars > FULL_TEXT_BUDGET and len(self._held) > 1)):
            old = self._held.popleft()
            self._held_chars -= old.total
            old.text = preview(old.text, CONSOLE_CHARS, CONSOLE_LINES).text
        visible = self._filter()
        self._queue.extend(x for x in lines if visible(x))
        self._drain()

    def line(self, serial: int) -> Line | None:
        """The message with this serial, if still kept."""
        i = bisect.bisect_left(self.lines, serial, key=lambda x: x.serial)
        return self.lines[i] if i < len(self.lines) and self.lines[i].serial == serial else None

    def _filter(self) -> Callable[[Line], bool]:
        """Whether a line passes the level and text filters (read once, not per line)."""
        level = self.level.currentText()
        needle = self.filter.text().lower()
        any_level = level == LEVELS[0]
        return lambda line: ((any_level or line.level == level)
                             and (not needle or needle in line.text.lower()))

    # ---- drawing --------------------------------------------------------------------------
    def _drain(self) -> None:
        """Draw queued lines until RENDER_BUDGET_S is spent; the rest on the next turn."""
        deadline = time.perf_counter() + RENDER_BUDGET_S
        bar = self.view.verticalScrollBar()
        follow = bar is None or bar.value() >= bar.maximum() - 2  # stay at the bottom
        doc = self.view.document()
        assert doc is not None
        cursor = QTextCursor(doc)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.beginEditBlock()
        while self._queue:
            line = self._queue.popleft()
            if self._started:
                cursor.insertBlock()
            self._started = True
            self._draw(cursor, line)
            if time.perf_counter() > deadline:
                break
        cursor.endEditBlock()
        if follow and bar is not None:
            bar.setValue(bar.maximum())
        if self._queue:
            self._render_timer.start()
        else:
            self._render_timer.stop()

    def _draw(self, cursor: QTextCursor, line: Line) -> None:
        """One message at ``cursor``: its preview (a block per line, each marked with its
        serial), a "show all" link when cut, the ×N badge and where it came from."""
        color = QColor(COLORS.get(line.level, "#1f2328"))
        text = QTextCharFormat()
        text.setForeground(color)
        shown = preview(line.text, CONSOLE_CHARS, CONSOLE_LINES)
        for i, row in enumerate(for_display(shown.text).split("\n")):
            if i:
                cursor.insertBlock()
            cursor.insertText(row, text)
            cursor.block().setUserState(line.serial)
        plain = QTextCharFormat()
        if shown.cut:
            link = QTextCharFormat()
            link.setAnchor(True)
            link.setAnchorHref(f"{SHOW_ALL}{line.serial}")
            link.setForeground(_LINK)
            link.setFontUnderline(True)
            cursor.insertText(" ", plain)
            cursor.insertText(f"{shown.more} — show all", link)
        elif not line.whole:
            grey = QTextCharFormat()
            grey.setForeground(_GREY)
            cursor.insertText(f" … ({line.total:,} characters; the rest was not kept)", grey)
        if line.repeats:
            badge = QTextCharFormat()
            badge.setForeground(QColor("#ffffff"))
            badge.setBackground(color)
            badge.setFontWeight(QFont.Weight.Bold)
            cursor.insertText(" ", plain)
            cursor.insertText(f" {line.repeats} ", badge)
        if line.where and not line.where_in_text:
            grey = QTextCharFormat()
            grey.setForeground(_GREY)
            cursor.insertText(f" ({cell(line.where, CELL_CHARS)})", grey)

    def _redraw(self, line: Line) -> None:
        """Draw a shown message again in place (its badge changed)."""
        doc = self.view.document()
        assert doc is not None
        block = doc.lastBlock()
        while block.isValid() and block.userState() != line.serial:
            block = block.previous()  # the line is recent, or not shown (queued, filtered)
        if not block.isValid():
            return
        last = block
        while block.previous().isValid() and block.previous().userState() == line.serial:
            block = block.previous()
        cursor = QTextCursor(doc)
        cursor.setPosition(block.position())
        cursor.setPosition(last.position() + last.length() - 1,
                           QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        self._draw(cursor, line)
        cursor.endEditBlock()

    def _rerender(self) -> None:
        self.view.clear()
        self._started = False
        visible = self._filter()
        self._queue = deque((x for x in self.lines if visible(x)), maxlen=MAX_LINES)
        self._drain()

    def clear(self) -> None:
        self.lines.clear()
        self._errors.clear()
        self._held.clear()
        self._held_chars = 0
        self._queue.clear()
        self._started = False
        self.view.clear()

    # ---- acting on a message -----------------------------------------------------------------
    def line_at(self, pos: QPoint) -> Line | None:
        """The message drawn at ``pos`` (view coordinates), if any."""
        serial = self.view.cursorForPosition(pos).block().userState()
        return self.line(serial) if serial > 0 else None

    def show_all(self, line: Line) -> TextViewer:
        """All of a message in a viewer window."""
        title = f"Console {line.level}: {line.total:,} characters"
        if not line.whole:
            title += f" (the first {len(line.text):,} were kept)"
        self.viewer = open_viewer(self, title, line.text)
        return self.viewer

    def copy(self, line: Line) -> None:
        """All of a message to the clipboard (not only what is shown)."""
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(line.text)

    def menu_at(self, pos: QPoint) -> QMenu:
        """The context menu at ``pos``: the usual copy/select, then the message's own."""
        menu = self.view.createStandardContextMenu(pos)
        assert menu is not None
        line = self.line_at(pos)
        if line is not None:
            menu.addSeparator()
            show = menu.addAction(f"Show all of this message ({line.total:,} characters)…",
                                  lambda: self.show_all(line))
            if show is not None:  # off when the preview is all there is (or was kept)
                show.setEnabled(preview(line.text, CONSOLE_CHARS, CONSOLE_LINES).cut)
            menu.addAction("Copy this message", lambda: self.copy(line))
        return menu

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        # A click on a "show all" link opens the viewer; the pointer says it is a link.
        if event is not None and event.type() in (QEvent.Type.MouseButtonRelease,
                                                  QEvent.Type.MouseMove) \
                and isinstance(event, QMouseEvent):
            href = self.view.anchorAt(event.position().toPoint())
            on_link = href.startswith(SHOW_ALL)
            viewport = self.view.viewport()
            if viewport is not None:
                viewport.setCursor(Qt.CursorShape.PointingHandCursor if on_link
                                   else Qt.CursorShape.IBeamCursor)
            if on_link and event.type() == QEvent.Type.MouseButtonRelease \
                    and event.button() == Qt.MouseButton.LeftButton:
                line = self.line(int(href[len(SHOW_ALL):]))
                if line is not None:
                    self.show_all(line)
                    return True
        return super().eventFilter(watched, event)

    def _run_input(self) -> None:
        source = self.input.text().strip()
        if not source:
            return
        self.input.clear()
        result = self.evaluate(source)
        level = "error" if result.startswith("Uncaught ") else "result"
        self._add([Line("input", f"› {source}"), Line(level, result)])


def _makes_line(e: Event) -> bool:
    return isinstance(e, (ConsoleMessage, UncaughtError, LoadProblem, AccountCall)) or (
        isinstance(e, UiRequest) and e.kind in ("showToast", "showModal"))


def _last_lines(events: list[Event]) -> list[Event]:
    """The tail of a batch that makes its last MAX_LINES lines: the lines before would be
    dropped as soon as made (a loop logging 100,000 times), and so would any older line a
    repeat in that part could update."""
    if len(events) <= MAX_LINES:
        return events
    made = 0
    for i in range(len(events) - 1, -1, -1):
        if _makes_line(events[i]):
            made += 1
            if made == MAX_LINES:
                return events[i:]
    return events


def _error_key(error: object, where: str) -> tuple[object, ...]:
    e = error
    return (getattr(e, "message", ""), getattr(e, "file", None), getattr(e, "line", None),
            getattr(e, "column", None), where)


def _clock(t: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(t))
