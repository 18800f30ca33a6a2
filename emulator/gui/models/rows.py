"""The shape every table model of the window shares: fixed columns over a list of rows."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt


class RowsTableModel(QAbstractTableModel):
    """Columns named by ``columns``; subclasses keep ``self.rows`` and say what a cell shows."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

    def sync(self, new: list[Any], changed: bool) -> None:
        """Append the rows not shown yet (by ``.id``) in one step; repaint every row when
        something moved."""
        known = {r.id for r in self.rows}
        fresh = [r for r in new if r.id not in known]
        if fresh:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(fresh) - 1)
            self.rows.extend(fresh)
            self.endInsertRows()
        if changed and self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.columns) - 1))

    def clear(self) -> None:
        """Forget every row."""
        self.beginResetModel()
        self.rows.clear()
        self.endResetModel()

    def row_at(self, index: QModelIndex) -> Any | None:
        """The row object of a valid index, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.rows[index.row()]
