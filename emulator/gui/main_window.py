"""The main window: the simulator in the middle, the inspector panels docked around it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QFileSystemWatcher, QSettings, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QCloseEvent, QKeySequence
from PyQt6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
)

# First: Qt WebEngine must be set up before the QApplication exists.
from emulator.gui.simulator.engine import UNAVAILABLE as WEBENGINE_UNAVAILABLE  # isort: skip
from emulator.app.host import AppHost
from emulator.app.package import AppPackage, Condition, load_package
from emulator.config import (
    DOMAIN_LISTS,
    SETTINGS_FILE,
    Settings,
    data_root,
    save_network_settings,
)
from emulator.errors import ConfigError, EmulatorError
from emulator.flows.bus import EventBus
from emulator.flows.events import (
    AccountCall,
    AppLaunched,
    ConsoleMessage,
    Event,
    FlowFailed,
    FlowFinished,
    FlowResponse,
    FlowStarted,
    LoadProblem,
    PageCreated,
    PageDataChanged,
    PageRendered,
    PageStackChanged,
    SocketClosed,
    SocketFailed,
    SocketFrameEvent,
    SocketOpened,
    TransferProgress,
    UiRequest,
    UncaughtError,
    UncaughtErrorRepeated,
)
from emulator.flows.flow import SocketFlow, TransferFlow
from emulator.flows.har import write_har
from emulator.gui.intake import EventIntake
from emulator.gui.models.flow_table import FlowTableModel
from emulator.gui.panels.appdata import AppDataPanel
from emulator.gui.panels.console import ConsolePanel
from emulator.gui.panels.domains import DomainsPanel
from emulator.gui.panels.elements import ElementsPanel
from emulator.gui.panels.mocks import MocksPanel
from emulator.gui.panels.network import NetworkPanel
from emulator.gui.panels.prompts import AccountPrompts
from emulator.gui.panels.simulator import Simulator, ask_modal
from emulator.gui.panels.sockets import SocketsPanel
from emulator.gui.panels.transfers import TransfersPanel
from emulator.gui.start_picker import StartPicker, condition_page, split_page
from emulator.gui.status_bar import AppStatus
from emulator.swan.chooser import QueuePicker

log = logging.getLogger(__name__)
_TOUCHING = frozenset({FlowResponse, FlowFinished, FlowFailed, TransferProgress, SocketOpened,
                       SocketClosed, SocketFailed, SocketFrameEvent})
_CONSOLE = frozenset({ConsoleMessage, UncaughtError, UncaughtErrorRepeated, UiRequest,
                      LoadProblem, AccountCall})
_PAGE = frozenset({PageCreated, PageDataChanged, PageStackChanged})
MAX_RECENT = 8
RELOAD_DEBOUNCE_MS = 500
ELEMENTS_MS = 250  # the Elements panel follows renders at most this often
SettingsFactory = Callable[[Path], Settings]


class MainWindow(QMainWindow):
    """Drives one AppHost at a time and shows everything it publishes; ``closed`` is
    emitted when the window closes."""

    closed = pyqtSignal()

    def __init__(self, settings_for: SettingsFactory) -> None:
        super().__init__()
        self.settings_for = settings_for
        self.host: AppHost | None = None
        self.app_dir: Path | None = None
        self.start_page: str | None = None
        # The compile mode (project.swan.json "condition") the app was started in, by name
        # (or position); a reload resolves it again, so an edited query is picked up.
        self.start_condition: str | None = None
        self.problems: list[LoadProblem] = []
        self.device: str | None = None  # the phone picked in the simulator (else settings')
        self.prompts = AccountPrompts(self)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._queued_files: QueuePicker | None = None
        # Window layout and recent apps live next to the app sandboxes (one place to reset).
        self.prefs = QSettings(str(data_root(Settings()) / "gui.ini"), QSettings.Format.IniFormat)
        self.setWindowTitle("swan-emulator")
        self.resize(1400, 900)

        self.intake = EventIntake(self)
        self.intake.batch.connect(self.take)
        self.flows = FlowTableModel(self)
        self.appdata = AppDataPanel(self._call_method, self._set_data)
        self.elements = ElementsPanel(self._tap_node)
        self.pane: Any = None  # the rendered page (PagePane), when Qt WebEngine runs here
        if WEBENGINE_UNAVAILABLE is None:
            from emulator.gui.simulator.page_pane import PagePane

            self.pane = PagePane(lambda: self.host, self.elements, self._reveal_elements,
                                 self._status, self)
        self.web = self.pane.web if self.pane is not None else None
        self.mirror = self.pane.mirror if self.pane is not None else None
        self.simulator = Simulator(self.web or self.appdata, go_back=self._go_back,
                                   switch_tab=self._switch_tab, set_network=self._set_network,
                                   pull_down=self._pull_down, set_device=self._set_device,
                                   notice=WEBENGINE_UNAVAILABLE)
        self.network = NetworkPanel(self.flows)
        self.transfers = TransfersPanel(self._abort_transfer)
        self.sockets = SocketsPanel(self._close_socket)
        self.console = ConsolePanel(self._evaluate)
        self.domains = DomainsPanel(self._apply_network, self._show_refused)
        # The network lab (issue 13): mock rules, and Replay / Edit and resend / Mock this
        # response in the network panel's row menu, on the app in the window.
        self.mocks = MocksPanel(lambda: self.host, self._status)
        self.network.lab.connect(lambda: self.host, lambda rule: (
            self.docks["Mocks"].show(), self.docks["Mocks"].raise_(), self.mocks.add(rule)),
            self._status)
        self.setCentralWidget(self.simulator)
        # The phone is ~400 px wide: the rest of the window goes to the panels (the
        # network table's URLs need it more than empty space beside the phone does).
        self.simulator.setMaximumWidth(560)
        self.docks: dict[str, QDockWidget] = {}
        first = None
        panels = [("Network", self.network), ("Transfers", self.transfers),
                  ("Sockets", self.sockets), ("Console", self.console),
                  ("Elements", self.elements), ("Domains", self.domains),
                  ("Mocks", self.mocks)]
        if self.web is not None:  # else the data is in the phone itself
            panels.insert(5, ("AppData", self.appdata))
        for name, panel in panels:
            dock = QDockWidget(name, self, objectName=f"dock-{name}")
            dock.setWidget(panel)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            if first is None:
                first = dock
            else:
                self.tabifyDockWidget(first, dock)
            self.docks[name] = dock
        self.docks["Network"].raise_()
        self._elements_stale = True
        self._elements_soon = QTimer(self, singleShot=True, interval=ELEMENTS_MS)
        self._elements_soon.timeout.connect(self._show_elements)
        self.docks["Elements"].visibilityChanged.connect(
            lambda shown: shown and self._elements_stale and self._show_elements(force=True))
        self.resizeDocks([first], [900], Qt.Orientation.Horizontal)
        self._build_actions()
        bar = self.statusBar()
        assert bar is not None
        self.status = AppStatus(bar, self.show_problems)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(lambda _p: self._reload_soon.start())
        self.watcher.directoryChanged.connect(lambda _p: self._reload_soon.start())
        self._reload_soon = QTimer(self, singleShot=True, interval=RELOAD_DEBOUNCE_MS)
        self._reload_soon.timeout.connect(self.reload)
        state = self.prefs.value("window/state")
        geometry = self.prefs.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    # ---- chrome ----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        def action(text: str, slot: Callable[[], Any], shortcut: str | None = None) -> QAction:
            a = QAction(text, self)
            a.triggered.connect(slot)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            return a

        self.open_action = action("Open app folder…", self.choose_app, "Ctrl+O")
        self.reload_action = action("Reload", self.reload, "Ctrl+R")
        self.stop_action = action("Stop", lambda: self._spawn(self.stop()), "Ctrl+.")
        self.har_action = action("Export HAR…", self.export_har, "Ctrl+S")
        self.clear_action = action("Clear log", self.clear_log, "Ctrl+K")
        self.settings_action = action("Settings (domains)…",
                                      lambda: self.docks["Domains"].raise_())
        menu_bar = self.menuBar()
        assert menu_bar is not None
        file_menu = menu_bar.addMenu("&File")
        assert file_menu is not None
        file_menu.addAction(self.open_action)
        self.recent_menu = QMenu("Recent", self)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        for a in (self.reload_action, self.stop_action, self.har_action):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(action("Quit", self.close, "Ctrl+Q"))
        view = menu_bar.addMenu("&View")
        assert view is not None
        view.addAction(self.clear_action)
        view.addAction(self.settings_action)
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        toolbar = self.addToolBar("Main")
        assert toolbar is not None
        toolbar.setObjectName("toolbar")
        for a in (self.open_action, self.reload_action, self.stop_action, self.har_action,
                  self.clear_action, self.settings_action):
            toolbar.addAction(a)
        # Compile modes: shown only for an app whose project file defines some.
        self.start_combo = StartPicker()
        self.start_combo.chosen.connect(self._start_chosen)
        toolbar.addSeparator()
        self._start_actions = [toolbar.addWidget(QLabel(" Start: ")),
                               toolbar.addWidget(self.start_combo)]
        for a in self._start_actions:
            a.setVisible(False)
        self._refresh_recent()

    def _update_status(self) -> None:
        self.status.show_host(self.host)

    def show_problems(self) -> None:
        """Bring the console forward, showing the load problems (the error level)."""
        self.docks["Console"].show()
        self.docks["Console"].raise_()
        self.console.level.setCurrentText("error")

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent():
            self.recent_menu.addAction(path, lambda p=path: self.open_app(Path(p)))

    def recent(self) -> list[str]:
        value = self.prefs.value("recent", [])
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v]

    def _remember(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent() if p != str(path)]
        self.prefs.setValue("recent", items[:MAX_RECENT])
        self._refresh_recent()

    # ---- app lifecycle -----------------------------------------------------------------------
    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("GUI task failed", exc_info=t.exception())

        task.add_done_callback(done)
        return task

    def choose_app(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open a mini-program folder")
        if path:
            self.open_app(Path(path))

    def open_app(self, path: Path, page: str | None = None,
                 condition: str | None = None) -> asyncio.Task[Any]:
        """Stop the running app (if any) and start the one in ``path``: in the compile mode
        ``condition`` (a name, as ``--condition``) when the project file has it, else on
        ``page`` (``ROUTE[?QUERY]``, as ``--page``), else on its first page."""
        return self._spawn(self.start(path, page, condition))

    def reload(self) -> None:
        """Start the app again, on the page (or compile mode) it was started on."""
        if self.app_dir is not None:
            self.open_app(self.app_dir, self.start_page, self.start_condition)

    async def start(self, path: Path, page: str | None = None,
                    condition: str | None = None) -> AppHost | None:
        """Stop the running app and run the one in ``path`` (in compile mode ``condition``
        or on ``page`` if given); None if it cannot be loaded (the reason goes to the
        console)."""
        await self.stop()
        path = path.resolve()
        self.app_dir = path
        self.start_page = page
        self.start_condition = condition
        self._clear_views()
        try:
            package = load_package(path)
            settings = self.settings_for(path)
            if self.device is not None:
                settings.device = self.device
        except EmulatorError as exc:
            self._fill_start_combo(None)
            self._load_error(str(exc))
            return None
        chosen = package.project.condition(condition) if condition else None
        if chosen is not None:
            page = self.start_page = condition_page(chosen)
        self._fill_start_combo(package, chosen)
        host = AppHost(package, settings, EventBus(),
                       responder=lambda kind, o: ask_modal(self, kind, o),
                       prompt=self.prompts,
                       picker=self._pick_files)
        self.attach(host)
        self._queued_files = QueuePicker(settings.choose_files)
        self._watch(path)
        self._remember(path)
        self.setWindowTitle(f"{package.name} — swan-emulator")
        try:
            await host.start(*split_page(page))
        except EmulatorError as exc:
            self._load_error(str(exc))
        self.intake.flush()
        return host

    def attach(self, host: AppHost) -> None:
        """Show ``host`` (call before it starts, so every event is seen): its events, its
        page, its chrome and settings. The window's own start does this; so does a test
        that drives an app and watches it here (emulator/gui/driven.py)."""
        package = host.package
        self.intake.attach(host.bus)
        self.host = host
        self.app_dir = package.root
        if self.mirror is not None:
            self.mirror.attach(host)
        self.simulator.configure(package.window,
                                 {r: p.title for r, p in package.pages.items() if p.title},
                                 host.network_type, tab_bar=package.app_json.get("tabBar"),
                                 app_root=package.root, device=host.settings.device)
        self.domains.load(host.settings, host.url_check)
        # Automation (network.throttle/offline) and the lab change the link too: the
        # status bar follows every change, not only the window's own pickers.
        host.conditions.subscribe(lambda _c: self._update_status() if self.host is host else None)
        self._update_status()

    async def stop(self) -> None:
        """Close the running app."""
        host, self.host = self.host, None
        if host is not None:
            await host.close()
            # After the close, so a prompt left open answers nothing to a running app.
            self.prompts.dismiss_all()
            self.intake.flush()
            self.intake.detach()
        self._update_status()

    def _fill_start_combo(self, package: AppPackage | None,
                          chosen: Condition | None = None) -> None:
        shown = self.start_combo.fill(package, chosen, self.start_page)
        for a in self._start_actions:
            a.setVisible(shown)

    def _start_chosen(self, choice: Any) -> None:
        """The user picked a start in the toolbar: reload the app there."""
        if choice is None:
            self.start_page, self.start_condition = None, None
        elif choice[0] == "condition":
            self.start_page, self.start_condition = None, choice[1]
        else:
            self.start_page, self.start_condition = choice[1], None
        self.reload()

    def _load_error(self, message: str) -> None:
        self.console.take([ConsoleMessage(level="error", text=f"failed to load: {message}")])
        self.docks["Console"].raise_()

    def _watch(self, path: Path) -> None:
        files = self.watcher.files() + self.watcher.directories()
        if files:
            self.watcher.removePaths(files)
        watch = [str(p) for p in path.rglob("*")
                 if p.suffix in (".js", ".json", ".swan", ".css")
                 and "node_modules" not in p.parts][:2000]
        dirs = {str(p) for p in path.rglob("*") if p.is_dir()} | {str(path)}
        if watch:
            self.watcher.addPaths(watch)
        self.watcher.addPaths(sorted(dirs)[:500])

    async def _pick_files(self, kind: str, count: int) -> list[Path]:
        # Files given in the settings (chooseFiles / --choose-file) come first, as headless.
        if self._queued_files is not None:
            queued = await self._queued_files(kind, count)
            if queued:
                return queued
        # A non-blocking dialog: a modal exec() would re-enter the loop from inside a task.
        future: asyncio.Future[list[Path]] = asyncio.get_running_loop().create_future()
        dialog = QFileDialog(self, f"swan.choose{kind.capitalize()}: pick up to {count}")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(["Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)",
                               "All files (*)"])

        def done(result: int) -> None:
            if not future.done():
                files = dialog.selectedFiles() if result else []
                future.set_result([Path(p) for p in files[:count]])

        dialog.finished.connect(done)
        dialog.open()
        try:
            return await future
        finally:
            dialog.deleteLater()

    def _clear_views(self) -> None:
        self.problems.clear()
        self.status.show_problems(self.problems)
        self.flows.clear()
        self.transfers.model.clear()
        self.sockets.sockets.clear()
        self.sockets.frames.show(None)
        self.network.details.show_flow(None)
        self.simulator.reset()
        self.appdata.reset()
        if self.mirror is not None:
            self.mirror.detach()
            self.mirror.show(None)

    def clear_log(self) -> None:
        self.flows.clear()
        self.transfers.model.clear()
        self.sockets.sockets.clear()
        self.sockets.frames.show(None)
        self.network.details.show_flow(None)
        if self.host is not None:
            self.host.flows.clear()
        self.network.refresh()

    def export_har(self, path: Path | None = None) -> Path | None:
        if self.host is None:
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Export HAR", "network.har", "HAR (*.har)")
            if not name:
                return None
            path = Path(name)
        write_har(path, list(self.host.flows))
        bar = self.statusBar()
        if bar is not None:
            bar.showMessage(f"HAR written to {path}", 5000)
        return path

    # ---- events --------------------------------------------------------------------------------
    def take(self, events: list[Event]) -> None:
        """One batch from the core: one pass to route it, then each view updates once."""
        transfers: list[TransferFlow] = []
        sockets: list[SocketFlow] = []
        for_console: list[Event] = []
        for_simulator: list[Event] = []
        problems: list[LoadProblem] = []
        moved: set[int] = set()
        rendered = False
        add, touch = self.flows.add, self.flows.touch
        for e in events:
            kind = type(e)
            if kind in _TOUCHING:
                touch(e.flow)  # type: ignore[attr-defined]
                moved.add(e.flow.id)  # type: ignore[attr-defined]
            elif kind is FlowStarted:
                flow = e.flow  # type: ignore[attr-defined]
                add(flow)
                if isinstance(flow, TransferFlow):
                    transfers.append(flow)
                elif isinstance(flow, SocketFlow):
                    sockets.append(flow)
            elif kind in _CONSOLE:
                for_console.append(e)
                if kind is UiRequest:
                    for_simulator.append(e)
                elif isinstance(e, LoadProblem):
                    problems.append(e)
            elif kind in _PAGE:
                for_simulator.append(e)
                rendered = rendered or kind is PageStackChanged
            elif kind is PageRendered:
                rendered = True
            elif kind is AppLaunched:
                self._update_status()
        self.flows.commit()
        if transfers or moved:
            self.transfers.model.sync(transfers, bool(moved))
        if sockets or moved:
            self.sockets.sockets.sync(sockets, bool(moved))
            self.sockets.refresh()
        self.network.refresh(moved)
        if for_console:
            self.console.take(for_console)
        if problems:
            self.problems.extend(problems)
            self.status.show_problems(self.problems)
        if for_simulator:
            self.simulator.take(for_simulator)
            self.appdata.take(for_simulator)
        if self.mirror is not None:
            self.mirror.take(events)  # renders, page changes, pageScrollTo
        if rendered and not self._elements_soon.isActive():
            # Rebuilt at most every ELEMENTS_MS: a page re-rendering on every frame must
            # not rebuild a tree of thousands of rows each time.
            self._elements_soon.start()

    # ---- actions on the running app ----------------------------------------------------------
    def _show_elements(self, force: bool = False) -> None:
        """The page on screen's rendered tree, in the Elements panel (once per batch, and
        only while the panel is shown: a page re-rendering 60 times a second must not
        rebuild a hidden tree)."""
        if not force and not self.elements.isVisible():
            self._elements_stale = True
            return
        self._elements_stale = False
        view = self.host.page.view() if self.host is not None else None
        if view is None:
            self.elements.show_tree("", [])
        else:
            self.elements.show_tree(view.route, view.root.children, view.error)

    def _tap_node(self, node_id: int) -> None:
        if self.host is None:
            return
        try:
            self.host.page.tap(node_id)
        except EmulatorError as exc:
            self.statusBar().showMessage(str(exc), 5000)

    def _set_device(self, name: str) -> None:
        """The user picked another phone: the app starts again on it (getSystemInfo's
        values are read once, at launch, as on a device)."""
        self.device = name
        self.reload()

    def _pull_down(self) -> None:
        """The user pulls the page on screen down (the refresh shows until the app's
        stopPullDownRefresh)."""
        if self.host is None or not self.host.page_stack:
            return
        try:
            self.host.gestures.pull_down_refresh(self.host.page_stack[-1].page_id)
        except EmulatorError as exc:
            self._status(str(exc))
            return
        self.simulator.refreshing.show()

    def _reveal_elements(self) -> None:
        self.docks["Elements"].show()
        self.docks["Elements"].raise_()
        self._show_elements(force=True)

    def _status(self, message: str) -> None:
        bar = self.statusBar()
        if bar is not None:
            bar.showMessage(message, 5000)

    def _set_data(self, page_id: int, changes: dict[str, Any]) -> str | None:
        if self.host is None:
            return "no app is running"
        try:
            self.host.set_data(page_id, changes)
        except EmulatorError as exc:
            return str(exc)
        return None

    def _call_method(self, page_id: int, name: str) -> None:
        if self.host is not None:
            try:
                self.host.call_method(page_id, name)
            except ValueError as exc:
                bar = self.statusBar()
                if bar is not None:
                    bar.showMessage(str(exc), 5000)

    def _go_back(self) -> None:
        if self.host is not None:
            self.host.navigate("navigateBack")

    def _switch_tab(self, url: str) -> None:
        if self.host is not None:
            self.host.navigate("switchTab", url)

    def _set_network(self, network_type: str) -> None:
        if self.host is not None:
            self.host.set_network_type(network_type)
            self._update_status()

    def _evaluate(self, source: str) -> str:
        return self.host.evaluate(source) if self.host else "no app is running"

    def _abort_transfer(self, flow_id: int) -> bool:
        return self.host.abort_transfer(flow_id) if self.host else False

    def _close_socket(self, flow_id: int, code: int, reason: str) -> bool:
        return self.host.close_socket(flow_id, code, reason) if self.host else False

    def _show_refused(self) -> None:
        self.docks["Network"].raise_()
        self.network.show_refused()

    def _apply_network(self, domains: dict[str, list[str]], url_check: bool,
                       hosts: dict[str, str], ca_file: Path | None) -> str | None:
        if self.host is None:
            return "no app is running"
        try:
            self.host.apply_network_settings(domains, url_check, hosts, ca_file)
        except ConfigError as exc:
            return str(exc)
        target = self.host.settings.source or (self.host.package.root / SETTINGS_FILE)
        try:
            save_network_settings(target, self.host.settings)
        except OSError as exc:
            return f"applied, but not saved: {exc}"
        # All four lists are in that file now, whatever they were read from before.
        self.domains.show_sources({f"domains.{k}": target.name for k in DOMAIN_LISTS})
        self._update_status()
        return None

    # ---- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent | None) -> None:
        self.prefs.setValue("window/geometry", self.saveGeometry())
        self.prefs.setValue("window/state", self.saveState())
        super().closeEvent(event)
        self.closed.emit()

