"""Showing big text without freezing the window: a text pane filled a slice at a time in
rows Qt lays out quickly, the viewer window that shows all of a text on demand, and the
details pane that shows a preview with *Show all* and *Copy all*."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from PyQt6.QtCore import QMimeData, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QGuiApplication, QTextCursor
from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emulator.gui.bigtext import DETAIL_CHARS, ROW_CHARS, RowBreaker, preview, slices

Source = str | Iterable[str]  # a text, or its pieces in order (read as they are shown)
FILL_BUDGET_S = 0.010  # of one step filling a pane: the event loop gets the rest


class LongTextEdit(QPlainTextEdit):
    """Read-only text in rows of at most ROW_CHARS characters (a longer line is broken for
    the eye only: a copy gives the line back whole), filled in steps of FILL_BUDGET_S so
    that megabytes never hold the event loop."""

    filled = pyqtSignal()  # the whole source is shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)  # an undo stack would keep a copy of every slice
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._fill)
        self._breaker = RowBreaker()
        self._source: Iterator[str] | None = None
        self._parts: list[str] = []  # the text read so far, as read
        self._shown = 0  # parts given to the document

    def show_text(self, source: Source) -> None:
        """Show ``source`` instead of what is shown: a small text at once, a big one (or
        pieces) over the next event-loop turns."""
        self._timer.stop()
        self._breaker = RowBreaker()
        self._parts, self._shown = [], 0
        if isinstance(source, str) and len(source) <= ROW_CHARS * 64:
            self._source = None
            self._parts.append(source)
            self._shown = 1
            self.setPlainText(self._breaker.feed(source))
            self.filled.emit()
            return
        self.clear()
        self._source = slices(source) if isinstance(source, str) else iter(source)
        self._fill()  # the first slice shows now, the rest as the loop allows

    @property
    def broken_rows(self) -> int:
        """How many rows end where the text has no line end (long lines broken)."""
        return len(self._breaker.soft)

    @property
    def complete(self) -> bool:
        """Whether all of the text is in the pane."""
        return self._source is None and self._shown == len(self._parts)

    def full_text(self) -> str:
        """All of the text, as given (what was not read yet is read now)."""
        if self._source is not None:
            self._parts.extend(self._source)
            self._source = None
        return "".join(self._parts)

    def _next_part(self) -> str | None:
        if self._shown < len(self._parts):
            part = self._parts[self._shown]
        else:
            part = next(self._source, None) if self._source is not None else None
            if part is None:
                self._source = None
                return None
            self._parts.append(part)
        self._shown += 1
        return part

    def _fill(self) -> None:
        deadline = time.perf_counter() + FILL_BUDGET_S
        doc = self.document()
        assert doc is not None
        cursor = QTextCursor(doc)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        while True:
            part = self._next_part()
            if part is None:
                self._timer.stop()
                self.filled.emit()
                return
            cursor.insertText(self._breaker.feed(part))
            if time.perf_counter() > deadline:
                self._timer.start()
                return

    def text_between(self, start: int, end: int) -> str:
        """The text from document position ``start`` to ``end``, with the rows a long
        line was broken into joined again."""
        doc = self.document()
        assert doc is not None
        if start == 0 and end >= doc.characterCount() - 1 and self.complete:
            return self.full_text()
        soft = self._breaker.soft
        pieces: list[str] = []
        cursor = QTextCursor(doc)
        block = doc.findBlock(start)
        while block.isValid() and block.position() <= end:
            row_end = block.position() + block.length() - 1
            cursor.setPosition(max(start, block.position()))
            cursor.setPosition(min(end, row_end), QTextCursor.MoveMode.KeepAnchor)
            pieces.append(cursor.selectedText())
            if row_end < end and block.blockNumber() not in soft:
                pieces.append("\n")
            block = block.next()
        return "".join(pieces)

    def createMimeDataFromSelection(self) -> QMimeData | None:
        cursor = self.textCursor()
        data = QMimeData()
        data.setText(self.text_between(cursor.selectionStart(), cursor.selectionEnd()))
        return data


class TextViewer(QDialog):
    """All of a big text in a window of its own, filled as the event loop allows."""

    def __init__(self, title: str, source: Source, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(900, 650)
        self.text = LongTextEdit()
        self.info = QLabel("loading…")
        self.info.setStyleSheet("color:#57606a")
        wrap = QCheckBox("Wrap rows", checked=True)
        wrap.toggled.connect(lambda on: self.text.setLineWrapMode(
            QPlainTextEdit.LineWrapMode.WidgetWidth if on
            else QPlainTextEdit.LineWrapMode.NoWrap))
        self.copy_button = QPushButton("Copy all")
        self.copy_button.clicked.connect(self.copy_all)
        bar = QHBoxLayout()
        bar.addWidget(self.info, 1)
        bar.addWidget(wrap)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(bar)
        self.text.filled.connect(self._filled)
        self.text.show_text(source)

    def _filled(self) -> None:
        total = len(self.text.full_text())
        note = f"{total:,} characters"
        if self.text.broken_rows:
            note += (f" · lines longer than {ROW_CHARS:,} characters are shown in rows; "
                     "copying gives them back whole")
        self.info.setText(note)

    def full_text(self) -> str:
        """All of the text shown."""
        return self.text.full_text()

    def copy_all(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.full_text())


def open_viewer(parent: QWidget, title: str, source: Source) -> TextViewer:
    """Show ``source`` in a new viewer window (closed with its parent window)."""
    viewer = TextViewer(title, source, parent.window())
    viewer.show()
    viewer.raise_()
    return viewer


class PreviewText(QWidget):
    """A details pane: the first DETAIL_CHARS characters of a text; when that is not all,
    a note with *Show all* (a viewer) and *Copy all*."""

    def __init__(self, title: str = "text", wrap: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.edit = LongTextEdit()
        if not wrap:
            self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.note = QLabel()
        self.note.setStyleSheet("color:#9a6700")
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.clicked.connect(self.show_all)
        self.copy_button = QPushButton("Copy all")
        self.copy_button.clicked.connect(self.copy_all)
        self.bar = QWidget()
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(2, 0, 2, 0)
        bar.addWidget(self.note, 1)
        bar.addWidget(self.show_all_button)
        bar.addWidget(self.copy_button)
        self.bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.bar)
        layout.addWidget(self.edit, 1)
        self._full: Callable[[], Source] = str
        self.viewer: TextViewer | None = None  # the last one opened

    def set_text(self, text: str, *, title: str | None = None,
                 full: Callable[[], Source] | None = None, note: str = "") -> None:
        """Show the start of ``text``. ``full`` gives all of it when it is not ``text``
        itself (a hex dump made as the viewer reads it); ``note`` says what else is
        missing (the preview's own cut is said after it)."""
        if title is not None:
            self.title = title
        shown = preview(text, DETAIL_CHARS)
        self._full = full if full is not None else (lambda: text)
        cut = shown.cut or full is not None
        self.edit.show_text(shown.text + ("\n" + shown.more if shown.cut else ""))
        self.note.setText(" · ".join(x for x in (note, shown.more.lstrip("… ")) if x))
        self.bar.setVisible(cut or bool(note))
        self.show_all_button.setVisible(cut)
        self.copy_button.setVisible(cut)

    @property
    def is_cut(self) -> bool:
        """Whether *Show all* would show more than the pane does."""
        return self.show_all_button.isVisibleTo(self)

    def full_text(self) -> str:
        """All of the text (not only the preview)."""
        source = self._full()
        return source if isinstance(source, str) else "".join(source)

    def show_all(self) -> TextViewer:
        """The whole text in a viewer window."""
        self.viewer = open_viewer(self, self.title, self._full())
        return self.viewer

    def copy_all(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.full_text())

    # What a QPlainTextEdit in its place answered (callers and tests read panes so).
    def toPlainText(self) -> str:
        return self.edit.toPlainText()

    def setPlainText(self, text: str) -> None:
        self.set_text(text)

    def clear(self) -> None:
        self.set_text("")
