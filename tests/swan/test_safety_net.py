"""The safety net under request, uploadFile and downloadFile (issue 10, kind 6): an
exception injected at every step -- MemoryError (the path of any bug), OSError
ENAMETOOLONG carrying a host path -- still gives the app exactly one fail and one complete, ends every
started flow exactly once with its error in the HAR, and never shows the app a host
path, a traceback or an exception's class."""

from __future__ import annotations

import errno
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.flows.events import FlowFailed, FlowFinished, FlowStarted
from emulator.flows.flow import FlowState
from emulator.flows.har import make_har
from emulator.net import bodies, client, limits, policy
from emulator.swan import calls, files, request, transfer
from tests.conftest import DEMO_DOMAIN, DemoServer, Run

API = f"https://{DEMO_DOMAIN}"
SECRET = "/abs/secret/host/path"

HELPERS = """
function log(label, kind, payload) { console.log(JSON.stringify([label, kind, payload])); }
function callbacks(label, o) {
    o.success = function (r) { log(label, 'success', r); };
    o.fail = function (r) { log(label, 'fail', r); };
    o.complete = function () { log(label, 'complete'); };
    return o;
}
var USR = swan.env.USER_DATA_PATH;
"""

CALLS = {
    "request": f"swan.request(callbacks('call', {{url: '{API}/json'}}));",
    "redirect": f"swan.request(callbacks('call', {{url: '{API}/redirect/allowed'}}));",
    "uploadFile": """
        swan.getFileSystemManager().writeFile({filePath: USR + '/up.txt', data: 'payload',
            success: function () {
                swan.uploadFile(callbacks('call', {url: '%s/upload', filePath: USR + '/up.txt',
                                                   name: 'file'}));
            }});""" % API,
    "downloadFile": f"swan.downloadFile(callbacks('call', {{url: '{API}/download/200000'}}));",
    "downloadTo": f"""swan.downloadFile(callbacks('call', {{url: '{API}/download/200000',
                                                  filePath: USR + '/d/x.bin'}}));""",
}

API_NAME = {"request": "request", "redirect": "request", "uploadFile": "uploadFile",
            "downloadFile": "downloadFile", "downloadTo": "downloadFile"}

# (module or class, attribute, the calls whose path goes through it)
STEPS: list[tuple[Any, str, tuple[str, ...]]] = [
    (request.RequestService, "_on_request", ("request", "redirect")),
    (request, "request_headers", ("request",)),
    (transfer, "request_headers", ("uploadFile", "downloadFile")),
    (client.Network, "start", ("request", "uploadFile", "downloadFile", "downloadTo")),
    (policy.DomainPolicy, "check", ("request", "redirect", "uploadFile", "downloadFile")),
    (limits.ConcurrencyLimiter, "acquire", ("request", "uploadFile", "downloadTo")),
    (client.Network, "client", ("request", "uploadFile", "downloadFile")),
    (client, "wire_headers", ("request", "redirect", "uploadFile", "downloadFile")),
    (client.Network, "_send", ("request", "redirect", "uploadFile", "downloadTo")),
    (httpx.AsyncHTTPTransport, "handle_async_request", ("request", "downloadFile")),
    (client, "read_body", ("redirect",)),
    (client, "redirect_target", ("redirect",)),
    (bodies, "read_body", ("request", "redirect", "uploadFile", "downloadFile")),
    (bodies.BodyBudget, "take", ("request", "uploadFile")),
    (request, "answer", ("request", "redirect")),
    (request, "response_header", ("request",)),
    (calls.TaskCalls, "start", ("request", "uploadFile", "downloadFile")),
    (transfer.TransferService, "_on_upload", ("uploadFile",)),
    (files.AppFiles, "existing_file", ("uploadFile",)),
    (transfer.Multipart, "build", ("uploadFile",)),
    (transfer.Multipart, "stream", ("uploadFile",)),
    (transfer.Progress, "update", ("uploadFile", "downloadFile", "downloadTo")),
    (transfer.Progress, "finish", ("uploadFile", "downloadFile", "downloadTo")),
    (transfer.TransferService, "_begin", ("uploadFile", "downloadTo")),
    (transfer.TransferService, "_on_download", ("downloadFile",)),
    (files.AppFiles, "writable", ("downloadTo",)),
    (files.AppFiles, "new_temp", ("downloadFile",)),
    (transfer.Download, "open", ("downloadFile", "downloadTo")),
    (transfer.Download, "write", ("downloadFile", "downloadTo")),
    (transfer.Download, "commit", ("downloadFile", "downloadTo")),
    (transfer, "open_for_write", ("downloadFile", "downloadTo")),
    (files.UserSpace, "reserve", ("downloadTo",)),
    (files.AppFiles, "changed", ("downloadFile", "downloadTo")),
]

# A plain bug (RuntimeError) takes MemoryError's path (an exception nobody foresaw).
EXCEPTIONS = {
    "memory": MemoryError,
    "nametoolong": lambda: OSError(errno.ENAMETOOLONG, "File name too long", SECRET + "/x" * 200),
}

CASES = [pytest.param(owner, name, api, exc, id=f"{api}-{getattr(owner, '__name__', owner)}."
                      f"{name}-{exc}")
         for owner, name, apis in STEPS for api in apis for exc in EXCEPTIONS]


def events(run: Run) -> list[tuple[str, Any]]:
    out = []
    for line in run.logs:
        if line.startswith("["):
            label, kind, *payload = json.loads(line)
            if label == "call":
                out.append((kind, payload[0] if payload else None))
    return out


def check_flows_ended_once(run: Run) -> None:
    """Every started flow ended exactly once, and a failed one carries its error."""
    started = [e.flow.id for e in run.of(FlowStarted)]
    ended = Counter(e.flow.id for e in run.of(FlowFinished) + run.of(FlowFailed))
    assert sorted(ended) == sorted(started) and set(ended.values()) <= {1}, (started, ended)
    for flow in run.host.flows:
        assert flow.state.ended, flow
        if flow.state is not FlowState.DONE:
            assert flow.error is not None and flow.error.reason


@pytest.mark.parametrize(("owner", "name", "api", "exc"), CASES)
async def test_an_exception_at_any_step_ends_the_call_and_the_flow_once(
        run_app: Any, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, owner: Any, name: str, api: str, exc: str) -> None:
    """Inject the exception at the step: one fail, one complete, each flow ended once with
    its error in the HAR, no host path, traceback or class name in the errMsg."""
    hits: list[int] = []

    def boom(*_args: Any, **_kwargs: Any) -> Any:
        hits.append(1)
        raise EXCEPTIONS[exc]()

    monkeypatch.setattr(owner, name, boom)
    caplog.set_level(logging.WARNING)
    run = await run_app({"pages/index/index.js": HELPERS + CALLS[api] + "\nPage({});"},
                        demo_server.settings())
    assert hits, "the step was not reached"
    evts = events(run)
    ends = [(k, p) for k, p in evts if k in ("success", "fail")]
    assert len(ends) == 1 and [k for k, _ in evts].count("complete") == 1, evts
    assert evts[-1][0] == "complete"
    kind, res = ends[0]
    assert kind == "fail", res
    message = res["errMsg"]
    assert res["errCode"] in (904, 1001)
    assert message.startswith(f"{API_NAME[api]}:fail ")
    for leak in (SECRET, str(run.host.sandbox.root), "Traceback", "internal error",
                 "RuntimeError", "MemoryError", "OSError", "Errno"):
        assert leak not in message, message
    check_flows_ended_once(run)
    har = make_har(run.host.flows)["log"]["entries"]
    if har:
        assert har[-1]["response"].get("_error"), har[-1]["response"]
    assert not run.errors
    assert not [r for r in caplog.records if "handler for" in r.getMessage()]


async def test_cases_cover_every_api() -> None:
    """Each HTTP API (and a redirect, and a download to a user path) has injected steps."""
    assert {api for _o, _n, apis in STEPS for api in apis} == set(CALLS)


async def test_named_failures_keep_host_paths_out(run_app: Any, demo_server: DemoServer,
                                                  tmp_path: Path) -> None:
    """A 300-character file name, a download onto an existing folder, a CA file that is
    missing or not PEM: clean fails naming virtual paths or settings, flows ended."""
    long = "a" * 300
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        var fs = swan.getFileSystemManager();
        function plain(label) {{
            return {{success: function (r) {{ log(label, 'success', r); }},
                     fail: function (r) {{ log(label, 'fail', r); }},
                     complete: function () {{ log(label, 'complete'); }}}};
        }}
        swan.downloadFile(Object.assign(plain('dlLong'), {{url: '{API}/download/10',
                                                         filePath: USR + '/{long}'}}));
        fs.writeFile(Object.assign(plain('writeLong'), {{filePath: USR + '/{long}', data: 'x'}}));
        try {{ fs.writeFileSync(USR + '/{long}', 'x'); log('syncLong', 'ok'); }}
        catch (e) {{ log('syncLong', 'threw', e.message); }}
        fs.mkdir(Object.assign(plain('mkdir'), {{dirPath: USR + '/dir', success: function () {{
            swan.downloadFile(Object.assign(plain('dlDir'), {{url: '{API}/download/10',
                                                             filePath: USR + '/dir'}}));
        }}}}));
        Page({{}});
    """}, demo_server.settings())
    out: dict[str, list[Any]] = {}
    for line in run.logs:
        label, kind, *payload = json.loads(line)
        out.setdefault(label, []).append((kind, payload[0] if payload else None))
    quoted = f"'bdfile://usr/{long}'"
    assert out["dlLong"][0] == ("fail", {"errCode": 1001,
                                         "errMsg": f"downloadFile:fail file name too long {quoted}"})
    assert out["writeLong"][0] == ("fail", {"errCode": 1001,
                                            "errMsg": f"writeFile:fail file name too long {quoted}"})
    assert out["syncLong"] == [("threw", f'writeFileSync:fail file name too long "bdfile://usr/{long}"')]
    assert out["dlDir"][0] == ("fail", {
        "errCode": 1001,
        "errMsg": "downloadFile:fail illegal operation on a directory 'bdfile://usr/dir'"})
    for evts in out.values():
        assert str(run.host.sandbox.root) not in json.dumps(evts)

    missing = tmp_path / "no-such-ca.pem"
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    for ca in (missing, garbage):
        bad = await run_app({"pages/index/index.js": HELPERS + CALLS["request"] + "Page({});"},
                            demo_server.settings(ca_file=ca))
        evts = events(bad)
        assert evts == [("fail", {"errCode": 1001, "errMsg": "request:fail ssl handshake failed: "
                                  "the CA file (caFile) cannot be loaded"}), ("complete", None)]
        check_flows_ended_once(bad)
        [flow] = bad.host.flows
        assert flow.state is FlowState.FAILED and str(ca) not in flow.error_message
