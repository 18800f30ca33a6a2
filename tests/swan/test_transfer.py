"""uploadFile and downloadFile against a real HTTPS server, with real files on disk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from emulator.config import Limits
from emulator.devserver.routes import download_bytes
from emulator.flows.events import TransferProgress
from emulator.flows.flow import FlowState, TransferFlow
from tests.conftest import DEMO_DOMAIN, DemoServer, Run
from tests.swan.call_log import events, outcome

API = f"https://{DEMO_DOMAIN}"
MB25 = 25 * 1024 * 1024

# Logs JSON lines: [label, kind, payload]; progress events as [label, 'progress', res].
HELPERS = """
function log(label, kind, payload) { console.log(JSON.stringify([label, kind, payload])); }
function callbacks(label, o) {
    o.success = function (r) { log(label, 'success', r); };
    o.fail = function (r) { log(label, 'fail', r); };
    o.complete = function () { log(label, 'complete'); };
    return o;
}
function choose(then) {
    swan.chooseImage({count: 1, success: function (r) { then(r.tempFilePaths[0]); },
                      fail: function (e) { log('choose', 'fail', e); }});
}
function upload(label, path, extra) {
    var task = swan.uploadFile(callbacks(label, Object.assign({url: '%(api)s/upload',
        filePath: path, name: 'file', formData: {user: 'swan', n: 7}}, extra || {})));
    task.onProgressUpdate(function (p) { log(label, 'progress', p); });
    return task;
}
""" % {"api": API}




def progress_of(evts: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [p for k, p in evts if k == "progress"]


def check_progress(evts: list[tuple[str, Any]], sent_key: str, expected_key: str,
                   every_percent: bool) -> None:
    """Integers, non-decreasing, one per percent at most, 100 before success."""
    prog = progress_of(evts)
    percents = [p["progress"] for p in prog]
    assert all(isinstance(p, int) for p in percents)
    assert percents == sorted(set(percents)), "at most one callback per percent, increasing"
    assert percents[-1] == 100
    kinds = [k for k, _ in evts]
    assert kinds.index("success") > max(i for i, k in enumerate(kinds) if k == "progress")
    sent = [p[sent_key] for p in prog]
    assert sent == sorted(sent) and sent[-1] == prog[-1][expected_key]
    if every_percent:
        assert set(range(1, 101)) <= set(percents)


def host_file(run: Run, virtual: str) -> Path:
    return run.host.files.resolve(virtual).host


def make_file(tmp_path: Path, size: int, name: str = "blob.bin") -> Path:
    path = tmp_path / "chosen" / name
    path.parent.mkdir(exist_ok=True)
    with path.open("wb") as f:
        block = bytes(range(256)) * 4096
        left = size
        while left:
            f.write(block[: min(left, len(block))])
            left -= min(left, len(block))
    return path


@pytest.mark.parametrize("size", [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1,
                                  5 * 1024 * 1024, MB25])
async def test_upload_round_trip_is_byte_exact(run_app: Any, demo_server: DemoServer,
                                               tmp_path: Path, size: int) -> None:
    """The server receives the file (sha256), the form fields and the field name."""
    src = make_file(tmp_path, size)
    run = await run_app({"pages/index/index.js": HELPERS + """
        choose(function (path) { upload('up', path); });
        Page({});
    """}, demo_server.settings(choose_files=[src]))
    evts = events(run)["up"]
    kind, res = outcome(evts)
    assert kind == "success", res
    assert res["statusCode"] == 200 and isinstance(res["data"], str)
    report = json.loads(res["data"])
    assert report["fields"] == {"user": "swan", "n": "7"}
    [f] = report["files"]
    assert f["field"] == "file" and f["size"] == size
    assert f["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    check_progress(evts, "totalBytesSent", "totalBytesExpectedToSend",
                   every_percent=size >= 100 * 1024)
    [flow] = [fl for fl in run.host.flows if isinstance(fl, TransferFlow)]
    assert flow.state is FlowState.DONE and flow.bytes_done == flow.bytes_expected


async def test_upload_over_the_limit_fails_before_sending(run_app: Any, demo_server: DemoServer,
                                                          tmp_path: Path) -> None:
    """25 MB + 1 byte: fail at once, not a byte sent; the log says why."""
    src = make_file(tmp_path, MB25 + 1)
    run = await run_app({"pages/index/index.js": HELPERS + """
        choose(function (path) { upload('big', path); });
        Page({});
    """}, demo_server.settings(choose_files=[src]))
    kind, res = outcome(events(run)["big"])
    assert kind == "fail" and res["errCode"] == 1001
    assert res["errMsg"].startswith("uploadFile:fail file size exceeds limit")
    assert demo_server.server.requests_served == 0
    [flow] = run.host.flows
    assert flow.state is FlowState.FAILED and flow.response is None


async def test_upload_limit_is_configurable(run_app: Any, demo_server: DemoServer,
                                            tmp_path: Path) -> None:
    """settings limits.uploadBytes lowers (or raises) the limit."""
    src = make_file(tmp_path, 2000)
    run = await run_app({"pages/index/index.js": HELPERS + """
        choose(function (path) { upload('small-limit', path); });
        Page({});
    """}, demo_server.settings(choose_files=[src], limits=Limits(upload_bytes=1000)))
    kind, res = outcome(events(run)["small-limit"])
    assert kind == "fail" and "file size exceeds limit" in res["errMsg"]


async def test_upload_abort_at_start_and_inside_progress(run_app: Any, demo_server: DemoServer,
                                                         tmp_path: Path) -> None:
    """abort() right away, or inside a progress callback: fail abort, no success, no more
    progress."""
    src = make_file(tmp_path, 5 * 1024 * 1024)
    run = await run_app({"pages/index/index.js": HELPERS + """
        choose(function (path) {
            upload('start', path).abort();
            var t = upload('mid', path);
            t.onProgressUpdate(function (p) { if (p.progress >= 30) t.abort(); });
        });
        Page({});
    """}, demo_server.settings(choose_files=[src]))
    evts = events(run)
    for label in ("start", "mid"):
        kind, res = outcome(evts[label])
        assert (kind, res) == ("fail", {"errCode": 1001, "errMsg": "uploadFile:fail abort"})
    mid = progress_of(evts["mid"])
    assert mid and mid[-1]["progress"] >= 30 and mid[-1]["progress"] < 100
    flows = [f for f in run.host.flows if isinstance(f, TransferFlow)]
    assert sorted(f.state.value for f in flows) == ["aborted", "aborted"]


async def test_upload_bad_arguments_and_paths(run_app: Any, demo_server: DemoServer) -> None:
    """Missing name or file, a path outside the sandbox, a non-object header: clear fails."""
    run = await run_app({"pages/index/index.js": HELPERS + """
        swan.uploadFile(callbacks('noname', {url: '%(api)s/upload', filePath: 'bdfile://usr/x'}));
        swan.uploadFile(callbacks('missing', {url: '%(api)s/upload', filePath: 'bdfile://usr/none.txt', name: 'f'}));
        swan.uploadFile(callbacks('escape', {url: '%(api)s/upload', filePath: '/etc/passwd', name: 'f'}));
        swan.uploadFile(callbacks('header', {url: '%(api)s/upload', filePath: 'bdfile://usr/x', name: 'f', header: 'x'}));
        Page({});
    """ % {"api": API}}, demo_server.settings())
    evts = events(run)
    assert outcome(evts["noname"])[1]["errMsg"] == 'uploadFile:fail parameter error: invalid name "undefined"'
    assert outcome(evts["missing"])[1]["errMsg"].startswith("uploadFile:fail no such file")
    escape = outcome(evts["escape"])[1]
    assert escape["errCode"] == 904 and "permission denied" in escape["errMsg"]
    assert outcome(evts["header"])[1]["errMsg"] == "uploadFile:fail parameter error: header must be an object"


@pytest.mark.parametrize("size", [0, 1, 64 * 1024 - 1, 64 * 1024 + 1, 5 * 1024 * 1024])
async def test_download_round_trip_is_byte_exact(run_app: Any, demo_server: DemoServer,
                                                 size: int) -> None:
    """The temp file holds exactly what the server sent; progress ends at 100."""
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        var t = swan.downloadFile(callbacks('dl', {{url: '{API}/download/{size}'}}));
        t.onProgressUpdate(function (p) {{ log('dl', 'progress', p); }});
        Page({{}});
    """}, demo_server.settings())
    evts = events(run)["dl"]
    kind, res = outcome(evts)
    assert kind == "success" and res["statusCode"] == 200
    assert res["tempFilePath"].startswith("bdfile://tmp_")
    data = host_file(run, res["tempFilePath"]).read_bytes()
    assert hashlib.sha256(data).digest() == hashlib.sha256(download_bytes(size)).digest()
    check_progress(evts, "totalBytesWritten", "totalBytesExpectedToWrite",
                   every_percent=size >= 100 * 1024)


async def test_download_unknown_length_progress(run_app: Any, demo_server: DemoServer) -> None:
    """Without Content-Length, progress stays 0 with expected 0 until the end, then 100."""
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        var t = swan.downloadFile(callbacks('dl', {{url: '{API}/download/3000000?chunked=1'}}));
        t.onProgressUpdate(function (p) {{ log('dl', 'progress', p); }});
        Page({{}});
    """}, demo_server.settings())
    evts = events(run)["dl"]
    assert outcome(evts)[0] == "success"
    prog = progress_of(evts)
    assert all(p["progress"] == 0 and p["totalBytesExpectedToWrite"] == 0 for p in prog[:-1])
    assert prog[-1] == {"progress": 100, "totalBytesWritten": 3000000,
                        "totalBytesExpectedToWrite": 3000000}


async def test_download_limit_up_front_and_while_streaming(run_app: Any,
                                                           demo_server: DemoServer) -> None:
    """Over the limit: refused on Content-Length, or cut while streaming; no file is left."""
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        swan.downloadFile(callbacks('known', {{url: '{API}/download/2000'}}));
        swan.downloadFile(callbacks('chunked', {{url: '{API}/download/200000?chunked=1'}}));
        swan.downloadFile(callbacks('ok', {{url: '{API}/download/1000?chunked=1'}}));
        Page({{}});
    """}, demo_server.settings(limits=Limits(download_bytes=1500)))
    evts = events(run)
    assert outcome(evts["known"])[1]["errMsg"].startswith("downloadFile:fail file size exceeds limit")
    assert outcome(evts["chunked"])[1]["errMsg"].startswith("downloadFile:fail file size exceeds limit")
    assert outcome(evts["ok"])[0] == "success"
    tmp = run.host.sandbox.tmp
    assert len(list(tmp.iterdir())) == 1  # only the good one; no partial files


async def test_download_to_user_path_and_refused_paths(run_app: Any,
                                                       demo_server: DemoServer) -> None:
    """filePath under the user folder (folders created); other places refused."""
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        swan.downloadFile(callbacks('usr', {{url: '{API}/download/100',
            filePath: swan.env.USER_DATA_PATH + '/a/b/c.bin'}}));
        swan.downloadFile(callbacks('tmp', {{url: '{API}/download/100', filePath: 'bdfile://tmp_x'}}));
        swan.downloadFile(callbacks('up', {{url: '{API}/download/100', filePath: 'bdfile://usr/../x'}}));
        Page({{}});
    """}, demo_server.settings())
    evts = events(run)
    kind, res = outcome(evts["usr"])
    assert (kind, res["filePath"], res["statusCode"]) == ("success", "bdfile://usr/a/b/c.bin", 200)
    assert host_file(run, "bdfile://usr/a/b/c.bin").read_bytes() == download_bytes(100)
    assert "only bdfile://usr is writable" in outcome(evts["tmp"])[1]["errMsg"]
    assert "escapes the app folder" in outcome(evts["up"])[1]["errMsg"]


async def test_download_abort_inside_progress_removes_partial(run_app: Any,
                                                              demo_server: DemoServer) -> None:
    """abort() in a progress callback: fail abort, no success, the partial file is gone."""
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        var t = swan.downloadFile(callbacks('dl', {{url: '{API}/download/4000000?slow=1'}}));
        t.onProgressUpdate(function (p) {{ log('dl', 'progress', p); if (p.progress >= 20) t.abort(); }});
        Page({{}});
    """}, demo_server.settings())
    evts = events(run)["dl"]
    assert outcome(evts) == ("fail", {"errCode": 1001, "errMsg": "downloadFile:fail abort"})
    assert progress_of(evts)[-1]["progress"] < 100
    assert list(run.host.sandbox.tmp.iterdir()) == []
    [flow] = run.host.flows
    assert flow.state is FlowState.ABORTED


async def test_download_status_and_server_file_name_ignored(run_app: Any,
                                                            demo_server: DemoServer) -> None:
    """Any status is success (the body is the file); Content-Disposition never picks the path."""
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        swan.downloadFile(callbacks('404', {{url: '{API}/status/404'}}));
        swan.downloadFile(callbacks('evil', {{url: '{API}/download/10?name=../../evil.sh'}}));
        Page({{}});
    """}, demo_server.settings())
    evts = events(run)
    kind, res = outcome(evts["404"])
    assert kind == "success" and res["statusCode"] == 404
    assert json.loads(host_file(run, res["tempFilePath"]).read_text())["status"] == 404
    evil = outcome(evts["evil"])[1]["tempFilePath"]
    assert "evil" not in evil and host_file(run, evil).parent == run.host.sandbox.tmp


async def test_download_timeout_and_refused_domain(run_app: Any, demo_server: DemoServer) -> None:
    """networkTimeout.downloadFile applies; the downloadFile list is checked."""
    settings = demo_server.settings()
    settings.domains["downloadFile"] = []
    run = await run_app({
        "app.json": {"pages": ["pages/index/index"], "networkTimeout": {"uploadFile": 300}},
        "pages/index/index.js": HELPERS + f"""
        swan.downloadFile(callbacks('refused', {{url: '{API}/download/10'}}));
        swan.getFileSystemManager().writeFile({{filePath: swan.env.USER_DATA_PATH + '/s.txt', data: 'x',
            success: function () {{ upload('slow', swan.env.USER_DATA_PATH + '/s.txt', {{url: '{API}/delay/3000'}}); }}}});
        Page({{}});
    """}, settings)
    evts = events(run)
    assert outcome(evts["refused"])[1]["errMsg"] == "downloadFile:fail url not in domain list"
    assert outcome(evts["slow"])[1] == {"errCode": 1001, "errMsg": "uploadFile:fail timeout"}


async def test_observer_progress_is_coalesced(run_app: Any, demo_server: DemoServer) -> None:
    """A 2-second download yields at most ~20 progress events per second to observers."""
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        swan.downloadFile(callbacks('dl', {{url: '{API}/download/6000000?slow=1'}}));
        Page({{}});
    """}, demo_server.settings())
    assert outcome(events(run)["dl"])[0] == "success"
    progress = run.of(TransferProgress)
    [flow] = run.host.flows
    assert flow.timings.total_s is not None
    assert 3 <= len(progress) <= flow.timings.total_s * 20 + 3
    assert progress[-1].flow.bytes_done == 6000000 and flow.rate > 0


async def test_download_timeout_removes_partial_file(run_app: Any, demo_server: DemoServer) -> None:
    """networkTimeout.downloadFile stops a slow download mid-stream; no partial file stays."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index"], "networkTimeout": {"downloadFile": 400}},
        "pages/index/index.js": HELPERS + f"""
        var t = swan.downloadFile(callbacks('slow', {{url: '{API}/download/4000000?slow=1'}}));
        t.onProgressUpdate(function (p) {{ log('slow', 'progress', p); }});
        Page({{}});
    """}, demo_server.settings())
    evts = events(run)["slow"]
    assert outcome(evts) == ("fail", {"errCode": 1001, "errMsg": "downloadFile:fail timeout"})
    assert progress_of(evts) and progress_of(evts)[-1]["progress"] < 100
    assert list(run.host.sandbox.tmp.iterdir()) == []
