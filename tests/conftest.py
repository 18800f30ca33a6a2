"""Shared fixtures: mini-program folders written to disk and run on the real engine."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import Settings
from emulator.devserver.certs import ServerCertificates
from emulator.devserver.http import HttpServer, Request, Response
from emulator.devserver.routes import handle
from emulator.devserver.ws import WsServer
from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage, Event, UncaughtError

DEFAULT_PAGE = "Page({});\n"


@pytest.fixture(autouse=True)
def _isolated_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own sandbox root, never the user's."""
    home = tmp_path / "swan-home"
    monkeypatch.setenv("SWAN_EMULATOR_HOME", str(home))
    return home


def write_app(root: Path, files: dict[str, Any]) -> Path:
    """Write a mini-program: ``files`` maps relative paths to text (dicts become JSON).

    ``app.json`` defaults to one page ``pages/index/index`` and ``app.js`` to ``App({})``;
    a file given as None is left out (a listed page without its .js, say).
    """
    files = dict(files)
    files.setdefault("app.json", {"pages": ["pages/index/index"]})
    files.setdefault("app.js", "App({});\n")
    app_json = files["app.json"]
    if isinstance(app_json, dict):
        routes = list(app_json.get("pages", []))
        for sub in app_json.get("subPackages", []):
            routes += [f"{sub['root']}/{page}" for page in sub.get("pages", [])]
        for route in routes:
            files.setdefault(f"{route}.js", DEFAULT_PAGE)
    for rel, content in files.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, (dict, list)):
            content = json.dumps(content, ensure_ascii=False)
        path.write_text(content, encoding="utf-8")
    return root


@dataclass
class Run:
    """A started app and everything it published."""

    host: AppHost
    events: list[Event] = field(default_factory=list)

    @property
    def logs(self) -> list[str]:
        """Text of console.log/info/debug calls."""
        return [e.text for e in self.events
                if isinstance(e, ConsoleMessage) and e.level in ("log", "info", "debug")]

    @property
    def warnings(self) -> list[str]:
        """Text of console.warn/error calls."""
        return [e.text for e in self.events
                if isinstance(e, ConsoleMessage) and e.level in ("warn", "error")]

    @property
    def errors(self) -> list[UncaughtError]:
        """Uncaught errors."""
        return [e for e in self.events if isinstance(e, UncaughtError)]

    def of(self, kind: type[Event]) -> list[Any]:
        """Events of one type."""
        return [e for e in self.events if isinstance(e, kind)]

    async def idle(self) -> Run:
        """Wait (bounded) until the app has nothing left to do."""
        import asyncio

        await asyncio.wait_for(self.host.wait_idle(), 10)
        return self


AppRunner = Callable[..., Awaitable[Run]]


@pytest.fixture
async def run_app(tmp_path: Path) -> Any:
    """``await run_app(files, settings=None, wait=True)``: write, load, start, wait idle."""
    hosts: list[AppHost] = []

    async def run(files: dict[str, Any], settings: Settings | None = None, *,
                  wait: bool = True, start: bool = True) -> Run:
        root = write_app(tmp_path / f"app{len(hosts)}", files)
        bus = EventBus()
        host = AppHost(load_package(root), settings or Settings(), bus)
        hosts.append(host)
        run = Run(host)
        bus.subscribe(run.events.append)
        if start:
            await host.start()
            if wait:
                await run.idle()
        return run

    yield run
    for host in hosts:
        await host.close()


DEMO_DOMAIN = "api.demo.test"
WS_DOMAIN = "ws.demo.test"


@dataclass
class DemoServer:
    """The demo routes on a real HTTPS server on 127.0.0.1, with a trustme CA."""

    server: HttpServer
    ca_file: Path
    ws: WsServer
    active: int = 0
    max_active: int = 0

    @property
    def port(self) -> int:
        return self.server.port

    def settings(self, **overrides: Any) -> Settings:
        """Settings that whitelist the demo domain and map it to this server."""
        base: dict[str, Any] = {
            "domains": {"request": [f"https://{DEMO_DOMAIN}"],
                        "uploadFile": [f"https://{DEMO_DOMAIN}"],
                        "downloadFile": [f"https://{DEMO_DOMAIN}"],
                        "socket": [f"wss://{WS_DOMAIN}"]},
            "hosts": {DEMO_DOMAIN: f"127.0.0.1:{self.port}", WS_DOMAIN: f"127.0.0.1:{self.ws.port}"},
            "ca_file": self.ca_file,
        }
        base.update(overrides)
        return Settings(**base)


@pytest.fixture
async def demo_server(tmp_path: Path) -> Any:
    """A real HTTPS server and a WSS server (trustme certificates for any name asked by SNI)
    on 127.0.0.1; counts HTTP requests in flight. Stopped when the test ends."""
    ca = trustme.CA()
    ca_file = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    certs = ServerCertificates(ca, default_names=(DEMO_DOMAIN,))
    demo: DemoServer

    async def counting(request: Request) -> Response:
        demo.active += 1
        demo.max_active = max(demo.max_active, demo.active)
        try:
            return await handle(request)
        finally:
            demo.active -= 1

    server = HttpServer(counting, ssl_context=certs.server_context)
    ws = WsServer(ssl_context=certs.server_context)
    demo = DemoServer(server, ca_file, ws)
    await server.start()
    await ws.start()
    yield demo
    await server.close()
    await ws.close()
