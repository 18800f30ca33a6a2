"""The window's status bar: the app, its base library version (and where it came from),
the network type and weak-network profile, a red badge when domain checks are off, and
the count of parts of the app that failed to load (a click shows them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QPushButton, QStatusBar

from emulator.flows.events import LoadProblem
from emulator.gui.bigtext import cell

if TYPE_CHECKING:
    from emulator.app.host import AppHost

MAX_PROBLEMS_LISTED = 20  # in the tooltip; the console has them all


class AppStatus:
    """The widgets on ``bar``; ``show_problems`` runs when the problem count is clicked."""

    def __init__(self, bar: QStatusBar, show_problems: Callable[[], None]) -> None:
        self.app = QLabel("no app")
        self.version = QLabel()
        self.network = QLabel()
        self.checks = QLabel("domain checks OFF")
        self.checks.setStyleSheet(
            "background:#cf222e; color:white; font-weight:bold; padding:1px 8px;"
            " border-radius:3px;")
        self.checks.hide()
        self.problems = QPushButton(objectName="status-problems")
        self.problems.setFlat(True)
        self.problems.setCursor(Qt.CursorShape.PointingHandCursor)
        self.problems.setStyleSheet(
            "QPushButton { color:#cf222e; font-weight:bold; border:none; padding:1px 6px; }"
            "QPushButton:hover { text-decoration: underline; }")
        self.problems.clicked.connect(show_problems)
        self.problems.hide()
        for w in (self.app, self.version, self.network):
            bar.addWidget(w)
        bar.addPermanentWidget(self.problems)
        bar.addPermanentWidget(self.checks)

    def show_host(self, host: AppHost | None) -> None:
        """Describe the running app (None: none)."""
        if host is None:
            self.app.setText("no app")
            self.version.setText("")
            self.version.setToolTip("")
            self.network.setText("")
            self.checks.hide()
            return
        self.app.setText(f"{host.package.name}  ({host.package.root})")
        version = host.settings.base_version
        source = host.settings.sources.get("baseVersion")
        self.version.setText(f"base library {version}")
        self.version.setToolTip(
            f"base library {version}: " + (f"from {source}" if source else
                                           "the emulator's default (no flag, settings file "
                                           "or project file sets one)"))
        # The weak-network profile in force beside the type (docs/network-conditions.md).
        conditions = host.conditions
        shaping = conditions.describe()
        self.network.setText(f"network {host.network_type}" + (
            f" · {shaping}" if conditions.offline or conditions.profile else ""))
        profile = conditions.profile
        self.network.setToolTip(
            f"network type {host.network_type}; {shaping}"
            + (f" ({profile.source})" if profile is not None and profile.source else ""))
        self.checks.setVisible(not host.url_check)

    def show_problems(self, problems: list[LoadProblem]) -> None:
        """The load-problem count, its tooltip listing the first ones."""
        count = len(problems)
        self.problems.setVisible(count > 0)
        if not count:
            return
        self.problems.setText(f"{count} load problem{'s' if count != 1 else ''}")
        lines = [cell(f"{p.file}: {p.message}") for p in problems[:MAX_PROBLEMS_LISTED]]
        if count > MAX_PROBLEMS_LISTED:
            lines.append(f"… and {count - MAX_PROBLEMS_LISTED} more (see the console)")
        self.problems.setToolTip(
            "Parts of the app that could not be loaded (the rest runs):\n" + "\n".join(lines))
