"""Runs one mini-program: loads its files into a runtime, launches it, and is the handle the
headless runner and the GUI drive it by."""

from __future__ import annotations

import asyncio
import functools
import json
import posixpath
import re
import ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator import __version__
from emulator.app.package import AppPackage
from emulator.app.page_gestures import PageGestures
from emulator.app.sandbox import Sandbox
from emulator.config import Settings, apply_project, data_root
from emulator.errors import ConfigError, PackageError, ScriptError
from emulator.flows.bus import EventBus
from emulator.flows.events import (
    AppLaunched,
    AppStopped,
    ComponentCreated,
    ComponentEvent,
    ConsoleMessage,
    Event,
    LoadProblem,
    PageCreated,
    PageDataChanged,
    PageLifecycle,
    PageRef,
    PageStackChanged,
)
from emulator.flows.store import FlowStore
from emulator.net.errors import Offline
from emulator.net.hosts import HostMap, Target, make_ssl_context
from emulator.net.policy import DomainPolicy
from emulator.net.shaping.conditions import NetworkConditions
from emulator.net.shaping.profiles import Profile
from emulator.runtime import esm
from emulator.runtime.bridge import Runtime
from emulator.swan.account import AccountService
from emulator.swan.chooser import ChooseService, Picker, QueuePicker
from emulator.swan.files import USER_DATA_PATH, AppFiles
from emulator.swan.fs import FileService
from emulator.swan.storage import StorageFile
from emulator.swan.surface import surface
from emulator.swan.system import network_status, system_info
from emulator.swan.ui import Responder, UiService, headless_responder
from emulator.view.driver import PageDriver
from emulator.view.outline import outline_of
from emulator.view.renderer import Renderer

if TYPE_CHECKING:
    from emulator.app.network_apis import NetworkApis
    from emulator.devserver.backend import DemoBackend
    from emulator.flows.flow import HttpFlow
    from emulator.net.client import Network
    from emulator.net.mock.lab import NetworkLab
    from emulator.net.mock.replay import HarReplay
    from emulator.net.mock.rules import RuleList
    from emulator.net.resend import RequestEdits
    from emulator.swan.request import RequestService
    from emulator.swan.socket import SocketService
    from emulator.swan.transfer import TransferService

MODULE_HEADER = "__swan_host__.define({path}, function (module, exports, require, __filename, " \
                "__dirname) {{"
MODULE_FOOTER = "});"
_VIRTUAL_POSITION = re.compile(r"<input>:\d+(?::\d+)?")
_AT_POSITION = re.compile(r" \(at ([^()]+:\d+(?::\d+)?)\)$")
# The messages of the network APIs (emulator/app/network_apis.py), which are made on the
# first of them; tests/test_startup_imports.py checks the list against what they handle.
NETWORK_OPS = ("request", "request.abort", "uploadFile", "uploadFile.abort", "downloadFile",
               "downloadFile.abort", "socket.connect", "socket.send", "socket.close")


class AppHost:
    """One running mini-program.

    Create it inside a running event loop, then :meth:`start`. Everything it learns is
    published on ``bus``; see :mod:`emulator.flows.events`. ``responder`` answers modals
    and action sheets; ``prompt`` the account's login, authorize, openSetting and payment
    prompts (see :class:`~emulator.swan.account.AccountService`; None: the settings
    answer).
    """

    def __init__(self, package: AppPackage, settings: Settings, bus: EventBus | None = None,
                 *, loop: asyncio.AbstractEventLoop | None = None,
                 responder: Responder = headless_responder,
                 prompt: Responder | None = None,
                 picker: Picker | None = None) -> None:
        self.package = package
        self.settings = settings
        self.bus = bus or EventBus()
        self._project_warnings = apply_project(settings, package.project)
        self.sandbox = Sandbox(data_root(settings), package)
        self.runtime = Runtime(
            self.bus,
            loop=loop,
            time_limit=settings.script_time_limit,
            memory_limit=settings.memory_limit_mb * 1024 * 1024,
        )
        self.storage = StorageFile(self.sandbox.storage_file)
        self.storage.attach(self.runtime)
        self.ui = UiService(self.runtime, self.bus, responder)
        self.flows = FlowStore(self.bus)
        self.backend: DemoBackend | None = None
        self._ssl_contexts: dict[bool, ssl.SSLContext] = {}
        self.url_check = url_check_of(package, settings)
        self.hosts = HostMap(settings.hosts, builtin=self._builtin_target)
        self._policy = DomainPolicy(settings.domains, enabled=self.url_check)
        # HAR replay (the network lab's), checked now; the mock rules are made on first use.
        self._replay: HarReplay | None = None
        if settings.replay:
            from emulator.net.mock.replay import HarReplay

            self._replay = HarReplay(settings.replay)
        # Weak network and offline.
        self.conditions = NetworkConditions(settings.network_type, settings.throttle,
                                            settings.throttle_profiles)
        self.files = AppFiles(self.sandbox)
        self.file_service = FileService(self.runtime, self.files, self.bus)
        # request, uploadFile/downloadFile and sockets, with their HTTP stack, are made on
        # the app's first call of one of them (they import httpx and websockets, ~70 ms of
        # a start, and many runs make no call): until then a stand-in takes their messages.
        self._network_apis: NetworkApis | None = None
        for op in NETWORK_OPS:
            self.runtime.register(op, functools.partial(self._first_network_call, op))
        self.chooser = ChooseService(self.runtime, self.files,
                                     picker or QueuePicker(settings.choose_files))
        self.account = AccountService(self.runtime, self.bus, settings.account,
                                      self.sandbox.account_file,
                                      app_key=package.project.key,
                                      base_version=settings.base_version, responder=prompt)
        self.renderer = Renderer(package, self.bus, self.runtime.loop, runtime=self.runtime)
        self.page = PageDriver(self)
        self.gestures = PageGestures(self)  # scroll, pull-down refresh, reach bottom
        self.bus.subscribe(self._on_component_event, ComponentEvent)
        self.network_type = settings.network_type
        self.page_stack: tuple[PageRef, ...] = ()
        self.started = False
        self.problem_count = 0  # parts of the app that failed to load
        # Counted as published, whoever publishes (the view layer reports templates).
        self.bus.subscribe(self._count_problem, LoadProblem)
        self._closed = False
        self._outlined: set[str] = set()  # templates whose outline JS has
        self._register_page_events()

    # ---- network setup ----------------------------------------------------------------
    def _builtin_target(self, kind: str) -> Target:
        if self.backend is None:
            raise RuntimeError("the builtin backend is not running")
        return self.backend.target(kind)

    def _ssl_context(self, verify: bool) -> ssl.SSLContext:
        # Made once per mode, on the first connection that needs it: loading the trust
        # store costs ~50 ms (CPU), which an app that makes no call should not pay.
        # The dict of this moment: a context made in a thread while the settings change
        # lands in the replaced dict, never in the new one (apply_network_settings).
        contexts = self._ssl_contexts
        ctx = contexts.get(verify)
        if ctx is None:
            extra = [self.backend.ca_pem] if self.backend is not None else []
            ctx = make_ssl_context(verify=verify, ca_file=self.settings.ca_file,
                                   extra_ca_pem=extra)
            contexts[verify] = ctx
        return ctx

    # ---- network APIs, made on first use ------------------------------------------------
    def _apis(self) -> NetworkApis:
        if self._network_apis is None:
            # Imported here: httpx, httpcore and websockets (see NETWORK_OPS).
            from emulator.app.network_apis import NetworkApis

            self._network_apis = NetworkApis(self, policy=self._policy, replay=self._replay,
                                             ssl_context=self._ssl_context,
                                             user_agent=user_agent(self.settings.base_version))
        return self._network_apis

    def _first_network_call(self, op: str, call_id: int, args: Any) -> None:
        """A network API's message before the APIs exist: make them (their handlers take
        the stand-ins' places) and hand the message to its own handler."""
        self._apis()
        handler = self.runtime.handler(op)
        if handler is None or getattr(handler, "func", None) == self._first_network_call:
            raise RuntimeError(f"the network APIs do not handle {op!r}")
        handler(call_id, args)

    @functools.cached_property
    def mocks(self) -> RuleList:
        """The live mock rules (the network lab's; made on first use: the lab's modules
        wait for an app that uses them). Each rule of the settings as a run starts it
        (``Rule.for_run``): a reload, or a second launch from the same Settings, starts
        with fresh ``times`` counters and mocks' state."""
        from emulator.net.mock.rules import RuleList

        return RuleList([rule.for_run() for rule in self.settings.mocks])

    @property
    def network(self) -> Network:
        """The HTTP stack of the app's requests and transfers (made on first use)."""
        return self._apis().network

    @property
    def lab(self) -> NetworkLab:
        """The network lab: mock rules and HAR replay (made on first use)."""
        return self._apis().lab

    @property
    def requests(self) -> RequestService:
        """``swan.request`` (made on first use)."""
        return self._apis().requests

    @property
    def transfers(self) -> TransferService:
        """``swan.uploadFile`` and ``swan.downloadFile`` (made on first use)."""
        return self._apis().transfers

    @property
    def sockets(self) -> SocketService:
        """``swan.connectSocket`` and its socket tasks (made on first use)."""
        return self._apis().sockets

    # ---- loading ------------------------------------------------------------------------
    async def start(self, path: str | None = None,
                    query: dict[str, str] | None = None) -> None:
        """Start the builtin backend if a domain maps to it, load every module, run app.js
        and open the first page (or ``path``).

        Raises PackageError or ScriptError (with the app's file:line) when the app cannot
        load; an exception inside a lifecycle hook is only reported, as on the platform.
        """
        if self.hosts.uses_builtin and self.backend is None:
            # Imported here: its CA tooling (cryptography) is heavy, and most apps map no
            # domain to the builtin backend.
            from emulator.devserver import backend as demo

            self.backend = await demo.DemoBackend().start()
        self.sandbox.open()
        for problem in self.package.problems:
            self._problem(problem.path or "", problem.reason)
        for warning in self._project_warnings:
            self.bus.publish(ConsoleMessage(level="warn", text=warning,
                                            location=self.package.project.file))
        self._define_modules()
        # The start route as the JS side reads it (launch() parses the query off).
        start = posixpath.normpath("/" + (path or self.package.entry).partition("?")[0])
        self.runtime.enter("init", self._init_payload(start.lstrip("/")))
        result = self.runtime.enter(
            "launch", {"path": path or "", "query": query or {}}, strict=True) or {}
        if "error" in result:
            raise PackageError(result["error"], result.get("file"))
        self.started = True
        self.bus.publish(AppLaunched(name=self.package.name, root=str(self.package.root)))

    def _define_modules(self) -> None:
        root = self.package.root
        for rel in self.package.modules:
            try:
                source = (root / rel).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                self._define_broken(rel, f"cannot read {rel}: {exc}")
                continue
            if rel.endswith(".json"):
                try:
                    value = json.loads(source, parse_constant=_not_json)
                except json.JSONDecodeError as exc:
                    self._define_broken(rel, f"invalid JSON in {rel} at line "
                                        f"{exc.lineno} column {exc.colno}: {exc.msg}")
                    continue
                except ValueError as exc:
                    self._define_broken(rel, f"invalid JSON in {rel}: {exc}")
                    continue
                self.runtime.enter("defineJson", {"path": rel, "value": value})
                continue
            footer = MODULE_FOOTER
            if esm.is_module(source):
                source, epilogue = esm.to_commonjs(source)
                footer = f";{epilogue} {MODULE_FOOTER}"
            try:
                self.runtime.run_script(rel, source, header=MODULE_HEADER.format(
                    path=json.dumps(rel)), footer=footer)
            except ScriptError as exc:
                # Reported when the module is required, so an unused broken file does not
                # stop the app, and a used one fails with its own file:line.
                position = _VIRTUAL_POSITION.search(exc.raw)
                suffix = f" (at {position.group(0)})" if position else f" (in {rel})"
                self._define_broken(rel, exc.raw.partition("\n")[0].removeprefix(
                    "SyntaxError: ") + suffix)

    def _define_broken(self, rel: str, message: str) -> None:
        self.runtime.enter("defineBroken", {"path": rel, "message": message})

    def _init_payload(self, start: str) -> dict[str, Any]:
        pkg = self.package
        return {
            "pages": pkg.routes,
            "broken": pkg.broken,
            "tabBar": pkg.tab_bar,
            "entry": pkg.entry,
            # Pages the view renders (their components come from the rendered template).
            "templates": [route for route, page in pkg.pages.items() if page.template],
            "components": {
                # Made by the page itself only when it has no template (so no attributes).
                route: [{"name": c.name, "path": c.path} for c in page.components]
                for route, page in pkg.pages.items()
            },
            "systemInfo": system_info(pkg, self.settings),
            "baseVersion": self.settings.base_version,
            "networkType": self.network_type,
            "storage": self.storage.data,
            "userDataPath": USER_DATA_PATH,
            "files": self.file_service.snapshot(),
            "surface": surface(),
            "appKey": pkg.project.key or "",
            "subPackages": sub_package_roots(pkg),
            "extConfig": ext_config(pkg),
            "outlines": self._outlines_of(start),
            "account": self.account.snapshot(),
        }

    def _on_component_event(self, event: Event) -> None:
        if isinstance(event, ComponentEvent):
            # Published while JS runs: the handlers' entries queue behind it.
            self.renderer.occurrences.trigger(event.instance_id, event.name, event.detail,
                                              event.options)

    def _outlines_of(self, route: str) -> dict[str, dict[str, list[str]]]:
        """What the templates of a page and of its components declare (for selector
        queries), those the JS side does not have yet. Asked for page by page, as pages
        open: parsing every template of an app at start was 8-22 ms on real apps of 26 to
        61 templates."""
        page = self.package.pages.get(route)
        if page is None:
            return {}
        root = self.package.root
        out: dict[str, dict[str, list[str]]] = {}
        todo = [route, *(c.path for c in page.components)]
        while todo:
            path = todo.pop()
            if path in self._outlined:
                continue
            self._outlined.add(path)
            if path != route:  # the components a component uses, found as the view does
                todo.extend(self.renderer.occurrences.using_path(path).values())
            if (root / f"{path}.swan").is_file():
                out[path] = outline_of(root / f"{path}.swan").as_json()
        return out

    def _send_outlines(self, route: str) -> None:
        """Give the JS side a page's outlines ahead of the step that opens the page (an
        entry queued now runs before it)."""
        outlines = self._outlines_of(route)
        if outlines:
            self.runtime.enter("outlines", outlines)

    # ---- page events from JS ----------------------------------------------------------
    def _register_page_events(self) -> None:
        publish = self.bus.publish
        rt = self.runtime
        # A navigation names its page before the step that opens it.
        rt.register("outlines.want", lambda i, a: self._send_outlines(str(a.get("route", ""))))
        rt.register("page.created", lambda i, a: publish(PageCreated(
            page_id=i, route=a["route"], query=a["query"], data=a["data"], methods=a["methods"])))
        rt.register("page.setData", lambda i, a: publish(PageDataChanged(
            page_id=i, route=a["route"], changes=a["changes"])))
        rt.register("page.lifecycle", lambda i, a: publish(PageLifecycle(
            page_id=i, route=a["route"], hook=a["hook"])))
        rt.register("page.stack", self._on_stack)
        rt.register("component.created", lambda i, a: publish(ComponentCreated(
            instance_id=i, page_id=a["pageId"], name=a["name"], path=a["path"],
            data=a["data"], parent_id=a.get("parentId") or 0,
            add_global_class=bool(a.get("addGlobalClass")),
            external_classes=tuple(str(c) for c in a.get("externalClasses") or ()))))
        rt.register("page.render", lambda i, a: self.renderer.release(i))
        rt.register("component.event", lambda i, a: publish(ComponentEvent(
            instance_id=i, name=a["name"], detail=a.get("detail"),
            options=a.get("options") or {})))
        rt.register("app.problem", lambda i, a: self._problem(
            str(a.get("file", "")), rt.engine.sources.rewrite(str(a.get("message", "")))))

    def _problem(self, file: str, message: str) -> None:
        # "… (at pages/a/a.js:3:7)" -> file "pages/a/a.js:3:7", message "…"
        at = _AT_POSITION.search(message)
        if at and at.group(1).split(":")[0] == file:
            file, message = at.group(1), message[:at.start()]
        self.bus.publish(LoadProblem(file=file, message=message))

    def _count_problem(self, _event: LoadProblem) -> None:
        self.problem_count += 1

    def _on_stack(self, _id: int, pages: list[dict[str, Any]]) -> None:
        self.page_stack = tuple(PageRef(p["id"], p["route"], p["query"]) for p in pages)
        self.bus.publish(PageStackChanged(pages=self.page_stack))

    # ---- what a user (GUI, tests) can do ----------------------------------------------------
    def navigate(self, api: str, url: str = "", delta: int = 1) -> None:
        """Navigate as the app would (``navigateTo``, ``navigateBack``, ``switchTab``...)."""
        self.runtime.enter("navigate", {"api": api, "url": url, "delta": delta})

    def call_method(self, page_id: int, name: str, event: dict[str, Any] | None = None) -> None:
        """Call a page method as a tap handler would (an empty tap event by default)."""
        result = self.runtime.enter("callMethod", {"pageId": page_id, "name": name,
                                                   "event": event}, now=True) or {}
        if "error" in result:
            raise ValueError(result["error"])

    def set_data(self, page_id: int, changes: dict[str, Any]) -> None:
        """``setData(changes)`` on an open page, as the app would call it (the AppData
        panel's edits); ScriptError when the page is not open or the call throws."""
        source = ("(function () { var p = getCurrentPages().find(function (x) { "
                  f"return x.__id__ === {int(page_id)}; }}); if (!p) throw new Error("
                  f"'page {int(page_id)} is not open'); p.setData({json.dumps(changes)}); "
                  "return true; })()")
        result = self.runtime.evaluate(source)
        if result.startswith("Uncaught"):
            raise ScriptError(result)

    def abort_transfer(self, flow_id: int) -> bool:
        """Abort an upload/download as the app's ``abort()`` would; the app gets its fail."""
        return self._network_apis is not None and self.transfers.abort(flow_id)

    async def replay(self, flow: HttpFlow, edits: RequestEdits | None = None) -> HttpFlow:
        """Send a recorded request again, outside the app (the window's Replay and Edit
        and resend): through the app's network stack (policy, host mapping, caps, mock
        rules) under its API's networkTimeout. Returns the new flow, ended, marked
        ``replayed``; raises CannotReplay when the body was not kept whole."""
        from emulator.net.bodies import RESPONSE_LIMIT
        from emulator.net.resend import resend

        timeout_ms = self.package.network_timeout_ms.get(flow.api,
                                                         self.package.network_timeout_ms["request"])
        return await resend(self.network, flow, edits, timeout_s=timeout_ms / 1000,
                            max_body=max(RESPONSE_LIMIT, self.settings.limits.download_bytes))

    def close_socket(self, flow_id: int, code: int = 1000, reason: str = "") -> bool:
        """Close a socket with a chosen code and reason; the app sees its onClose."""
        return self._network_apis is not None and self.sockets.close_flow(flow_id, code, reason)

    def apply_network_settings(self, domains: dict[str, list[str]], url_check: bool,
                               hosts: dict[str, str], ca_file: Path | None) -> None:
        """Change the whitelists, checking, host mapping and CA while the app runs; the
        next request uses them. Raises ConfigError (nothing changed) on a bad value."""
        policy = DomainPolicy(domains, enabled=url_check)
        new_hosts = HostMap(hosts, builtin=self._builtin_target)
        if new_hosts.uses_builtin and self.backend is None:
            raise ConfigError("the builtin backend is only started with the app: reload it")
        if ca_file is not None:
            make_ssl_context(ca_file=ca_file)  # fails now (ConfigError) if unreadable
        self.settings.domains = {k: list(v) for k, v in domains.items()}
        self.settings.url_check = url_check
        self.settings.hosts = dict(hosts)
        self.settings.ca_file = ca_file
        self.url_check = url_check
        self.hosts.replace(new_hosts)
        self._policy = policy
        self._ssl_contexts = {}
        if self._network_apis is not None:
            self.network.policy = policy
            self.network.reset_clients()

    def set_network_type(self, network_type: str) -> None:
        """Switch the emulated network: its throttle profile applies to the next bytes
        (unless one is chosen, :meth:`set_throttle`); ``none`` is offline -- every call
        fails, calls in progress and open sockets are cut (onError, onClose 1006); the
        app's onNetworkStatusChange listeners fire. ValueError for an unknown type."""
        payload = network_status(network_type)
        self.network_type = network_type
        self.conditions.set_network_type(network_type)
        if self.conditions.offline and self._network_apis is not None:
            self.network.cut_all(Offline())
            self.sockets.cut_all(Offline())
        self.runtime.emit("networkStatusChange", payload)

    def set_throttle(self, throttle: str | Profile) -> None:
        """Choose the weak-network profile: a name (built-in or the settings'), ``off``,
        ``auto`` (the network type's own) or a Profile; the next bytes use it. ConfigError
        for an unknown name (nothing changes). Offline stays offline."""
        self.conditions.set_throttle(throttle)

    @property
    def throttle(self) -> Profile | None:
        """The weak-network profile in force (None: none; see ``conditions.offline``)."""
        return self.conditions.profile

    def evaluate(self, source: str) -> str:
        """Evaluate console input in the app's context; the formatted result or error."""
        return self.runtime.evaluate(source)

    @property
    def error_count(self) -> int:
        """Uncaught JS errors and parts of the app that failed to load, so far."""
        return self.runtime.error_count + self.problem_count

    async def wait_idle(self) -> None:
        """Return once nothing is pending: no timers, requests, sockets or queued work."""
        await self.runtime.wait_idle()

    async def close(self) -> None:
        """Stop the app: hooks told, network work aborted, timers cancelled, storage
        written, connections and the builtin backend closed, temp files removed."""
        if self._closed:
            return
        self._closed = True
        # No timer fires while the rest closes (each await below is a loop turn).
        self.runtime.timers.close()
        if self.started:
            self.runtime.enter("hide")
        apis = self._network_apis
        if apis is not None:
            apis.requests.calls.cancel_all()
            apis.transfers.calls.cancel_all()
            await apis.sockets.close_all()
        await asyncio.sleep(0)  # let cancelled calls record their aborts
        self.runtime.close()
        self.storage.flush()
        if apis is not None:
            await apis.aclose()
        if self.backend is not None:
            await self.backend.close()
        self.sandbox.close()
        self.bus.publish(AppStopped(root=str(self.package.root)))


def _not_json(name: str) -> Any:
    """json.loads' hook for NaN and Infinity, which Python reads and JSON has not (a
    module the platform's compiler would refuse)."""
    raise ValueError(f"{name} is not a JSON value")


def sub_package_roots(package: AppPackage) -> list[str]:
    """The roots of ``app.json`` ``subPackages`` (for ``swan.loadSubPackage``)."""
    subs = package.app_json.get("subPackages", package.app_json.get("subpackages", []))
    return [str(s["root"]).strip("/") for s in subs if isinstance(s, dict) and "root" in s]


def ext_config(package: AppPackage) -> dict[str, Any]:
    """``ext.json``'s ``ext`` when ``extEnable`` is on (third-party platform apps), else {}."""
    path = package.root / "ext.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("extEnable") is not True:
        return {}
    ext = data.get("ext")
    return ext if isinstance(ext, dict) else {}


def url_check_of(package: AppPackage, settings: Settings) -> bool:
    """Domain checking: the settings (or flag), else project.swan.json, else on."""
    if settings.url_check is not None:
        return settings.url_check
    if package.project.url_check is not None:
        return package.project.url_check
    return True


def user_agent(base_version: str) -> str:
    """The User-Agent of requests: a phone in the Baidu app, and who really sent it."""
    return ("Mozilla/5.0 (iPhone; CPU iPhone OS 14_0 like Mac OS X) AppleWebKit/605.1.15 "
            f"(KHTML, like Gecko) Mobile/15E148 swan/{base_version} baiduboxapp/13.0.0 "
            f"swan-emulator/{__version__}")
