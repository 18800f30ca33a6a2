"""A mocked swan.request vs a live loopback one, through the same app, and the accuracy of
the weak-network profiles (issue 13).

Mock: the app makes N sequential requests for the same JSON; "live" is a local HTTPS
server in its own process (trustme certificate, keep-alive), "mocked" a mock rule
answering the same body (emulator/net/mock). Both go through the whole path: JS -> bridge
-> policy -> caps -> flow -> transport -> body reading -> JS. Rounds are interleaved;
medians count. Aim: mocked/live <= 0.5.

Throttle: per built-in profile (emulator/net/shaping/profiles.py), a 1 MiB downloadFile
and a 1 MiB uploadFile from the demo routes in a server process, timed by the app from
the call to its success (after a first request has set up the connection), against the
profile's own figure: latency + bytes / bandwidth (the median of 5 runs for profiles
whose transfers take under 2 s). Aim: measured/expected within 1 +- 0.1.
Uploads whose figure is over a minute (2g: 164 s) are left out unless --all.

Usage: python benchmarks/bench_mock.py [N] [ROUNDS] [--skip-mock] [--skip-throttle]
       [--profiles 3g,4g] [--all]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
from pathlib import Path

from bench_app import https_server_script, run_page_app
from bench_request import DOMAIN, SERVER
from server_process import server_process

from emulator.config import Settings
from emulator.flows.flow import TransferFlow
from emulator.net.mock.load import RuleReader
from emulator.net.shaping.profiles import BUILTIN, Profile

BODY = {"ok": True, "items": list(range(20))}  # what bench_request's server answers
APP_JS = """
var N = %(n)d, URL = 'https://%(domain)s/json';
function sequential(i, t0) {
    if (i === N) { console.log('seq ' + (Date.now() - t0)); return; }
    swan.request({url: URL, success: function (r) { sequential(i + 1, t0); },
                  fail: function (e) { console.error(e.errMsg); }});
}
Page({onLoad: function () { sequential(0, Date.now()); }});
"""


async def run(n: int, settings: Settings, root: Path) -> float:
    """Seconds per request of the app's sequential loop."""
    lines, _host = await run_page_app(root, APP_JS % {"n": n, "domain": DOMAIN}, settings)
    seq = [int(line.split()[1]) for line in lines if line.startswith("seq ")]
    if not seq:
        raise SystemExit(f"benchmark app failed: {lines}")
    return seq[0] / 1000 / n


MIB = 1024 * 1024
LONGEST_S = 60.0  # transfers whose figure is longer are left out unless --all
QUICK_RUNS = 5  # runs (median) of a profile whose transfers take under 2 s
ROUTES_SERVER = https_server_script(
    DOMAIN, "from emulator.devserver.routes import handle as handler")
TRANSFER_JS = """
function timed(label, start) {
    var t0 = Date.now();
    start({success: function () { console.log(label + ' ' + (Date.now() - t0)); },
           fail: function (e) { console.error(label + ' ' + e.errMsg); }});
}
function then(steps) { if (steps.length) steps.shift()(function () { then(steps); }); }
var URL = 'https://%(domain)s';
Page({onLoad: function () { then([
    function (next) { swan.request({url: URL + '/json', complete: next}); },
    function (next) { if (!%(down)s) return next(); timed('down', function (o) {
        o.url = URL + '/download/%(size)d'; var f = o.success;
        o.success = function (r) { f(r); next(); }; swan.downloadFile(o); }); },
    function (next) { if (!%(up)s) return next();
        swan.chooseImage({count: 1, success: function (c) { timed('up', function (o) {
            o.url = URL + '/upload'; o.filePath = c.tempFilePaths[0]; o.name = 'file';
            var f = o.success; o.success = function (r) { f(r); next(); };
            swan.uploadFile(o); }); }}); }]); }});
"""


async def transfers(profile: Profile, port: int, ca_file: Path, root: Path, blob: Path,
                    down: bool, up: bool) -> dict[str, tuple[float, float]]:
    """direction -> (measured s, expected s) of a 1 MiB transfer on ``profile``."""
    lists = [f"https://{DOMAIN}"]
    settings = Settings(domains={"request": lists, "uploadFile": lists, "downloadFile": lists},
                        hosts={DOMAIN: f"127.0.0.1:{port}"}, ca_file=ca_file,
                        choose_files=[blob], throttle=profile.name)
    lines, host = await run_page_app(root, TRANSFER_JS % {
        "domain": DOMAIN, "size": MIB, "down": str(down).lower(), "up": str(up).lower()},
        settings)
    flows = {f.api: f for f in host.flows if isinstance(f, TransferFlow)}
    out: dict[str, tuple[float, float]] = {}
    for line in lines:
        label, _, ms = line.partition(" ")
        if label not in ("down", "up") or not ms.isdigit():
            raise SystemExit(f"benchmark app failed: {lines}")
        flow = flows["downloadFile" if label == "down" else "uploadFile"]
        expected = profile.latency_s + profile.transfer_s(flow.bytes_expected, label)
        out[label] = (int(ms) / 1000, expected)
    return out


async def throttle_table(names: list[str], include_all: bool) -> None:
    """Print measured/expected per profile and direction."""
    print("\n1 MiB per profile, measured from the API call to success (aim 1.00 +- 0.10)")
    print(f"{'profile':<9} {'dir':<4} {'expected s':>10} {'measured s':>10} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = Path(tmp) / "ca.pem"
        blob = Path(tmp) / "blob.bin"
        blob.write_bytes(bytes(range(256)) * (MIB // 256))
        async with server_process(ROUTES_SERVER, ca_file) as port:
            for i, name in enumerate(names):
                profile = BUILTIN[name]
                up = include_all or profile.transfer_s(MIB, "up") <= LONGEST_S
                down = include_all or profile.transfer_s(MIB, "down") <= LONGEST_S
                # Short transfers are noisy on a shared machine: the median of a few runs.
                quick = max(profile.transfer_s(MIB, "up"), profile.transfer_s(MIB, "down")) < 2
                runs = [await transfers(profile, port, ca_file, Path(tmp) / f"t{i}-{k}", blob,
                                        down, up) for k in range(QUICK_RUNS if quick else 1)]
                got = {d: (statistics.median(r[d][0] for r in runs), runs[0][d][1])
                       for d in runs[0]}
                for direction in ("down", "up"):
                    if direction not in got:
                        print(f"{name:<9} {direction:<4} {'(left out: over a minute)':>28}")
                        continue
                    measured, expected = got[direction]
                    print(f"{name:<9} {direction:<4} {expected:>10.3f} {measured:>10.3f} "
                          f"{measured / expected:>6.3f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=500)
    parser.add_argument("rounds", nargs="?", type=int, default=5)
    parser.add_argument("--skip-mock", action="store_true")
    parser.add_argument("--skip-throttle", action="store_true")
    parser.add_argument("--profiles", default=",".join(BUILTIN))
    parser.add_argument("--all", action="store_true", help="also transfers over a minute")
    args = parser.parse_args()
    if not args.skip_mock:
        await mock_ratio(args.n, args.rounds)
    if not args.skip_throttle:
        await throttle_table([p for p in args.profiles.split(",") if p], args.all)


async def mock_ratio(n: int, rounds: int) -> None:
    """Print mocked vs live loopback request times."""
    live: list[float] = []
    mocked: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = Path(tmp) / "ca.pem"
        async with server_process(SERVER, ca_file) as port:
            for i in range(rounds):
                base = {"domains": {"request": [f"https://{DOMAIN}"]},
                        "hosts": {DOMAIN: f"127.0.0.1:{port}"}, "ca_file": ca_file}
                live.append(await run(n, Settings(**base), Path(tmp) / f"live{i}"))
                settings = Settings(**base)
                settings.mocks = RuleReader("bench", Path(tmp)).rules([
                    {"name": "json", "url": f"https://{DOMAIN}/json", "method": "GET",
                     "response": {"json": json.loads(json.dumps(BODY))}}])
                mocked.append(await run(n, settings, Path(tmp) / f"mock{i}"))
    lm, mm = statistics.median(live), statistics.median(mocked)
    print(f"{rounds} rounds of {n} sequential requests (medians)")
    print(f"live loopback: {lm * 1e3:.3f} ms/request ({1 / lm:.0f} req/s)")
    print(f"mocked:        {mm * 1e3:.3f} ms/request ({1 / mm:.0f} req/s)")
    print(f"ratio mocked/live: {mm / lm:.2f} (aim <= 0.5)")


if __name__ == "__main__":
    asyncio.run(main())
