"""The domains panel: the four whitelists (checked as you type), urlCheck, host mapping and
CA file; applied to the running app and saved to its swan-emulator.json."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtGui import QTextDocumentFragment
from PyQt6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emulator.config import DOMAIN_LISTS, Settings
from emulator.errors import ConfigError
from emulator.net.hosts import parse_target
from emulator.net.policy import MAX_ENTRIES, entry_problem

Apply = Callable[[dict[str, list[str]], bool, dict[str, str], Path | None], str | None]
"""apply(domains, url_check, hosts, ca_file) -> an error message, or None when applied."""


def list_problems(name: str, text: str) -> list[str]:
    """Why the entries of one list are invalid (empty when all are fine)."""
    entries = [line.strip() for line in text.splitlines() if line.strip()]
    problems = [f"{e}: {p}" for e in entries if (p := entry_problem(name, e))]
    if len(entries) > MAX_ENTRIES:
        problems.append(f"{len(entries)} entries: at most {MAX_ENTRIES}")
    return problems


class DomainsPanel(QWidget):
    """Edits the network settings; Apply changes the running app at once."""

    def __init__(self, apply: Apply, show_refused: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.apply_settings = apply
        self.edits: dict[str, QPlainTextEdit] = {}
        self.checks: dict[str, QLabel] = {}
        self.titles: dict[str, QLabel] = {}
        lists = QGroupBox("Server domains (服务器域名) — one per line")
        grid = QGridLayout(lists)
        for i, name in enumerate(DOMAIN_LISTS):
            edit = QPlainTextEdit()
            edit.setFixedHeight(64)
            edit.textChanged.connect(lambda n=name: self._validate(n))
            check = QLabel(wordWrap=True)
            # Which file (or flag) the list came from: a project's appInfo.domains and the
            # emulator's own settings file can both set it, and the first one wins.
            title = QLabel(wordWrap=True)
            self.edits[name], self.checks[name], self.titles[name] = edit, check, title
            grid.addWidget(title, i * 3, 0)
            grid.addWidget(edit, i * 3 + 1, 0)
            grid.addWidget(check, i * 3 + 2, 0)
        self.url_check = QCheckBox("Check domains, TLS version and certificates (urlCheck)")
        self.hosts = QTableWidget(0, 2)
        self.hosts.setHorizontalHeaderLabels(["domain", "connect to (HOST:PORT or builtin)"])
        hh = self.hosts.horizontalHeader()
        assert hh is not None
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.hosts.setFixedHeight(110)
        add = QPushButton("Add mapping")
        add.clicked.connect(lambda: self.hosts.insertRow(self.hosts.rowCount()))
        remove = QPushButton("Remove selected")
        remove.clicked.connect(self._remove_mapping)
        self.ca_file = QLineEdit(placeholderText="extra CA certificates (PEM), optional")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.status = QLabel(wordWrap=True)
        apply_button = QPushButton("Apply and save")
        apply_button.clicked.connect(self.apply)
        refused = QPushButton("Show refused requests")
        refused.clicked.connect(show_refused)

        form = QFormLayout()
        form.addRow(self.url_check)
        host_buttons = QHBoxLayout()
        host_buttons.addWidget(add)
        host_buttons.addWidget(remove)
        host_buttons.addStretch(1)
        form.addRow("Host mapping", self.hosts)
        form.addRow("", _wrap(host_buttons))
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        form.addRow("CA file", _wrap(ca_row))
        buttons = QHBoxLayout()
        buttons.addWidget(apply_button)
        buttons.addWidget(refused)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(lists)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def load(self, settings: Settings, url_check: bool) -> None:
        """Show the app's current settings, and where each list came from."""
        for name in DOMAIN_LISTS:
            self.edits[name].setPlainText("\n".join(settings.domains.get(name, [])))
        self.show_sources(settings.sources)
        self.url_check.setChecked(url_check)
        self.hosts.setRowCount(0)
        for domain, target in settings.hosts.items():
            row = self.hosts.rowCount()
            self.hosts.insertRow(row)
            self.hosts.setItem(row, 0, QTableWidgetItem(domain))
            self.hosts.setItem(row, 1, QTableWidgetItem(target))
        self.ca_file.setText(str(settings.ca_file) if settings.ca_file else "")
        self.status.setText("")

    def show_sources(self, sources: dict[str, str]) -> None:
        """Title each list with its source (``Settings.sources``; a list not named there
        has its default, empty)."""
        for name, title in self.titles.items():
            source = sources.get(f"domains.{name}")
            origin = f"from {source}" if source else "default (none set)"
            title.setText(f"<b>{name}</b> <span style='color:#57606a'>— "
                          f"{html.escape(origin)}</span>")
            title.setToolTip(source or "neither the settings file, a flag nor the project "
                             "file sets this list")

    def source_text(self, name: str) -> str:
        """The title of list ``name`` as plain text (``request — from …``)."""
        return QTextDocumentFragment.fromHtml(self.titles[name].text()).toPlainText()

    def _validate(self, name: str) -> bool:
        problems = list_problems(name, self.edits[name].toPlainText())
        label = self.checks[name]
        if problems:
            label.setText("✕ " + "; ".join(problems))
            label.setStyleSheet("color: #cf222e;")
        else:
            label.setText("✓ valid")
            label.setStyleSheet("color: #1a7f37;")
        return not problems

    def _mappings(self) -> dict[str, str]:
        out = {}
        for row in range(self.hosts.rowCount()):
            domain_item, target_item = self.hosts.item(row, 0), self.hosts.item(row, 1)
            domain = domain_item.text().strip() if domain_item else ""
            target = target_item.text().strip() if target_item else ""
            if domain or target:
                parse_target(domain, target)
                out[domain] = target
        return out

    def apply(self) -> None:
        """Validate everything, then hand it to the app (and the settings file)."""
        if not all([self._validate(n) for n in DOMAIN_LISTS]):
            self.status.setText("Fix the lists marked ✕ first.")
            return
        try:
            hosts = self._mappings()
        except ConfigError as exc:
            self.status.setText(f"✕ {exc}")
            return
        domains = {n: [x.strip() for x in self.edits[n].toPlainText().splitlines() if x.strip()]
                   for n in DOMAIN_LISTS}
        ca = Path(self.ca_file.text().strip()) if self.ca_file.text().strip() else None
        error = self.apply_settings(domains, self.url_check.isChecked(), hosts, ca)
        self.status.setText(f"✕ {error}" if error else "✓ applied: the next request uses it")

    def _remove_mapping(self) -> None:
        for index in sorted({i.row() for i in self.hosts.selectedIndexes()}, reverse=True):
            self.hosts.removeRow(index)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "CA certificates", "", "PEM (*.pem *.crt)")
        if path:
            self.ca_file.setText(path)


def _wrap(layout: QHBoxLayout) -> QWidget:
    w = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    w.setLayout(layout)
    return w
