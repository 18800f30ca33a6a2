"""The one-page app the network benches run: written, started, run until idle, closed."""

from __future__ import annotations

from pathlib import Path

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import Settings
from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage


async def run_page_app(root: Path, page_js: str, settings: Settings) -> tuple[list[str], AppHost]:
    """Write an app whose one page runs ``page_js`` under ``root/app`` (its data under
    ``root/data``), run it until it is idle and close it; return its console lines and
    the closed host (its flows stay readable)."""
    app = root / "app"
    (app / "pages" / "index").mkdir(parents=True)
    (app / "app.json").write_text('{"pages": ["pages/index/index"]}')
    (app / "app.js").write_text("App({});")
    (app / "pages" / "index" / "index.js").write_text(page_js)
    settings.data_dir = root / "data"
    bus = EventBus()
    lines: list[str] = []
    bus.subscribe(lambda e: lines.append(e.text), ConsoleMessage)
    host = AppHost(load_package(app), settings, bus)
    await host.start()
    await host.wait_idle()
    await host.close()
    return lines, host


def https_server_script(domain: str, handler: str) -> str:
    """The source of an HTTPS server for ``server_process``: the demo backend's HTTP
    server with a fresh trustme CA (written to argv[1]) naming ``domain`` and 127.0.0.1;
    ``handler`` is source defining ``handler(request)`` (``emulator.devserver.http``'s
    Response is imported). It prints its port and runs until its stdin closes."""
    return f"""
import asyncio, json, sys, trustme
from emulator.devserver.certs import ServerCertificates
from emulator.devserver.http import HttpServer, Response
{handler}

async def main():
    ca = trustme.CA()
    ca.cert_pem.write_to_path(sys.argv[1])
    certs = ServerCertificates(ca, default_names=({domain!r}, "127.0.0.1"))
    async with HttpServer(handler, ssl_context=certs.server_context) as server:
        print(server.port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until EOF

asyncio.run(main())
"""
