"""The toolbar's *Start* picker: the page (and query) the app starts on — the `app.json`
entry, one of the project file's compile modes (``condition``), or a ``--page``.

Shown only for an app whose project file defines compile modes; choosing one emits
``chosen(choice)`` and the window restarts the app there: ``None`` (the entry),
``("condition", NAME_OR_INDEX)`` or ``("page", ROUTE[?QUERY])``.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QWidget

from emulator.app.package import AppPackage, Condition


def split_page(page: str | None) -> tuple[str | None, dict[str, str]]:
    """``ROUTE[?QUERY]`` (``--page``) as AppHost.start takes it, read as the headless runner
    reads it: no leading slash, ``k=v`` pairs split on ``&`` and kept undecoded."""
    path, _, query = (page or "").partition("?")
    pairs = (pair.partition("=") for pair in query.split("&") if pair)
    return path.strip("/") or None, {key: value for key, _, value in pairs}


def condition_page(condition: Condition) -> str:
    """A compile mode as ``ROUTE[?QUERY]`` (what ``--condition`` resolves to)."""
    return f"{condition.path}?{condition.query}" if condition.query else condition.path


class StartPicker(QComboBox):
    """See the module docstring."""

    chosen = pyqtSignal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="start-combo")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setToolTip("The page (and query) the app starts on; choosing one reloads the "
                        "app there")
        self.currentIndexChanged.connect(lambda i: self.chosen.emit(self.itemData(i)))

    def fill(self, package: AppPackage | None, chosen: Condition | None,
             start_page: str | None) -> bool:
        """List the app's compile modes with the one (or the ``--page``) it starts in
        selected; True when there are modes to show."""
        conditions = package.project.conditions if package is not None else []
        self.blockSignals(True)  # filling is not choosing: no reload
        self.clear()
        self.addItem("(app.json entry)", None)
        if package is not None:
            self.setItemData(0, f"/{package.entry}", Qt.ItemDataRole.ToolTipRole)
        names = [c.name for c in conditions]
        for i, c in enumerate(conditions):
            # A name used twice is asked for by position (ProjectConfig.condition reads both).
            data: Any = ("condition", c.name if names.count(c.name) == 1 else str(i))
            self.addItem(c.name, data)
            self.setItemData(self.count() - 1, f"/{condition_page(c)}",
                             Qt.ItemDataRole.ToolTipRole)
        same_page = [i for i, c in enumerate(conditions)
                     if split_page(condition_page(c)) == split_page(start_page)]
        if chosen is not None:
            self.setCurrentIndex(1 + conditions.index(chosen))
        elif start_page and same_page:
            self.setCurrentIndex(1 + same_page[0])  # --page naming a compile mode's page
        elif start_page:
            # Started with --page on a page that is no compile mode: say so, keep it.
            self.addItem(f"--page /{start_page.lstrip('/')}", ("page", start_page))
            self.setCurrentIndex(self.count() - 1)
        else:
            self.setCurrentIndex(0)
        self.blockSignals(False)
        return bool(conditions)
