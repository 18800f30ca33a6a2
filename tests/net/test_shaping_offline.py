"""Offline (network type ``none``) as on a device: every API fails with the chosen offline
error, open sockets are cut (onError, onClose 1006), transfers in progress fail,
onNetworkStatusChange fires; back online, service is restored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.flows.events import Event, SocketOpened, TransferProgress
from emulator.flows.flow import FlowState, SocketFlow, SocketState, TransferFlow
from emulator.flows.har import make_har
from emulator.net.errors import ERR_FAILED, R_OFFLINE
from tests.conftest import DEMO_DOMAIN, WS_DOMAIN, DemoServer, Run
from tests.net.shaping_helpers import KIB, TIMED, throttled, timeline
from tests.net.test_shaping_http import SLOW
from tests.swan.test_transfer import make_file

API = f"https://{DEMO_DOMAIN}"
WS = f"wss://{WS_DOMAIN}"
SOCKET = """
function socket(label, url) {
    var t = swan.connectSocket({url: url,
        success: function () { log(label, 'connected'); },
        fail: function (e) { log(label, 'fail', e); }});
    t.onOpen(function () { log(label, 'open'); });
    t.onMessage(function (m) { log(label, 'message', m.data); });
    t.onError(function (e) { log(label, 'error', e.errMsg); });
    t.onClose(function (c) { log(label, 'close', c.code); });
    return t;
}
swan.onNetworkStatusChange(function (r) { log('net', 'change', r); });
"""


def page(js: str) -> dict[str, Any]:
    return {"pages/index/index.js": TIMED + SOCKET + js + "\nPage({});"}


async def published(run: Run, kind: type[Event],
                    test: Callable[[Any], bool] = lambda _e: True) -> Event:
    """The first event of ``kind`` (passing ``test``) the app publishes (one already out
    counts)."""
    for event in run.events:
        if isinstance(event, kind) and test(event):
            return event
    got: asyncio.Future[Event] = asyncio.get_running_loop().create_future()

    def seen(event: Event) -> None:
        if isinstance(event, kind) and test(event) and not got.done():
            got.set_result(event)

    run.host.bus.subscribe(seen)
    return await asyncio.wait_for(got, 10)


def kinds(run: Run, label: str) -> list[tuple[str, Any]]:
    return [(k, p) for k, p, _t in timeline(run).get(label, [])]


async def test_every_api_fails_offline(run_app: Any, demo_server: DemoServer,
                                       tmp_path: Path) -> None:
    """With network type none, request, uploadFile, downloadFile and connectSocket each
    fail with errCode 1001 and the offline errMsg; no byte reaches the server; the socket
    also gets onClose 1006; the flows and HAR say offline."""
    src = make_file(tmp_path, 1024)
    run = await run_app(page(f"""
        request('r', {{url: '{API}/json'}});
        download('d', '{API}/download/1024');
        choose(function (p) {{ upload('u', '{API}/upload', p); }});
        socket('s', '{WS}/echo');
    """), demo_server.settings(network_type="none", choose_files=[src]))
    for label, api in (("r", "request"), ("d", "downloadFile"), ("u", "uploadFile")):
        [(kind, res)] = [(k, p) for k, p in kinds(run, label) if k in ("success", "fail")]
        assert kind == "fail", label
        assert res == {"errCode": ERR_FAILED, "errMsg": f"{api}:fail {R_OFFLINE}"}, res
    assert kinds(run, "s") == [
        ("fail", {"errCode": ERR_FAILED, "errMsg": f"connectSocket:fail {R_OFFLINE}"}),
        ("close", 1006)]
    assert demo_server.server.requests_served == 0
    flows = list(run.host.flows)
    assert len(flows) == 4 and all(f.throttle == "offline" for f in flows)
    assert all(f.error_message == R_OFFLINE for f in flows)
    assert {e["_throttle"] for e in make_har(flows)["log"]["entries"]} == {"offline"}


async def test_going_offline_cuts_sockets_and_back_online_works(
        run_app: Any, demo_server: DemoServer) -> None:
    """An open socket gets onError (the offline errMsg) then onClose 1006 when the
    network goes; onNetworkStatusChange says so; back online, a request and a new socket
    work again."""
    run = await run_app(page(f"""
        socket('s', '{WS}/echo');
        swan.onNetworkStatusChange(function (r) {{
            if (!r.isConnected) return;
            request('r', {{url: '{API}/json'}});
            var t2 = socket('s2', '{WS}/echo');
            t2.onOpen(function () {{ t2.send({{data: 'back'}}); }});
            t2.onMessage(function () {{ t2.close({{}}); }});
        }});
    """), demo_server.settings(), wait=False)
    await published(run, SocketOpened)
    run.host.set_network_type("none")
    await run.idle()
    assert kinds(run, "s") == [("connected", None), ("open", None), ("error", R_OFFLINE),
                               ("close", 1006)]
    assert kinds(run, "net") == [("change", {"isConnected": False, "networkType": "none"})]
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    assert flow.state is SocketState.CLOSED and flow.closed_by == "network"
    assert flow.close_code == 1006 and flow.error_message == R_OFFLINE
    run.host.set_network_type("4g")
    await run.idle()
    assert kinds(run, "net")[-1] == ("change", {"isConnected": True, "networkType": "4g"})
    assert [k for k, _ in kinds(run, "r")] == ["success"]
    assert ("message", "back") in kinds(run, "s2") and ("close", 1000) in kinds(run, "s2")


async def test_a_transfer_in_progress_fails_when_the_network_goes(
        run_app: Any, demo_server: DemoServer) -> None:
    """A slow download that is half way fails at once with the offline error (the
    link's waits wake), not when it would have finished."""
    size = 512 * KIB
    run = await run_app(page(f"download('d', '{API}/download/{size}');"),
                        throttled(demo_server, SLOW), wait=False)
    await published(run, TransferProgress, lambda e: e.flow.bytes_done > 0)
    run.host.set_network_type("none")
    await run.idle()
    [(kind, res, took)] = [e for e in timeline(run)["d"] if e[0] in ("success", "fail")]
    assert kind == "fail" and res["errMsg"] == f"downloadFile:fail {R_OFFLINE}"
    assert took is not None and took < SLOW.transfer_s(size, "down")
    [flow] = [f for f in run.host.flows if isinstance(f, TransferFlow)]
    assert flow.state is FlowState.FAILED and 0 < flow.bytes_done < size


async def test_a_request_waiting_for_its_headers_fails_when_the_network_goes(
        run_app: Any, demo_server: DemoServer) -> None:
    """A request whose server has not answered yet fails at once with the offline error
    when the device goes offline, not when the answer would have come; the next call
    after going back online works (the cut did not spoil the app's task machinery)."""
    from emulator.flows.events import FlowStarted

    run = await run_app(page(f"request('slow', {{url: '{API}/delay/3000'}});"),
                        demo_server.settings(), wait=False)
    await published(run, FlowStarted)
    await asyncio.sleep(0.2)  # on the wire, waiting for the headers
    run.host.set_network_type("none")
    await asyncio.wait_for(run.idle(), 2)
    [(kind, res, took)] = [e for e in timeline(run)["slow"] if e[0] in ("success", "fail")]
    assert kind == "fail" and res == {"errCode": ERR_FAILED, "errMsg": f"request:fail {R_OFFLINE}"}
    assert took is not None and took < 2000
    [flow] = [f for f in run.host.flows if f.api == "request"]
    assert flow.state is FlowState.FAILED and flow.error is not None
    run.host.set_network_type("wifi")
    run.host.evaluate(f"swan.request({{url: '{API}/json', success: function (r) {{"
                      f" console.log('again ' + r.statusCode); }}}})")
    await asyncio.wait_for(run.idle(), 5)
    assert "again 200" in run.logs
