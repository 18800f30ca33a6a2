"""The running app's mock rules as a table model: one row per rule in priority order,
the enabled checkbox live, rows dragged to a new priority (issue 13 part 1).

A thin adapter over :class:`emulator.net.mock.rules.RuleList`: every change of the list
(the panel's, the automation API's) resets the model through the list's observer; the
counters a call moves (``used``) are repainted by :meth:`MockRulesModel.refresh_counts`.
"""

from __future__ import annotations

import json
from typing import Any

from PyQt6.QtCore import QMimeData, QModelIndex, QObject, Qt
from PyQt6.QtGui import QBrush, QColor

from emulator.gui.models.rows import RowsTableModel
from emulator.net.mock.answers import Fail, Respond
from emulator.net.mock.dump import answer_kind
from emulator.net.mock.rules import Rule, RuleList

COLUMNS = ("On", "Name", "API", "Method", "URL", "Answer", "Times", "Hits")
COL_ON, COL_NAME, COL_URL, COL_ANSWER, COL_TIMES, COL_HITS = 0, 1, 4, 5, 6, 7
MIME = "application/x-swan-mock-rows"
RuleRole = Qt.ItemDataRole.UserRole + 1
_GREY = QColor("#6e7781")


def answer_text(rule: Rule) -> str:
    """What the Answer column says: the kind, and the status or failure it gives."""
    answer = rule.answer
    if isinstance(answer, Respond):
        body = answer.body.kind if answer.body is not None else "no body"
        return f"{answer.status} {body}"
    if isinstance(answer, Fail):
        return f"fail: {answer.failure}"
    return {"js": "JS function", "python": "Python handler",
            "socket": "socket script"}.get(answer_kind(rule), answer_kind(rule))


def times_text(rule: Rule) -> str:
    """``every call``, or how many of its ``times`` are left."""
    if rule.times is None:
        return "every call"
    return f"{max(0, rule.times - rule.used)} of {rule.times} left"


class MockRulesModel(RowsTableModel):
    """Rows are the rules of the list given to :meth:`attach` (none until then)."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rules: RuleList | None = None
        self._watched: list[RuleList] = []  # lists observed (RuleList has no unsubscribe)
        self._used: list[int] = []

    def attach(self, rules: RuleList | None) -> None:
        """Show ``rules`` (the running app's ``host.mocks``), or nothing."""
        if rules is not None and not any(r is rules for r in self._watched):
            self._watched.append(rules)
            rules.subscribe(lambda: self._list_changed(rules))
        self.rules = rules
        self._reload()

    def _list_changed(self, rules: RuleList) -> None:
        if rules is self.rules:  # a list of an app no longer shown changes nothing here
            self._reload()

    def _reload(self) -> None:
        self.beginResetModel()
        self.rows = list(self.rules) if self.rules is not None else []
        self._used = [r.used for r in self.rows]
        self.endResetModel()

    def refresh_counts(self) -> None:
        """Repaint Times and Hits of the rules calls have used since the last look."""
        used = [r.used for r in self.rows]
        changed = [i for i, (a, b) in enumerate(zip(used, self._used, strict=True)) if a != b]
        self._used = used
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0),
                                  self.index(max(changed), len(COLUMNS) - 1))

    def rule_at(self, row: int) -> Rule:
        """The rule shown on ``row``."""
        rule: Rule = self.rows[row]
        return rule

    def row_of(self, rule: Rule) -> int | None:
        """The row of ``rule``, if shown."""
        return next((i for i, r in enumerate(self.rows) if r is rule), None)

    # ---- QAbstractTableModel ------------------------------------------------------------
    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rule = self.row_at(index)
        if rule is None:
            return None
        col = index.column()
        if role == RuleRole:
            return rule
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_ON:
            return Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(rule, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_URL:
                return f"regular expression: {rule.url}" if rule.regex else f"glob: {rule.url}"
            if col == COL_NAME:
                return rule.name
        if role == Qt.ItemDataRole.ForegroundRole and (not rule.enabled or rule.spent):
            return QBrush(_GREY)
        return None

    def _display(self, rule: Rule, col: int) -> str | None:
        if col == COL_NAME:
            return rule.name
        if col == 2:
            return rule.api
        if col == 3:
            return rule.method or "any"
        if col == COL_URL:
            return f"/{rule.url}/" if rule.regex else rule.url
        if col == COL_ANSWER:
            return answer_text(rule)
        if col == COL_TIMES:
            return times_text(rule)
        if col == COL_HITS:
            return str(rule.used)
        return None

    def setData(self, index: QModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        rule = self.row_at(index)
        if rule is None or role != Qt.ItemDataRole.CheckStateRole or index.column() != COL_ON:
            return False
        # Read by the next call's match: no restart, no copy.
        rule.enabled = Qt.CheckState(value) == Qt.CheckState.Checked
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(COLUMNS) - 1))
        return True

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable \
            | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        if index.column() == COL_ON:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    # ---- drag to reorder ----------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: Any) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data.setData(MIME, json.dumps(rows).encode())
        return data

    def dropMimeData(self, data: QMimeData | None, action: Qt.DropAction, row: int,
                     column: int, parent: QModelIndex) -> bool:
        """Move the dragged rules before ``row`` (or before the row dropped on; to the end
        when dropped below the last). The view removes nothing itself: this model has no
        removeRows, so the move is the list's alone."""
        if data is None or not data.hasFormat(MIME) or self.rules is None:
            return False
        if action == Qt.DropAction.IgnoreAction:
            return True
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self.rows))
        moving = [self.rows[i] for i in json.loads(bytes(data.data(MIME)).decode())
                  if 0 <= i < len(self.rows)]
        if not moving:
            return False
        before = self.rows[target] if target < len(self.rows) else None
        while before is not None and any(before is m for m in moving):
            nxt = self.rows.index(before) + 1
            before = self.rows[nxt] if nxt < len(self.rows) else None
        self.move(moving, before)
        return True

    def move(self, rules: list[Rule], before: Rule | None) -> None:
        """Put ``rules`` (in their order) right before ``before`` (None: at the end)."""
        assert self.rules is not None
        order = [r for r in self.rows if not any(r is m for m in rules)]
        at = len(order) if before is None else next(i for i, r in enumerate(order)
                                                    if r is before)
        order[at:at] = rules
        for position, rule in enumerate(order):
            if self.rules_index(rule) != position:
                self.rules.move(rule, position)

    def rules_index(self, rule: Rule) -> int:
        """``rule``'s position in the live list."""
        assert self.rules is not None
        return next(i for i, r in enumerate(self.rules) if r is rule)
