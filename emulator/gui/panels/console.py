"""The app's console: levels in colour, file:line for errors, a filter, and a JS input."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
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

MAX_LINES = 20_000
COLORS = {"log": "#1f2328", "info": "#0969da", "debug": "#6e7781", "warn": "#9a6700",
          "error": "#cf222e", "input": "#8250df", "result": "#1f2328", "ui": "#1a7f37",
          "account": "#1b7c83"}
LEVELS = ("all levels", "log", "info", "debug", "warn", "error", "account")


@dataclass
class Line:
    level: str
    text: str
    where: str | None = None
    where_in_text: bool = False  # the text names the location already: not repeated
    repeats: str = ""  # "×486, 18:00:01–18:00:11" once the same error happened again


class ConsolePanel(QWidget):
    """Appends in batches; the input line evaluates JavaScript in the app."""

    def __init__(self, evaluate: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evaluate = evaluate
        self.lines: list[Line] = []
        self._errors: dict[tuple[object, ...], Line] = {}  # uncaught error -> its line
        self.view = QPlainTextEdit(readOnly=True)
        self.view.setMaximumBlockCount(MAX_LINES)
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

    def take(self, events: list[Event]) -> None:
        """Add the console-worthy events of a batch; an uncaught error that happens again
        updates its line (×N, first and last time) instead of adding one per throw."""
        new = []
        repeated = False
        for e in events:
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
                    repeated = True
            elif isinstance(e, LoadProblem):
                # Worded as the headless runner prints it, so a log reads the same in both.
                new.append(Line("error", f"[error] {e.file}: {e.message}", e.file or None,
                                where_in_text=True))
            elif isinstance(e, AccountCall):
                new.append(Line("account", f"[account] {e.api}: {e.summary}"))
            elif isinstance(e, UiRequest) and e.kind in ("showToast", "showModal"):
                new.append(Line("ui", f"[{e.kind}] {e.options.get('title', '')}"))
        if new:
            self.lines.extend(new)
            del self.lines[:-MAX_LINES]
        if repeated:
            self._rerender()  # at most every few seconds per error (UncaughtErrorRepeated)
        elif new:
            self._append(new)

    def _visible(self, line: Line) -> bool:
        level = self.level.currentText()
        if level != LEVELS[0] and line.level != level:
            return False
        needle = self.filter.text().lower()
        return not needle or needle in line.text.lower()

    def _html(self, line: Line) -> str:
        color = COLORS.get(line.level, "#1f2328")
        where = (f' <span style="color:#6e7781">({html.escape(line.where)})</span>'
                 if line.where and not line.where_in_text else "")
        body = html.escape(line.text).replace("\n", "<br>").replace("  ", "&nbsp;&nbsp;")
        badge = (f' <b style="color:#ffffff;background:{color}">&nbsp;{html.escape(line.repeats)}'
                 "&nbsp;</b>" if line.repeats else "")
        return f'<span style="color:{color}">{body}</span>{badge}{where}'

    def _append(self, lines: list[Line]) -> None:
        shown = [self._html(x) for x in lines if self._visible(x)]
        if shown:
            self.view.appendHtml("<br>".join(shown))

    def _rerender(self) -> None:
        self.view.clear()
        self._append(self.lines)

    def clear(self) -> None:
        self.lines.clear()
        self._errors.clear()
        self.view.clear()

    def _run_input(self) -> None:
        source = self.input.text().strip()
        if not source:
            return
        self.input.clear()
        result = self.evaluate(source)
        level = "error" if result.startswith("Uncaught ") else "result"
        lines = [Line("input", f"› {source}"), Line(level, result)]
        self.lines.extend(lines)
        self._append(lines)


def _error_key(error: object, where: str) -> tuple[object, ...]:
    e = error
    return (getattr(e, "message", ""), getattr(e, "file", None), getattr(e, "line", None),
            getattr(e, "column", None), where)


def _clock(t: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(t))
