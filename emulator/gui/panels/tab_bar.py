"""The app's tab bar (``app.json`` ``tabBar``) on the simulated phone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QIcon, QPixmap
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QToolButton, QWidget

ICON_SIZE = QSize(24, 24)
BOTTOM_HEIGHT = 50
TOP_HEIGHT = 40
# Used when app.json leaves a colour out or gives one Qt cannot read.
DEFAULT_COLOR = "#666666"
DEFAULT_SELECTED = "#3388ff"
DEFAULT_BACKGROUND = "#ffffff"
BORDERS = {"black": "rgba(0, 0, 0, 0.33)", "white": "rgba(255, 255, 255, 0.9)"}


@dataclass(frozen=True)
class TabItem:
    """One ``tabBar.list`` entry, its icons already loaded (None when there is none)."""

    route: str
    text: str
    icon: QPixmap | None
    selected_icon: QPixmap | None


def load_icon(root: Path, rel: Any) -> QPixmap | None:
    """The image at ``rel`` inside the app folder; None if it is absent, unreadable, or
    outside the folder (app.json paths are relative to the app root, a leading / or not)."""
    if not isinstance(rel, str) or not rel.strip("/"):
        return None
    base = root.resolve()
    path = (base / rel.lstrip("/")).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    pixmap = QPixmap(str(path))
    return None if pixmap.isNull() else pixmap


def _color(value: Any, default: str) -> str:
    # Only a colour Qt understands goes into a style sheet: a typo must not break the bar.
    color = QColor(value) if isinstance(value, str) else QColor()
    return color.name() if color.isValid() else default


class TabBar(QFrame):
    """One button per tab, shown only while a tab page is on top, with that page's item
    selected. A tap emits ``tapped(route)``; the selection follows the page stack (what the
    app really did), not the click."""

    tapped = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="tabbar")
        self.items: list[TabItem] = []
        self.buttons: list[QToolButton] = []
        self.position = "bottom"
        self.selected: str | None = None
        self._colors = (DEFAULT_COLOR, DEFAULT_SELECTED)
        self._with_icons = False
        self._blank = QPixmap(ICON_SIZE)
        self._blank.fill(Qt.GlobalColor.transparent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.hide()

    @property
    def routes(self) -> list[str]:
        return [item.route for item in self.items]

    def configure(self, config: Any, root: Path) -> None:
        """Build the buttons from the ``tabBar`` object of app.json (None: no tab bar).
        Icons are read from ``root``; an item whose icons cannot be loaded shows its text."""
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.items, self.buttons, self.selected = [], [], None
        config = config if isinstance(config, dict) else {}
        entries = config.get("list")
        self.position = "top" if config.get("position") == "top" else "bottom"
        self._colors = (_color(config.get("color"), DEFAULT_COLOR),
                        _color(config.get("selectedColor"), DEFAULT_SELECTED))
        background = _color(config.get("backgroundColor"), DEFAULT_BACKGROUND)
        border = BORDERS.get(str(config.get("borderStyle")), BORDERS["black"])
        edge = "border-bottom" if self.position == "top" else "border-top"
        self.setStyleSheet(f"#tabbar {{ background: {background}; {edge}: 1px solid {border}; }}")
        self.setFixedHeight(TOP_HEIGHT if self.position == "top" else BOTTOM_HEIGHT)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("pagePath"), str):
                continue  # the package loader has already refused such an app.json
            # The platform draws no icons on a top tab bar.
            on_top = self.position == "top"
            item = TabItem(route=entry["pagePath"].strip("/"), text=str(entry.get("text", "")),
                           icon=None if on_top else load_icon(root, entry.get("iconPath")),
                           selected_icon=None if on_top else load_icon(
                               root, entry.get("selectedIconPath")))
            button = QToolButton(self)
            button.setText(item.text)
            button.setIconSize(ICON_SIZE)
            button.setAutoRaise(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _c=False, r=item.route: self.tapped.emit(r))
            self._layout.addWidget(button)
            self.items.append(item)
            self.buttons.append(button)
        self._with_icons = any(i.icon or i.selected_icon for i in self.items)
        self.show_route(None)

    def show_route(self, route: str | None) -> None:
        """Show the bar with ``route``'s item selected if it is a tab page; else hide it
        (a page pushed over a tab page has no tab bar)."""
        if route is None or route not in self.routes:
            self.selected = None
            self.hide()
            return
        self.selected = route
        for item, button in zip(self.items, self.buttons, strict=True):
            self._paint(item, button, item.route == route)
        self.show()

    def _paint(self, item: TabItem, button: QToolButton, selected: bool) -> None:
        # A missing icon of one state borrows the other state's, so an app with only
        # iconPath still shows an icon when selected.
        pixmap = (item.selected_icon or item.icon) if selected else (item.icon or
                                                                     item.selected_icon)
        if pixmap is None and self._with_icons:
            pixmap = self._blank  # text only, on the same line as its neighbours' texts
        button.setIcon(QIcon(pixmap) if pixmap is not None else QIcon())
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon if pixmap
                                  else Qt.ToolButtonStyle.ToolButtonTextOnly)
        color = self._colors[1] if selected else self._colors[0]
        underline = (f"border-bottom: 2px solid {color};"
                     if selected and self.position == "top" else "")
        button.setStyleSheet(f"QToolButton {{ color: {color}; font-size: 11px; border: none;"
                             f" background: transparent; {underline} }}")
