"""Upload and download mocks go through the real progress path: progress callbacks and
events, size limits, files written into the sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.config import Limits
from emulator.flows.events import TransferProgress
from emulator.flows.flow import FlowState, TransferFlow
from tests.conftest import DEMO_DOMAIN, DemoServer
from tests.net.mock_helpers import with_mocks
from tests.swan.call_log import events, outcome
from tests.swan.test_transfer import HELPERS, check_progress, host_file, make_file

API = f"https://{DEMO_DOMAIN}"
DOWNLOAD = """
function download(label, url, extra) {
    var task = swan.downloadFile(callbacks(label, Object.assign({url: url}, extra || {})));
    task.onProgressUpdate(function (p) { log(label, 'progress', p); });
    return task;
}
"""


async def test_upload_mock_drains_the_file_with_progress(run_app: Any, demo_server: DemoServer,
                                                         tmp_path: Path) -> None:
    """A mocked upload still streams the whole file (progress to 100) and answers; a
    formData matcher picks the rule."""
    src = make_file(tmp_path, 2 * 1024 * 1024)
    settings = with_mocks(demo_server, [
        {"name": "other", "api": "uploadFile", "params": {"formData.user": "^nobody$"},
         "response": {"text": "wrong"}},
        {"name": "up", "api": "uploadFile", "url": f"{API}/upload", "method": "POST",
         "params": {"formData.user": "^swan$", "formData.n": "^7$"},
         "response": {"status": 201, "json": {"stored": True}}},
    ], tmp_path, choose_files=[src])
    run = await run_app({"pages/index/index.js": HELPERS + """
        choose(function (path) { upload('up', path); });
        Page({});
    """}, settings)
    evts = events(run)["up"]
    kind, res = outcome(evts)
    assert kind == "success" and res["statusCode"] == 201
    assert json.loads(res["data"]) == {"stored": True}
    check_progress(evts, "totalBytesSent", "totalBytesExpectedToSend", every_percent=True)
    [flow] = [f for f in run.host.flows if isinstance(f, TransferFlow)]
    assert flow.mocked == "up" and flow.state is FlowState.DONE
    assert flow.bytes_done == flow.bytes_expected > 2 * 1024 * 1024
    assert run.of(TransferProgress)
    assert demo_server.server.requests_served == 0


async def test_download_mock_writes_the_sandbox_file(run_app: Any, demo_server: DemoServer,
                                                     tmp_path: Path) -> None:
    """A mocked download streams a file from disk into a temp file and into a chosen
    path, with progress; the download limit still applies; a failure is the real one."""
    blob = make_file(tmp_path, 3 * 1024 * 1024, "photo.png")
    settings = with_mocks(demo_server, [
        {"name": "photo", "api": "downloadFile", "url": f"{API}/photo.png",
         "response": {"file": str(blob)}},
        {"name": "big", "api": "downloadFile", "url": f"{API}/big.bin",
         "response": {"file": str(blob)}},
        {"name": "gone", "api": "downloadFile", "url": f"{API}/gone", "fail": "reset"},
    ], tmp_path, limits=Limits(download_bytes=4 * 1024 * 1024))
    run = await run_app({"pages/index/index.js": HELPERS + DOWNLOAD + f"""
        download('temp', '{API}/photo.png');
        download('saved', '{API}/photo.png', {{filePath: swan.env.USER_DATA_PATH + '/p.png'}});
        Page({{}});
    """}, settings)
    all_events = events(run)
    kind, temp = outcome(all_events["temp"])
    assert kind == "success" and temp["statusCode"] == 200 and temp["tempFilePath"].endswith(".png")
    assert host_file(run, temp["tempFilePath"]).read_bytes() == blob.read_bytes()
    check_progress(all_events["temp"], "totalBytesWritten", "totalBytesExpectedToWrite",
                   every_percent=True)
    kind, saved = outcome(all_events["saved"])
    assert kind == "success" and host_file(run, saved["filePath"]).read_bytes() == blob.read_bytes()
    assert {f.mocked for f in run.host.flows} == {"photo"}
    small = await run_app({"pages/index/index.js": HELPERS + DOWNLOAD + f"""
        download('big', '{API}/big.bin');
        download('gone', '{API}/gone');
        Page({{}});
    """}, with_mocks(demo_server, [
        {"name": "big", "api": "downloadFile", "url": f"{API}/big.bin", "response": {"file": str(blob)}},
        {"name": "gone", "api": "downloadFile", "url": f"{API}/gone", "fail": "reset"},
    ], tmp_path, limits=Limits(download_bytes=1024 * 1024)))
    kind, big = outcome(events(small)["big"])
    assert kind == "fail" and big["errMsg"].startswith("downloadFile:fail file size exceeds limit")
    kind, gone = outcome(events(small)["gone"])
    assert kind == "fail" and gone["errMsg"] == \
        "downloadFile:fail connection lost: [Errno 104] Connection reset by peer"
    assert demo_server.server.requests_served == 0
