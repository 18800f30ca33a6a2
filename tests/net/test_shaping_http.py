"""Weak-network profiles on request, uploadFile and downloadFile against a real loopback
server: bodies paced either way (progress shows it), latency once per exchange, stalls
repeatable with a seed, mocked calls shaped too, flows and HAR marked."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from emulator.flows.flow import FlowState, TransferFlow
from emulator.flows.har import make_har
from emulator.net.shaping.profiles import SEGMENT, Profile
from tests.conftest import DEMO_DOMAIN, DemoServer
from tests.net.mock_helpers import with_mocks
from tests.net.shaping_helpers import KIB, TIMED, ended, throttled, timeline, within
from tests.swan.test_transfer import make_file

API = f"https://{DEMO_DOMAIN}"
SLOW = Profile("slow", latency_ms=100, download=256 * KIB, upload=256 * KIB)


def page(js: str) -> dict[str, Any]:
    return {"pages/index/index.js": TIMED + js + "\nPage({});"}


def warmed(js: str) -> dict[str, Any]:
    """``js`` run once a first request has set up the connection."""
    return page(f"warm('{API}/json', function () {{ {js} }});")


async def test_download_is_paced_and_progress_spreads(run_app: Any,
                                                      demo_server: DemoServer) -> None:
    """512 KiB at 256 KiB/s: the download takes the latency plus 2 s, and its progress
    events arrive along the way (half done about half way), not in a burst at the end."""
    size = 512 * KIB
    run = await run_app(warmed(f"download('d', '{API}/download/{size}');"),
                        throttled(demo_server, SLOW))
    events = timeline(run)["d"]
    kind, res, took = ended(events)
    assert kind == "success" and res["statusCode"] == 200
    expected = SLOW.latency_s + SLOW.transfer_s(size, "down")
    assert within(took, expected), (took, expected)
    # From the first progress event (the answer's headers are in) to half done: the
    # bytes between, at the profile's rate (connection set-up left out).
    progress = [(p, t) for k, p, t in events if k == "progress"]
    (p0, t0), (p50, t50) = progress[0], next((p, t) for p, t in progress if p >= 50)
    span = SLOW.transfer_s(size * (p50 - p0) // 100, "down")
    assert p0 <= 5 and within(t50 - t0, span), (progress, span)
    [flow] = [f for f in run.host.flows if isinstance(f, TransferFlow)]
    assert flow.throttle == "slow"
    assert make_har([flow])["log"]["entries"][0]["_throttle"] == "slow"


async def test_upload_is_paced_as_the_body_is_sent(run_app: Any, demo_server: DemoServer,
                                                   tmp_path: Path) -> None:
    """512 KiB up at 256 KiB/s: about 2 s, the server gets every byte, progress spreads."""
    size = 512 * KIB
    src = make_file(tmp_path, size)
    run = await run_app(warmed(f"choose(function (p) {{ upload('u', '{API}/upload', p); }});"),
                        throttled(demo_server, SLOW, choose_files=[src]))
    events = timeline(run)["u"]
    kind, res, took = ended(events)
    assert kind == "success" and res["statusCode"] == 200
    [flow] = [f for f in run.host.flows if isinstance(f, TransferFlow)]
    assert flow.bytes_done == flow.bytes_expected
    expected = SLOW.latency_s + SLOW.transfer_s(flow.bytes_expected, "up")
    assert within(took, expected), (took, expected)
    quarter = min(t for k, p, t in events if k == "progress" and p >= 25)
    assert quarter < took * 0.5, "progress moves as the body leaves, not all at the end"


async def test_request_body_and_answer_are_paced(run_app: Any, demo_server: DemoServer) -> None:
    """swan.request too: a 256 KiB answer at 256 KiB/s takes about a second."""
    size = 256 * KIB
    run = await run_app(warmed(f"request('r', {{url: '{API}/download/{size}', "
                             "responseType: 'arraybuffer'});"), throttled(demo_server, SLOW))
    kind, res, took = ended(timeline(run)["r"])
    assert kind == "success" and res["size"] == size
    assert within(took, SLOW.latency_s + SLOW.transfer_s(size, "down")), took


async def test_latency_is_added_once_per_request(run_app: Any, demo_server: DemoServer) -> None:
    """With latency only, each request in a row takes the latency once (not per chunk,
    not per header): three of them about three latencies (after a first one that also
    sets up the connection)."""
    lag = Profile("lag", latency_ms=300)
    run = await run_app(page(f"""
        var t0, n = 0;
        function next() {{
            if (n === 1) t0 = Date.now();
            if (n++ === 4) {{ log('all', 'success', null, t0); return; }}
            request('r' + n, {{url: '{API}/download/{64 * KIB}', complete: next}});
        }}
        next();
    """), throttled(demo_server, lag))
    runs = timeline(run)
    for label in ("r2", "r3", "r4"):
        kind, _res, took = ended(runs[label])
        assert kind == "success" and within(took, lag.latency_s), (label, took)
    assert within(ended(runs["all"])[2], 3 * lag.latency_s)


async def test_stalls_repeat_with_the_seed(run_app: Any, demo_server: DemoServer) -> None:
    """A lossy profile stalls the segments its seed picks: two runs stall the same ones,
    the count is what the seeded generator draws, and each stall adds its length."""
    lossy = Profile("lossy", download=1024 * KIB, stall_probability=0.2, stall_ms=60, seed=7)
    size = 256 * KIB
    rng = random.Random(lossy.seed)
    expected_stalls = sum(rng.random() < lossy.stall_probability
                          for _ in range(size // SEGMENT))
    assert expected_stalls > 0
    for _ in range(2):
        run = await run_app(warmed(f"download('d', '{API}/download/{size}');"),
                            throttled(demo_server, lossy))
        kind, _res, took = ended(timeline(run)["d"])
        assert kind == "success"
        assert run.host.conditions.stalls == expected_stalls
        expected = lossy.transfer_s(size, "down") + expected_stalls * lossy.stall_ms / 1000
        assert within(took, expected), (took, expected)


async def test_mocked_calls_are_shaped_too(run_app: Any, demo_server: DemoServer,
                                           tmp_path: Path) -> None:
    """The shaping layer wraps the mock layer: a mocked 256 KiB body is paced like a
    real one, and the flow says both."""
    size = 256 * KIB
    blob = make_file(tmp_path, size, "blob.bin")
    settings = with_mocks(demo_server, [{"name": "blob", "api": "downloadFile",
                                         "url": f"{API}/blob", "response": {"file": str(blob)}}],
                          tmp_path)
    settings.throttle, settings.throttle_profiles = "slow", {"slow": SLOW}
    run = await run_app(page(f"download('d', '{API}/blob');"), settings)
    kind, _res, took = ended(timeline(run)["d"])
    assert kind == "success"
    assert within(took, SLOW.latency_s + SLOW.transfer_s(size, "down")), took
    [flow] = run.host.flows
    assert (flow.mocked, flow.throttle, flow.state) == ("blob", "slow", FlowState.DONE)
    assert demo_server.server.requests_served == 0


async def test_network_type_brings_its_profile(run_app: Any, demo_server: DemoServer) -> None:
    """Without a throttle chosen, the network type's profile applies (4g's latency on a
    request); wifi, the default, is unshaped; throttle off wins over the network type."""
    run = await run_app(page(f"request('r', {{url: '{API}/json'}});"),
                        demo_server.settings(network_type="4g"))
    assert run.host.throttle is not None and run.host.throttle.name == "4g"
    _kind, _res, took = ended(timeline(run)["r"])
    assert took >= run.host.throttle.latency_s * 0.98
    assert next(iter(run.host.flows)).throttle == "4g"
    plain = await run_app(page(f"request('r', {{url: '{API}/json'}});"), demo_server.settings())
    assert plain.host.throttle is None and next(iter(plain.host.flows)).throttle is None
    off = await run_app(page(""), demo_server.settings(network_type="2g", throttle="off"))
    assert off.host.throttle is None
