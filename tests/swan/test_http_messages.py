"""Messages and places (issue 10, kind 8, the HTTP and file parts): a host's trailing dot
is dropped before the policy and the connection alike, a server's unusable redirect is
the server's fault (1001), and the sync file mirror ends up exactly as the host has it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from emulator.flows.flow import FlowState
from emulator.flows.har import make_har
from emulator.net.policy import DomainPolicy, canonical_url
from tests.conftest import DEMO_DOMAIN, DemoServer
from tests.swan.call_log import events

API = f"https://{DEMO_DOMAIN}"

HELPERS = """
function log(label, kind, payload) { console.log(JSON.stringify([label, kind, payload])); }
function callbacks(label, o) {
    o.success = function (r) { log(label, 'success', r.statusCode); };
    o.fail = function (r) { log(label, 'fail', r); };
    o.complete = function () { log(label, 'complete'); };
    return o;
}
var fs = swan.getFileSystemManager();
var USR = swan.env.USER_DATA_PATH;
function attempt(label, fn) {
    try { log(label, 'ok', fn()); } catch (e) { log(label, 'threw', e.message); }
}
"""



def test_canonical_url_drops_one_trailing_dot_and_nothing_else() -> None:
    """good.test. is good.test (port, user info, path, query kept); good.test.. is no name."""
    assert canonical_url("https://good.test./a?b=c.#d.") == "https://good.test/a?b=c.#d."
    assert canonical_url("https://good.test.:8443/") == "https://good.test:8443/"
    assert canonical_url("https://u:p@good.test./") == "https://u:p@good.test/"
    assert canonical_url("https://good.test/x.") == "https://good.test/x."
    assert canonical_url("https://[::1]/") == "https://[::1]/"
    policy = DomainPolicy({"request": ["good.test"]})
    assert policy.check("request", "https://Good.Test./").allowed
    verdict = policy.check("request", "https://good.test../")
    assert not verdict.allowed and verdict.reason == "invalid url"
    # An explicit port is still seen (the check is on the URL as given, port and all).
    assert policy.check("request", canonical_url("https://good.test.:443/")).reason == \
        "url must not contain a port"


async def test_trailing_dot_passes_policy_and_tls(run_app: Any, demo_server: DemoServer) -> None:
    """https://api.demo.test./ is allowed (README: trailing dot ignored) and then connects:
    Host, SNI and the certificate check see api.demo.test; a redirect there too."""
    to = quote(f"{API}./echo?hop=2", safe="")
    run = await run_app({"pages/index/index.js": HELPERS + f"""
        swan.request(callbacks('req', {{url: '{API}./json'}}));
        swan.downloadFile(callbacks('dl', {{url: '{API}./download/10'}}));
        swan.request(callbacks('hop', {{url: '{API}/redirect?to={to}'}}));
        Page({{}});
    """}, demo_server.settings())
    evts = events(run)
    for label in ("req", "dl", "hop"):
        assert evts[label][0] == ("success", 200), (label, evts[label])
    urls = [e["request"]["url"] for e in make_har(run.host.flows)["log"]["entries"]]
    assert f"{API}/json" in urls and f"{API}/echo?hop=2" in urls
    assert not any(f"{DEMO_DOMAIN}./" in u for u in urls)
    hosts = [dict((k.lower(), v) for k, v in f.request.headers).get("host")
             for f in run.host.flows]
    assert set(hosts) == {DEMO_DOMAIN}


async def test_unusable_redirect_location_is_the_servers_fault(
        run_app: Any, demo_server: DemoServer) -> None:
    """A Location no URL can be made of: errCode 1001 with a server-side reason (not 904
    "parameter error", which blames the app); the 3xx hop's flow fails with it in the HAR."""
    bad = ["http://[::1", "https://a.test:x/"]
    run = await run_app({"pages/index/index.js": HELPERS + "".join(
        f"swan.request(callbacks('r{i}', {{url: '{API}/redirect?to={quote(loc, safe='')}'}}));\n"
        for i, loc in enumerate(bad)) + "Page({});"}, demo_server.settings())
    evts = events(run)
    for i, loc in enumerate(bad):
        [(kind, res), _complete] = evts[f"r{i}"]
        assert (kind, res) == ("fail", {
            "errCode": 1001,
            "errMsg": f"request:fail bad redirect: the server sent an unusable Location "
                      f"{json.dumps(loc)}"})
    flows = list(run.host.flows)
    assert len(flows) == 2
    for flow in flows:
        assert flow.state is FlowState.FAILED and flow.response is not None
        assert flow.response.status == 302
    for entry in make_har(flows)["log"]["entries"]:
        assert entry["response"]["_error"].startswith("bad redirect: ")


async def test_sync_writes_the_host_refused_leave_no_trace_in_the_mirror(
        run_app: Any, tmp_path: Path) -> None:
    """Writes the mirror accepted and the host refused (a folder removed, a symlink out, a
    file where a folder was to be, all behind the app's back): afterwards the mirror has
    exactly what the host has -- readFileSync never returns data that was not written,
    and the folders the JS side made for the write are gone."""
    outside = tmp_path / "outside"
    outside.mkdir()
    run = await run_app({"pages/index/index.js": HELPERS + """
        globalThis.prepare = function () {
            fs.mkdirSync(USR + '/gone');
        };
        globalThis.writeAll = function () {
            attempt('write', function () { fs.writeFileSync(USR + '/gone/f.txt', 'never'); });
            attempt('mkdir', function () { fs.mkdirSync(USR + '/link'); });
            attempt('secret', function () { fs.writeFileSync(USR + '/link/x.txt', 'secret'); });
            attempt('deep', function () { fs.mkdirSync(USR + '/p/q/r', true); });
            attempt('sameTurn', function () { return fs.readFileSync(USR + '/link/x.txt', 'utf8'); });
            setTimeout(function () {
                attempt('readGone', function () { return fs.readFileSync(USR + '/gone/f.txt', 'utf8'); });
                attempt('gone', function () { fs.accessSync(USR + '/gone'); });
                attempt('readSecret', function () { return fs.readFileSync(USR + '/link/x.txt', 'utf8'); });
                attempt('link', function () { fs.accessSync(USR + '/link'); });
                attempt('p', function () { return fs.statSync(USR + '/p').isFile(); });
                attempt('pq', function () { fs.accessSync(USR + '/p/q'); });
                attempt('list', function () { return fs.readdirSync(USR); });
            }, 50);
        };
        Page({});
    """})
    usr = run.host.sandbox.usr
    run.host.evaluate("prepare()")
    await run.idle()
    (usr / "gone").rmdir()  # behind the app's back
    (usr / "link").symlink_to(outside, target_is_directory=True)
    (usr / "p").write_text("a file")
    run.host.evaluate("writeAll()")
    await run.idle()
    r = {k: v[0] for k, v in events(run).items()}
    # A sync call cannot wait for the host: in the same turn the mirror has the write.
    assert r["write"][0] == "ok" and r["secret"][0] == "ok" and r["deep"][0] == "ok"
    assert r["sameTurn"] == ("ok", "secret")
    # Once the host has answered, the mirror is the host's.
    assert r["readGone"][0] == "threw" and "no such file" in r["readGone"][1]
    assert r["gone"][0] == "threw"
    assert r["readSecret"][0] == "threw" and "no such file" in r["readSecret"][1]
    assert r["link"][0] == "threw"
    assert r["p"] == ("ok", True)
    assert r["pq"][0] == "threw"
    assert r["list"] == ("ok", ["p"])
    assert list(outside.iterdir()) == []  # nothing was written outside
    refused = [w for w in run.warnings if "the host could not complete it" in w]
    assert len(refused) == 4, run.warnings
