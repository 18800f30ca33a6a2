"""Weak-network profiles on sockets against a real WSS loopback server: the handshake
waits the latency, each frame is delayed either way and paced by the bandwidth, a burst
is pipelined, stalls on frames repeat with the seed."""

from __future__ import annotations

import random
from typing import Any

from emulator.flows.flow import SocketFlow
from emulator.net.shaping.profiles import Profile
from tests.conftest import WS_DOMAIN, DemoServer
from tests.net.shaping_helpers import KIB, TIMED, throttled, timeline, within

WS = f"wss://{WS_DOMAIN}"
ECHO = """
var t0 = Date.now(), sentAt = 0, got = 0, n = %(n)d, payload = %(payload)s;
var t = swan.connectSocket({url: '%(ws)s/echo'});
t.onOpen(function () {
    log('s', 'open', null, t0);
    sentAt = Date.now();
    for (var i = 0; i < n; i++) t.send({data: payload});
});
t.onMessage(function (m) {
    got++;
    log('s', 'message', got, sentAt);
    if (got === n) t.close({});
});
"""


def echo_page(n: int = 1, payload: str = "'ping'") -> dict[str, Any]:
    return {"pages/index/index.js": TIMED + ECHO % {"n": n, "payload": payload, "ws": WS}
            + "\nPage({});"}


def replies(run: Any) -> list[float]:
    """Seconds from the sends to each echoed frame."""
    return [t for k, _p, t in timeline(run)["s"] if k == "message"]


async def test_frames_are_delayed_both_ways(run_app: Any, demo_server: DemoServer) -> None:
    """An echo takes two latencies (out and back); opening the socket takes at least one;
    the flow records the profile."""
    lag = Profile("lag", latency_ms=250)
    run = await run_app(echo_page(), throttled(demo_server, lag))
    [opened] = [t for k, _p, t in timeline(run)["s"] if k == "open"]
    assert opened is not None and opened >= lag.latency_s * 0.98
    [echo] = replies(run)
    assert within(echo, 2 * lag.latency_s), echo
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    assert flow.throttle == "lag" and flow.frames_received == 1


async def test_a_burst_is_pipelined_and_paced(run_app: Any, demo_server: DemoServer) -> None:
    """Eight 32 KiB frames sent at once on a 256 KiB/s link: they cross one after another
    at the link's rate (the last one about 1 s up plus 1 s down after the sends), with
    the latency paid once each way, not once per frame."""
    link = Profile("link", latency_ms=100, download=256 * KIB, upload=256 * KIB)
    n, size = 8, 32 * KIB
    run = await run_app(echo_page(n, f"new Array({size} + 1).join('x')"),
                        throttled(demo_server, link))
    times = replies(run)
    assert len(times) == n
    # Upload and download overlap: the last echo is due once every byte has gone up,
    # and come down behind the first one's; at most both ways in full.
    up, down = link.transfer_s(n * size, "up"), link.transfer_s(size, "down")
    fastest = up + down + 2 * link.latency_s
    assert fastest * 0.98 <= times[-1] <= (up + link.transfer_s(n * size, "down")
                                            + 2 * link.latency_s) * 1.25, times
    assert times[0] < times[-1] / 2, "frames arrive along the way, not all at the end"


async def test_frame_stalls_repeat_with_the_seed(run_app: Any, demo_server: DemoServer) -> None:
    """Each frame draws one stall chance from the seeded generator: the count matches
    it, run after run."""
    lossy = Profile("lossy", latency_ms=10, stall_probability=0.3, stall_ms=40, seed=3)
    n = 10
    rng = random.Random(lossy.seed)
    expected = sum(rng.random() < lossy.stall_probability for _ in range(2 * n))
    for _ in range(2):
        run = await run_app(echo_page(n), throttled(demo_server, lossy))
        assert len(replies(run)) == n
        assert run.host.conditions.stalls == expected


async def test_a_send_after_the_server_closed_behind_a_held_frame_is_answered(
        run_app: Any) -> None:
    """The server sends a frame and closes; the link still holds the frame, so the app
    hears it before onClose and sends a reply from onMessage: that send gets its fail
    (the connection is gone), once, before onClose."""
    from websockets.asyncio.server import ServerConnection, serve

    from emulator.config import Settings

    async def hello_then_close(conn: ServerConnection) -> None:
        await conn.send("hello")
        await conn.close(4000, "bye")

    async with serve(hello_then_close, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        lag = Profile("lag", latency_ms=200)
        run = await run_app({"pages/index/index.js": TIMED + """
            var t = swan.connectSocket({url: 'ws://127.0.0.1:%d/'});
            t.onMessage(function (m) {
                log('s', 'message', m.data);
                t.send({data: 'reply', success: function () { log('s', 'sent'); },
                        fail: function (e) { log('s', 'fail', e.errMsg); }});
            });
            t.onClose(function (c) { log('s', 'close', c.code); });
            Page({});
        """ % port}, Settings(url_check=False, throttle="lag", throttle_profiles={"lag": lag}))
    assert [(k, p) for k, p, _t in timeline(run)["s"]] == [
        ("message", "hello"), ("fail", "send:fail SocketTask.readyState is not OPEN"),
        ("close", 4000)]
