"""Caps counted as the bytes flow (issue 10, kind 2): HTTP bodies raw and decoded,
uploadFile's reply, downloads, and the 10 MB user space -- against hostile loopback
servers, with the host's peak memory measured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emulator.flows.flow import FlowState
from emulator.flows.har import make_har
from emulator.net.bodies import R_IN_FLIGHT
from emulator.swan.files import R_STORAGE_FULL, USER_SPACE_LIMIT
from tests.conftest import Run
from tests.swan.call_log import events, outcome
from tests.swan.http_hostile import (
    API,
    API2,
    HostileServer,
    PeakRss,
    hostile_server,
    warm_bomb,
)

__all__ = ["hostile_server"]  # the fixture, used by name

MB = 1024 * 1024

HELPERS = """
function log(label, kind, payload) { console.log(JSON.stringify([label, kind, payload])); }
function callbacks(label, o) {
    o.success = function (r) {
        if (r && typeof r.data === 'string' && r.data.length > 200) r.data = r.data.slice(0, 200);
        log(label, 'success', r);
    };
    o.fail = function (r) { log(label, 'fail', r); };
    o.complete = function () { log(label, 'complete'); };
    return o;
}
var fs = swan.getFileSystemManager();
var USR = swan.env.USER_DATA_PATH;
function mb(n) { return new ArrayBuffer(n * 1024 * 1024); }
"""




def har_errors(run: Run) -> list[str | None]:
    return [e["response"].get("_error") for e in make_har(run.host.flows)["log"]["entries"]]


async def test_request_gzip_bomb_stops_at_64_mb(run_app: Any, hostile_server: HostileServer) -> None:
    """gzip, gzip (256 MiB in ~600 bytes): request fails at 64 MB decoded; the host's peak
    memory grows by less than 140 MiB (httpx alone decoded it all at once: > 512 MiB)."""
    warm_bomb()
    with PeakRss() as peak:
        run = await run_app({"pages/index/index.js": HELPERS + f"""
            swan.request(callbacks('bomb', {{url: '{API}/bomb', responseType: 'arraybuffer'}}));
            Page({{}});
        """}, hostile_server.settings())
    kind, res = outcome(events(run)["bomb"])
    assert (kind, res) == ("fail", {"errCode": 1001,
                                    "errMsg": "request:fail response body exceeds 64 MB"})
    assert peak.growth_mib < 140, peak.growth_mib
    [flow] = run.host.flows
    assert flow.state is FlowState.FAILED and flow.response is not None
    assert flow.response.body.size <= 64 * MB + 64 * 1024
    assert har_errors(run) == ["response body exceeds 64 MB"]


async def test_download_gzip_bomb_stops_at_10_mb(run_app: Any,
                                                  hostile_server: HostileServer) -> None:
    """The same bomb to downloadFile: fails at 10 MB written, no partial file, peak memory
    under 48 MiB of growth."""
    warm_bomb()
    with PeakRss() as peak:
        run = await run_app({"pages/index/index.js": HELPERS + f"""
            swan.downloadFile(callbacks('bomb', {{url: '{API}/bomb'}}));
            swan.downloadFile(callbacks('three', {{url: '{API}/bomb?layers=3'}}));
            Page({{}});
        """}, hostile_server.settings())
    evts = events(run)
    for label in ("bomb", "three"):
        kind, res = outcome(evts[label])
        assert kind == "fail" and res["errCode"] == 1001, res
        assert res["errMsg"] == "downloadFile:fail file size exceeds limit (more than 10 MB received)"
    assert peak.growth_mib < 48, peak.growth_mib
    assert list(run.host.sandbox.tmp.iterdir()) == []
    assert all(e and e.startswith("file size exceeds limit") for e in har_errors(run))


async def test_endless_bodies_stop_at_the_cap(run_app: Any, hostile_server: HostileServer) -> None:
    """Endless plain and endless gzip bodies: request stops at 64 MB, downloadFile at
    10 MB, raw bytes counted even when they decode to nothing (a gzip member then endless
    garbage); peak memory growth under 2 x 64 MiB + 40 MiB (two requests at once)."""
    with PeakRss() as peak:
        run = await run_app({"pages/index/index.js": HELPERS + f"""
            swan.request(callbacks('plain', {{url: '{API}/endless'}}));
            swan.request(callbacks('zipped', {{url: '{API}/endless-gzip'}}));
            swan.downloadFile(callbacks('dl', {{url: '{API}/endless'}}));
            swan.downloadFile(callbacks('dlzip', {{url: '{API}/endless-gzip'}}));
            swan.downloadFile(callbacks('garbage', {{url: '{API}/gzip-then-garbage'}}));
            Page({{}});
        """}, hostile_server.settings())
    evts = events(run)
    for label in ("plain", "zipped"):
        assert outcome(evts[label]) == ("fail", {
            "errCode": 1001, "errMsg": "request:fail response body exceeds 64 MB"}), label
    for label in ("dl", "dlzip", "garbage"):
        kind, res = outcome(evts[label])
        assert kind == "fail" and "file size exceeds limit" in res["errMsg"], (label, res)
    assert peak.growth_mib < 2 * 64 + 40, peak.growth_mib
    assert all(f.state is FlowState.FAILED for f in run.host.flows)


async def test_bodies_in_flight_share_one_budget(run_app: Any,
                                                 hostile_server: HostileServer) -> None:
    """Ten endless requests at once (two domains) cannot hold 10 x 64 MB: the app's bodies
    in memory share 256 MB, the calls crossing it fail with their own reason, and peak
    growth stays under 256 + 96 MiB (without the budget: over 640 MiB)."""
    with PeakRss() as peak:
        run = await run_app({"pages/index/index.js": HELPERS + f"""
            for (var i = 0; i < 10; i++) {{
                swan.request(callbacks('r' + i, {{url: (i % 2 ? '{API}' : '{API2}') + '/endless'}}));
            }}
            Page({{}});
        """}, hostile_server.settings())
    evts = events(run)
    messages = [outcome(evts[f"r{i}"])[1]["errMsg"] for i in range(10)]
    assert set(messages) <= {"request:fail response body exceeds 64 MB",
                             f"request:fail {R_IN_FLIGHT}"}, messages
    assert f"request:fail {R_IN_FLIGHT}" in messages
    assert peak.growth_mib < 256 + 96, peak.growth_mib
    assert run.host.network.buffers.held == 0


async def test_upload_reply_is_capped(run_app: Any, hostile_server: HostileServer,
                                      tmp_path: Path) -> None:
    """uploadFile's response body has request's cap (64 MB, raw and decoded): an endless
    reply and a gzip-bomb reply fail with bounded memory (a 3 GB reply once took the host
    to 3.2 GB)."""
    warm_bomb()
    src = tmp_path / "up.txt"
    src.write_bytes(b"hello")
    with PeakRss() as peak:
        run = await run_app({"pages/index/index.js": HELPERS + f"""
            swan.chooseImage({{success: function (r) {{
                var p = r.tempFilePaths[0];
                swan.uploadFile(callbacks('endless', {{url: '{API}/upload-reply-endless', filePath: p, name: 'f'}}));
                swan.uploadFile(callbacks('bomb', {{url: '{API}/upload-reply-bomb', filePath: p, name: 'f'}}));
            }}}});
            Page({{}});
        """}, hostile_server.settings(choose_files=[src]))
    evts = events(run)
    for label in ("endless", "bomb"):
        assert outcome(evts[label]) == ("fail", {
            "errCode": 1001, "errMsg": "uploadFile:fail response body exceeds 64 MB"}), label
    assert peak.growth_mib < 140, peak.growth_mib


async def test_user_space_is_10_mb_for_every_way_of_writing(
        run_app: Any, hostile_server: HostileServer, tmp_path: Path) -> None:
    """The user folder and saved files share 10 MB: writeFile, appendFile, copyFile,
    saveFile, downloadFile to filePath and writeFileSync past it fail with the platform's
    words; replacing a file counts only the difference; temp files do not count."""
    big = tmp_path / "big.bin"
    big.write_bytes(b"b" * (3 * MB))
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        function step(label, fn, next) {{
            var o = callbacks(label, {{}});
            var done = o.complete;
            o.complete = function () {{ done(); next(); }};
            fn(o);
        }}
        function attempt(label, fn) {{
            try {{ fn(); log(label, 'sync', 'ok'); }} catch (e) {{ log(label, 'sync', e.message); }}
        }}
        swan.chooseImage({{success: function (r) {{
            var chosen = r.tempFilePaths[0];
            step('six', function (o) {{ fs.writeFile(Object.assign(o, {{filePath: USR + '/six', data: mb(6)}})); }}, function () {{
            step('five', function (o) {{ fs.writeFile(Object.assign(o, {{filePath: USR + '/five', data: mb(5)}})); }}, function () {{
            step('replace', function (o) {{ fs.writeFile(Object.assign(o, {{filePath: USR + '/six', data: mb(9)}})); }}, function () {{
            step('append', function (o) {{ fs.appendFile(Object.assign(o, {{filePath: USR + '/six', data: mb(2)}})); }}, function () {{
            step('copy', function (o) {{ fs.copyFile(Object.assign(o, {{srcPath: USR + '/six', destPath: USR + '/copy'}})); }}, function () {{
            step('save', function (o) {{ swan.saveFile(Object.assign(o, {{tempFilePath: chosen}})); }}, function () {{
            step('dlUser', function (o) {{ swan.downloadFile(Object.assign(o, {{url: '{API}/bytes?size=2097152', filePath: USR + '/dl.bin'}})); }}, function () {{
            step('dlStream', function (o) {{ swan.downloadFile(Object.assign(o, {{url: '{API}/endless', filePath: USR + '/dl2.bin'}})); }}, function () {{
            step('dlTemp', function (o) {{ swan.downloadFile(Object.assign(o, {{url: '{API}/bytes?size=2097152'}})); }}, function () {{
                attempt('syncOver', function () {{ fs.writeFileSync(USR + '/s.bin', mb(2)); }});
                attempt('syncFits', function () {{ fs.writeFileSync(USR + '/s.bin', mb(1) ); }});
                attempt('syncAppend', function () {{ fs.appendFileSync(USR + '/s.bin', mb(1)); }});
            }}); }}); }}); }}); }}); }}); }}); }}); }});
        }}}});
        Page({{}});
    """}, hostile_server.settings(choose_files=[big]))
    evts = events(run)
    full = f"{R_STORAGE_FULL}"
    assert outcome(evts["six"])[0] == "success"
    assert outcome(evts["five"])[1] == {"errCode": 1001, "errMsg": f"writeFile:fail {full}"}
    assert outcome(evts["replace"])[0] == "success"  # 9 MB in place of 6 MB
    assert outcome(evts["append"])[1]["errMsg"] == f"appendFile:fail {full}"
    assert outcome(evts["copy"])[1]["errMsg"] == f"copyFile:fail {full}"
    assert outcome(evts["save"])[1]["errMsg"] == f"saveFile:fail {full}"
    assert outcome(evts["dlUser"])[1] == {"errCode": 1001, "errMsg": f"downloadFile:fail {full}"}
    assert outcome(evts["dlStream"])[1]["errMsg"] == f"downloadFile:fail {full}"
    assert outcome(evts["dlTemp"])[0] == "success"  # temp files are not the user's space
    assert evts["syncOver"] == [("sync", f"writeFileSync:fail {full}")]
    assert evts["syncFits"] == [("sync", "ok")]
    assert evts["syncAppend"] == [("sync", f"appendFileSync:fail {full}")]
    await run.idle()
    sandbox = run.host.sandbox
    used = sum(p.stat().st_size for root in (sandbox.usr, sandbox.store)
               for p in root.rglob("*") if p.is_file())
    assert used == 10 * MB == USER_SPACE_LIMIT
    assert sorted(p.name for p in sandbox.usr.iterdir()) == ["s.bin", "six"]
    assert list(sandbox.store.iterdir()) == []
    assert run.warnings == []  # the mirror and the host agreed on every sync write


async def test_user_space_counts_files_made_behind_the_apps_back(run_app: Any) -> None:
    """A sync write the mirror thought fit but the host refuses (9 MB put there behind the
    app's back): the console says why and the mirror loses the write, so readFileSync
    never returns data that was not written."""
    run = await run_app({"pages/index/index.js": HELPERS + """
        globalThis.tryWrite = function () {
            try { fs.writeFileSync(USR + '/w.bin', mb(2)); log('write', 'sync', 'ok'); }
            catch (e) { log('write', 'sync', e.message); }
            setTimeout(function () {
                try { fs.readFileSync(USR + '/w.bin'); log('after', 'read', 'data'); }
                catch (e) { log('after', 'read', e.message); }
            }, 50);
        };
        Page({});
    """})
    (run.host.sandbox.usr / "behind.bin").write_bytes(b"x" * (9 * MB))
    run.host.evaluate("tryWrite()")
    await run.idle()
    evts = events(run)
    assert evts["write"] == [("sync", "ok")]  # the mirror did not know of the 9 MB
    assert any("writeFileSync: the host could not complete it: " + R_STORAGE_FULL in w
               for w in run.warnings)
    [(_kind, message)] = evts["after"]
    assert "no such file or directory" in message
    assert not (run.host.sandbox.usr / "w.bin").exists()
