"""The Mock panel: the running app's mock rules in priority order (first match wins),
added, edited, duplicated, deleted, dragged, switched on and off while the app runs --
the next call sees the change -- saved to the app's ``swan-emulator.json`` ``mocks`` or
loaded from a ``--mock`` file (issue 13 part 1; docs/mocking.md).

It edits ``host.mocks`` (a :class:`~emulator.net.mock.rules.RuleList`) through its public
methods only; rules are built by the settings' own reader, so what the panel accepts the
settings file accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QModelIndex, Qt, QTimer
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emulator.config import SETTINGS_FILE, rule_reader, save_mocks
from emulator.errors import ConfigError
from emulator.gui.models.mock_rules import COL_NAME, COL_URL, MockRulesModel
from emulator.gui.panels.mock_editor import RuleEditor
from emulator.net.mock.dump import rule_json
from emulator.net.mock.load import RuleReader, read_rule_file
from emulator.net.mock.rules import Rule

if TYPE_CHECKING:
    from emulator.app.host import AppHost

COUNTS_MS = 500  # how often hits and times left are repainted (calls do not notify)
NEW_RULE: dict[str, Any] = {"name": "new rule", "url": "https://*", "method": "GET",
                            "response": {"status": 200, "json": {"ok": True}}}


class MocksPanel(QWidget):
    """The rules of ``host_of()`` (the app in the window, or None); ``say`` shows a line
    in the status bar."""

    def __init__(self, host_of: Callable[[], AppHost | None], say: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host_of = host_of
        self.say = say
        self.model = MockRulesModel(self)
        self.editor: RuleEditor | None = None  # the editor on screen, if one is
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDropIndicatorShown(True)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda index: self.edit(index.row()))
        vh = self.table.verticalHeader()
        assert vh is not None
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(22)
        hh = self.table.horizontalHeader()
        assert hh is not None
        hh.setSectionResizeMode(COL_URL, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 34), (COL_NAME, 140), (2, 96), (3, 60), (5, 110), (6, 96),
                           (7, 44)):
            self.table.setColumnWidth(col, width)

        bar = QHBoxLayout()
        for text, slot in (("Add…", self.add), ("Edit…", lambda: self.edit()),
                           ("Duplicate", self.duplicate), ("Delete", self.delete),
                           ("Up", lambda: self.shift(-1)), ("Down", lambda: self.shift(1))):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=slot: s())
            bar.addWidget(button)
        bar.addStretch(1)
        for text, slot in (("Load from file…", lambda: self.load_file()),
                           ("Save to settings", lambda: self.save())):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=slot: s())
            bar.addWidget(button)
        self.status = QLabel(wordWrap=True)
        note = QLabel("Priority is the order: the first enabled rule that matches answers. "
                      "Drag rows to reorder; changes apply to the next call.")
        note.setStyleSheet("color: #57606a;")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self, interval=COUNTS_MS)
        self._timer.timeout.connect(self.sync)
        self._timer.start()

    # ---- following the app --------------------------------------------------------------
    def sync(self) -> None:
        """Show the rules of the app now in the window, and the hits calls added."""
        host = self.host_of()
        rules = host.mocks if host is not None else None
        if rules is not self.model.rules:
            self.model.attach(rules)
        self.model.refresh_counts()

    def _host(self) -> AppHost | None:
        self.sync()
        host = self.host_of()
        if host is None:
            self._say("✕ no app is running")
        return host

    def _reader(self) -> RuleReader:
        host = self.host_of()
        if host is None:
            raise ConfigError("no app is running")
        return rule_reader(host.settings, "Mock panel", self._base_dir(host))

    @staticmethod
    def _base_dir(host: AppHost) -> Path:
        """Where file bodies are found and saved relative to: the settings file's folder."""
        return (host.settings.source or host.package.root / SETTINGS_FILE).parent

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.say(text)

    def selected_row(self) -> int | None:
        """The selected rule's row."""
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        return rows[0].row() if rows else None

    def select(self, rule: Rule) -> None:
        """Select ``rule``'s row."""
        row = self.model.row_of(rule)
        if row is not None:
            self.table.selectRow(row)

    # ---- editing ------------------------------------------------------------------------
    def open_editor(self, data: dict[str, Any], title: str,
                    done: Callable[[Rule], None]) -> RuleEditor | None:
        """Open the rule editor on ``data`` (non-modal: the app keeps running); ``done``
        gets the rule when it is accepted."""
        if self._host() is None:
            return None
        if self.editor is not None:
            self.editor.close()
        editor = RuleEditor(data, self._reader, title, self)
        self.editor = editor

        def finished(result: int) -> None:
            if self.editor is editor:
                self.editor = None
            if result and editor.rule is not None and self.host_of() is not None:
                done(editor.rule)
            editor.deleteLater()

        editor.finished.connect(finished)
        editor.open()
        return editor

    def add(self, data: dict[str, Any] | None = None,
            index: int | None = None) -> RuleEditor | None:
        """Open the editor for a new rule (``data`` pre-filled: a default response rule);
        accepted, it goes first (or at ``index``): a rule just written is meant to win."""
        def done(rule: Rule) -> None:
            host = self.host_of()
            if host is not None:
                host.mocks.add(rule, 0 if index is None else index)
                self.select(rule)
                self._say(f"✓ rule {rule.name!r} added: the next call can use it")

        return self.open_editor(dict(data or NEW_RULE), "New mock rule", done)

    def edit(self, row: int | None = None) -> RuleEditor | None:
        """Open the editor on a rule (the selected one by default); accepted, the edited
        rule takes its place (its counters start again)."""
        row = self.selected_row() if row is None else row
        if row is None or self._host() is None or row >= self.model.rowCount():
            return None
        old = self.model.rule_at(row)
        data = rule_json(old, self._base_dir(self.host_of()))  # type: ignore[arg-type]
        if data is None:
            self._say(f"✕ {old.name!r} answers with a Python function: edit it in the test")
            return None

        def done(rule: Rule) -> None:
            host = self.host_of()
            if host is None:
                return
            at = self.model.rules_index(old) if self.model.row_of(old) is not None else 0
            host.mocks.remove(old)
            host.mocks.add(rule, at)
            self.select(rule)
            self._say(f"✓ rule {rule.name!r} changed")

        return self.open_editor(data, f"Edit {old.name}", done)

    def duplicate(self) -> None:
        """A copy of the selected rule right below it."""
        row = self.selected_row()
        host = self._host()
        if row is None or host is None:
            return
        data = rule_json(self.model.rule_at(row), self._base_dir(host))
        if data is None:
            self._say("✕ a Python handler cannot be copied here")
            return
        data["name"] = f"{data['name']} (copy)"
        try:
            rule = self._reader().rule(data, "rule")
        except ConfigError as exc:
            self._say(f"✕ {exc}")
            return
        host.mocks.add(rule, self.model.rules_index(self.model.rule_at(row)) + 1)
        self.select(rule)

    def delete(self) -> None:
        """Remove the selected rule."""
        row = self.selected_row()
        host = self._host()
        if row is not None and host is not None:
            rule = self.model.rule_at(row)
            host.mocks.remove(rule)
            self._say(f"rule {rule.name!r} removed")

    def shift(self, step: int) -> None:
        """Move the selected rule up (-1) or down (+1) one place."""
        row = self.selected_row()
        host = self._host()
        if row is None or host is None or not 0 <= row + step < self.model.rowCount():
            return
        rule = self.model.rule_at(row)
        host.mocks.move(rule, self.model.rules_index(rule) + step)
        self.select(rule)

    def set_enabled(self, row: int, on: bool) -> None:
        """Switch a rule on or off (as its checkbox does)."""
        self.model.setData(self.model.index(row, 0),
                           Qt.CheckState.Checked if on else Qt.CheckState.Unchecked,
                           Qt.ItemDataRole.CheckStateRole)

    # ---- files --------------------------------------------------------------------------
    def save(self, path: Path | None = None) -> Path | None:
        """Write every rule (Python handlers aside) to the settings file's ``mocks``
        (``swan-emulator.json`` by default), other keys kept."""
        host = self._host()
        if host is None:
            return None
        target = path or host.settings.source or host.package.root / SETTINGS_FILE
        rules = list(host.mocks)
        data = [d for d in (rule_json(r, target.parent) for r in rules) if d is not None]
        skipped = len(rules) - len(data)
        try:
            save_mocks(target, data)
        except (ConfigError, OSError) as exc:
            self._say(f"✕ not saved: {exc}")
            return None
        self._say(f"✓ {len(data)} rule{'s' * (len(data) != 1)} saved to {target.name}"
                  + (f" ({skipped} Python handler{'s' * (skipped != 1)} left out)"
                     if skipped else ""))
        return target

    def load_file(self, path: Path | None = None) -> int:
        """Add the rules of a ``--mock`` file (a list, or ``{"mocks": [...]}``) after the
        others; how many were added (0, with the error shown, when the file is wrong)."""
        host = self._host()
        if host is None:
            return 0
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Mock rules", str(host.package.root),
                                                  "JSON (*.json)")
            if not name:
                return 0
            path = Path(name)
        try:
            rules = read_rule_file(path, time_limit=host.settings.script_time_limit,
                                   memory_limit=host.settings.memory_limit_mb * 1024 * 1024)
        except ConfigError as exc:
            self._say(f"✕ {exc}")
            return 0
        for rule in rules:
            host.mocks.add(rule)
        self._say(f"✓ {len(rules)} rule{'s' * (len(rules) != 1)} loaded from {path.name}")
        return len(rules)

    def index_of(self, row: int, column: int = 0) -> QModelIndex:
        """The model index of a cell (for tests and the view)."""
        return self.model.index(row, column)
