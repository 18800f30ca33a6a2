"""The rendered page in the window: the web view, the mirror feeding it, and the way what
the user does in it gets to the core (and to the Elements panel while inspecting).

Everything the user does becomes a PageDriver call (emulator/gui/simulator/gestures.py),
except what only a window has: Inspect mode's selection, the highlight's box, and the
picker's sheet (the core describes the picker, the sheet asks, the choice goes back as
``set_value_node``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QWidget

from emulator.errors import EmulatorError
from emulator.gui.simulator.gestures import perform
from emulator.gui.simulator.mirror_view import MirrorController
from emulator.gui.simulator.picker_sheet import PickerSheet
from emulator.gui.simulator.web_page import PageWebView, resolver_for
from emulator.swan.files import FileAccessError

if TYPE_CHECKING:
    from emulator.app.host import AppHost
    from emulator.gui.panels.elements import ElementsPanel


class PagePane:
    """Owns the :class:`PageWebView` of one window."""

    def __init__(self, host: Callable[[], AppHost | None], elements: ElementsPanel,
                 reveal_elements: Callable[[], None], status: Callable[[str], None],
                 parent: QWidget) -> None:
        self.host = host
        self.elements = elements
        self.reveal_elements = reveal_elements
        self.status = status
        self.parent = parent
        self.web = PageWebView(resolver_for(self._package_root, self._sandbox_file),
                               self.gesture, parent)
        self.mirror = MirrorController(self.web)
        self.sheet: PickerSheet | None = None  # the open picker sheet, if any
        elements.node_selected.connect(self.web.highlight)
        elements.inspect_toggled.connect(self.web.inspect)

    # ---- files the page may load ------------------------------------------------------------
    def _package_root(self) -> Path | None:
        host = self.host()
        return host.package.root if host is not None else None

    def _sandbox_file(self, name: str) -> Path | None:
        host = self.host()
        if host is None:
            return None
        try:
            return host.files.existing_file("bdfile://" + name).host
        except FileAccessError:  # not a file the app has
            return None

    # ---- what the user does ---------------------------------------------------------------------
    def gesture(self, message: dict[str, Any]) -> None:
        """One message from the page (see gestures.py for the shapes)."""
        kind = message.get("type")
        if kind == "highlighted":
            self._show_box(message.get("box"))
            return
        if kind == "inspect":
            node = message.get("node")
            if isinstance(node, int):
                self.reveal_elements()
                self.elements.select_node(node)
            return
        host = self.host()
        if host is None:
            return
        problem = perform(host, message)
        if problem:
            self.status(problem)
        elif kind == "tap" and isinstance(message.get("node"), int):
            self._open_picker(host, message["node"])

    def _show_box(self, box: Any) -> None:
        ok = isinstance(box, dict) and all(isinstance(box.get(k), (int, float))
                                           for k in ("left", "top", "width", "height"))
        self.elements.box.setText(
            f"box: {box['width']:.0f}×{box['height']:.0f} at ({box['left']:.0f}, "
            f"{box['top']:.0f}) px" if ok else "")

    def _open_picker(self, host: AppHost, node_id: int) -> None:
        """A tap inside an enabled ``<picker>`` opens its sheet [component/
        formlist_picker.md]."""
        node = host.page.node(node_id)
        picker = next((n for n in ([node, *node.ancestors()] if node else [])
                       if n.tag == "picker"), None)
        if picker is None:
            return
        described = host.page.describe(picker)
        if not described or described.get("disabled"):
            return
        picker_id = picker.id

        def act(call: Callable[[], object]) -> None:
            try:
                call()
            except EmulatorError as exc:
                self.status(str(exc))

        self.sheet = PickerSheet(
            described, self.parent,
            chosen=lambda value: act(lambda: host.page.set_value_node(picker_id, value)),
            cancelled=lambda: act(lambda: host.page.cancel_node(picker_id)),
            turned=lambda column, index: act(
                lambda: host.page.turn_column_node(picker_id, column, index)))
        self.sheet.open()
