"""Shared by the weak-network tests: throttled settings, the app's own timing of its calls,
and tolerances computed from the profile (never a fixed time)."""

from __future__ import annotations

from typing import Any

from emulator.config import Settings
from emulator.net.shaping.profiles import Profile
from tests.conftest import DemoServer

KIB = 1024
# A run on a shared, busy machine is slower, never faster, than the link allows: the
# lower bound is the profile's own figure; above it, a share of that figure.
SLACK = 0.25

# The app logs JSON lines [label, kind, payload, ms since the call started].
TIMED = """
function log(label, kind, payload, t0) {
    console.log(JSON.stringify([label, kind, payload === undefined ? null : payload,
                                t0 === undefined ? null : Date.now() - t0]));
}
function timed(label, o) {
    var t0 = Date.now();
    o.success = function (r) { log(label, 'success', {statusCode: r.statusCode,
        size: typeof r.data === 'string' ? r.data.length : (r.data && r.data.byteLength)}, t0); };
    o.fail = function (r) { log(label, 'fail', r, t0); };
    return {o: o, t0: t0};
}
function download(label, url) {
    var c = timed(label, {url: url});
    var task = swan.downloadFile(c.o);
    task.onProgressUpdate(function (p) { log(label, 'progress', p.progress, c.t0); });
    return task;
}
function upload(label, url, path) {
    var c = timed(label, {url: url, filePath: path, name: 'file'});
    var task = swan.uploadFile(c.o);
    task.onProgressUpdate(function (p) { log(label, 'progress', p.progress, c.t0); });
    return task;
}
function request(label, o) { var c = timed(label, o); return swan.request(c.o); }
// One request first, so the connection (and TLS) is set up before what is measured.
function warm(url, then) { swan.request({url: url, complete: function () { then(); }}); }
function choose(then) {
    swan.chooseImage({count: 1, success: function (r) { then(r.tempFilePaths[0]); }});
}
"""


def throttled(demo: DemoServer, profile: Profile, **overrides: Any) -> Settings:
    """The demo server's settings with ``profile`` in force (as the settings' own)."""
    return demo.settings(throttle=profile.name, throttle_profiles={profile.name: profile},
                         **overrides)


def within(measured_s: float, expected_s: float) -> bool:
    """Whether a measured duration fits the profile's figure: never below it (the link
    cannot be faster), at most :data:`SLACK` of it above."""
    return expected_s * 0.98 <= measured_s <= expected_s * (1 + SLACK)


def timeline(run: Any) -> dict[str, list[tuple[str, Any, float | None]]]:
    """label -> [(kind, payload, seconds since the call started)], as the app logged."""
    import json

    out: dict[str, list[tuple[str, Any, float | None]]] = {}
    for line in run.logs:
        if line.startswith("["):
            label, kind, payload, ms = json.loads(line)
            out.setdefault(label, []).append((kind, payload, None if ms is None else ms / 1000))
    return out


def ended(events: list[tuple[str, Any, float | None]]) -> tuple[str, Any, float]:
    """The call's one success or fail, and when (seconds after the call)."""
    [end] = [(k, p, t) for k, p, t in events if k in ("success", "fail")]
    assert end[2] is not None
    return end[0], end[1], end[2]
