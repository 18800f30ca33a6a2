"""The picker's bottom sheet: what a tap on a ``<picker>`` opens on the device.

The core describes the picker (emulator/view/controls/describe.py: mode, columns, value,
bounds); this sheet lets the user choose, and the choice goes back to the core as
``set_value_node`` (``columnchange`` per turned column, then ``change``) or, closed
without a choice, ``cancel_node`` — the calls a headless ``set_value`` makes
[component/formlist_picker.md; shared/spec/view-layer.md §4].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QDate, QTime
from PyQt6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

MAX_ITEMS = 2000  # per column: a picker of 100,000 items shows the first ones


class PickerSheet(QDialog):
    """One open picker. ``chosen(value)`` runs on OK, ``cancelled()`` on cancel;
    ``turned(column, index)`` while a multiSelector's column changes."""

    def __init__(self, described: dict[str, Any], parent: QWidget | None,
                 chosen: Callable[[Any], None], cancelled: Callable[[], None],
                 turned: Callable[[int, int], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("picker")
        self.setObjectName("picker-sheet")
        self.mode = str(described.get("mode") or "selector")
        self._chosen, self._cancelled, self._turned = chosen, cancelled, turned
        self.combos: list[QComboBox] = []
        self.time: QTimeEdit | None = None
        self.date: QDateEdit | None = None
        self.region: list[QLineEdit] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<picker mode=\"{self.mode}\">"))
        row = QHBoxLayout()
        value = described.get("value")
        if self.mode in ("selector", "multiSelector"):
            columns = described.get("columns") or [[]]
            values = [value] if self.mode == "selector" else list(value or [])
            for i, items in enumerate(columns):
                combo = QComboBox()
                combo.addItems([str(x) for x in items[:MAX_ITEMS]])
                start = values[i] if i < len(values) and isinstance(values[i], int) else 0
                combo.setCurrentIndex(min(max(start, 0), max(combo.count() - 1, 0)))
                if self.mode == "multiSelector":
                    combo.currentIndexChanged.connect(
                        lambda index, column=i: self._turned(column, index))
                self.combos.append(combo)
                row.addWidget(combo)
        elif self.mode == "time":
            self.time = QTimeEdit()
            self.time.setDisplayFormat("HH:mm")
            self.time.setTime(QTime.fromString(str(value or "00:00"), "HH:mm"))
            low, high = described.get("start"), described.get("end")
            if low:
                self.time.setMinimumTime(QTime.fromString(str(low), "HH:mm"))
            if high:
                self.time.setMaximumTime(QTime.fromString(str(high), "HH:mm"))
            row.addWidget(self.time)
        elif self.mode == "date":
            self.date = QDateEdit()
            self.date.setDisplayFormat("yyyy-MM-dd")
            self.date.setDate(_date(value) or QDate.currentDate())
            for bound, setter in ((described.get("start"), self.date.setMinimumDate),
                                  (described.get("end"), self.date.setMaximumDate)):
                parsed = _date(bound)
                if parsed is not None:
                    setter(parsed)
            row.addWidget(self.date)
        else:  # region: no region table in the emulator; the user types the names
            names = [*list(value or []), "", "", ""]
            for i, hint in enumerate(("province", "city", "district")):
                edit = QLineEdit(str(names[i]))
                edit.setPlaceholderText(hint)
                self.region.append(edit)
                row.addWidget(edit)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.finished.connect(self._done)

    def value(self) -> Any:
        """The value chosen in the sheet, typed as ``set_value_node`` takes it."""
        if self.mode == "selector":
            return self.combos[0].currentIndex() if self.combos else 0
        if self.mode == "multiSelector":
            return [c.currentIndex() for c in self.combos]
        if self.time is not None:
            return self.time.time().toString("HH:mm")
        if self.date is not None:
            return self.date.date().toString("yyyy-MM-dd")
        return [e.text() for e in self.region if e.text()]

    def _done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._chosen(self.value())
        else:
            self._cancelled()


def _date(value: Any) -> QDate | None:
    text = str(value or "")
    for fmt in ("yyyy-MM-dd", "yyyy-MM", "yyyy"):
        parsed = QDate.fromString(text, fmt)
        if parsed.isValid():
            return parsed
    return None
