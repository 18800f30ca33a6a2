"""The swan object and canIUse, built from the platform's API table (emulator/swan/surface.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.config import Settings
from emulator.swan.surface import parse_tree, surface


def index(js: str) -> dict[str, Any]:
    return {"pages/index/index.js": js + "\nPage({});"}


# Schema -> answer at the default base version (3.200.0), from the docs
# [api/device_sys/swan-canIUse.md; swan/compatibility_caniuse.md] and what works here.
CAN_I_USE = {
    # APIs, their parameters, options and results
    "request": True,
    "request.object.method.OPTIONS": True,
    "request.object.method.PATCH": False,
    "request.object.responseType.arraybuffer": True,
    "request.success.statusCode": True,
    "request.fooBar": False,
    "getSystemInfo": True,
    "getSystemInfo.success": True,
    "getSystemInfoSync.return.screenWidth": True,
    "chooseImage.success.tempFiles.path": False,  # the docs' own false example
    "getEnvInfoSync.return.env.trial": True,
    "onAppShow.callback.entryType.user": True,
    "getLoginCode": True,
    "login.success.code": True,
    "isLoginSync.return.isLogin": True,
    "authorize.object.scope.scope.userInfo": True,  # an option value with dots
    "authorize.object.scope.scope.nothing": False,
    "requestPolymerPayment.object.orderInfo.dealId": True,
    "getMenuButtonBoundingClientRect": True,
    "createAnimation": True,
    "getUpdateManager": True,
    # task and manager objects
    "SocketTask": True,
    "SocketTask.send": True,
    "SocketTask.onMessage.callback.data": True,
    "SocketTask.fooBar": False,
    "UploadTask.onProgressUpdate": True,
    "UploadTask.onHeadersReceived": False,
    "DownloadTask.abort": True,
    "RequestTask.abort": True,
    "FileSystemManager.readFileSync": True,
    "FileSystemManager.unzip": False,  # on the platform, not here
    "CanvasContext.fill": True,
    "Animation.step": True,
    "UpdateManager.onCheckForUpdate.callback.hasUpdate": True,
    "VideoContext.requestFullScreen.object.direction": False,  # no video here
    # platform APIs the emulator does not have: present as stubs, but not usable
    "getLocation": False,
    "getLocation.success.latitude": False,
    "createVideoContext": False,
    "ai": False,
    "ai.imageAudit.success.data.stars.name": False,
    # names the platform lacks
    "webpackJsonp": False,
    "httpRequest": False,
    "onHeadersReceived": False,
    "": False,
    "request.": False,
    ".request": False,
    # components and attributes (documented by the platform; templates are accepted)
    "view": True,
    "view.hover-class": True,
    "scroll-view.scroll-x": True,
    "cover-view": True,
    "text": True,
    "text.selectable": True,
    "button.size.default": True,
    "button.open-type.contact": True,
    "button.open-type.teleport": False,
    "web-view": True,
    "no-such-component": False,
    # framework features
    "sjs": True,
}


async def test_caniuse_follows_the_documented_schema(run_app: Any) -> None:
    """canIUse answers the schema table of the docs, true only for what works here."""
    run = await run_app(index(
        "var schemas = %s; var out = {};"
        "schemas.forEach(function (s) { out[s] = swan.canIUse(s); });"
        "console.log(JSON.stringify(out));" % json.dumps(list(CAN_I_USE))))
    assert json.loads(run.logs[0]) == CAN_I_USE
    assert len(CAN_I_USE) >= 40


@pytest.mark.parametrize(("version", "expected"), [
    ("1.11.0", {"request.object.responseType": False, "getSystemInfo.success.host": False,
                "getSystemInfoSync": True, "onAppShow": False, "isLoginSync": False}),
    ("3.0.17", {"request.object.responseType": True, "getSystemInfo.success.host": False,
                "getSystemInfoSync": True, "onAppShow": False, "isLoginSync": True}),
    ("3.60.2", {"request.object.responseType": True, "getSystemInfo.success.host": True,
                "getSystemInfoSync": True, "onAppShow": True, "isLoginSync": True}),
])
async def test_caniuse_and_the_swan_object_follow_the_base_version(
        run_app: Any, version: str, expected: dict[str, bool]) -> None:
    """What arrived after the emulated base library is false in canIUse and absent on swan."""
    run = await run_app(index(
        "var out = {}; %s.forEach(function (s) { out[s] = swan.canIUse(s); });"
        "console.log(JSON.stringify(out), typeof swan.onAppShow, typeof swan.isLoginSync);"
        % json.dumps(list(expected))), Settings(base_version=version))
    answers, on_app_show, is_login_sync = run.logs[0].split(" ")
    assert json.loads(answers) == expected
    assert on_app_show == ("function" if expected["onAppShow"] else "undefined")
    assert is_login_sync == ("function" if expected["isLoginSync"] else "undefined")


async def test_caniuse_with_a_non_string_throws(run_app: Any) -> None:
    """A non-string schema throws, as documented; the app can catch it."""
    run = await run_app(index(
        "try { swan.canIUse(42); } catch (e) { console.log('threw', e instanceof Error); }"))
    assert run.logs == ["threw true"]


async def test_swan_is_a_plain_object(run_app: Any) -> None:
    """Unknown names read undefined (webpack's `swan.webpackJsonp || []` and feature checks
    work), what the app stores stays, and typeof agrees with canIUse."""
    run = await run_app({
        "app.js": """
            var jsonp = swan.webpackJsonp = swan.webpackJsonp || [];
            jsonp.push.bind(jsonp)('chunk');
            swan.createApp = function () { return 'mine'; };
            App({});
        """,
        "pages/index/index.js": """
            console.log(typeof swan.webpackJsonp, swan.webpackJsonp.length, swan.createApp());
            console.log(typeof swan.httpRequest, swan.httpRequest ? 'routed to fake' : 'real request');
            console.log(typeof swan.request, typeof swan.getLocation, swan.canIUse('getLocation'));
            console.log(Object.prototype.toString.call(swan), 'request' in swan, 'nope' in swan);
            Page({});
        """,
    })
    assert run.logs == [
        "object 1 mine",
        "undefined real request",
        "function function false",
        "[object Object] true false",
    ]
    assert run.errors == []


async def test_every_implemented_api_is_in_the_table(run_app: Any) -> None:
    """The emulator implements nothing the table does not list (it would be invisible)."""
    run = await run_app(index(
        "var impl = __swan_host__.swan; var missing = [];"
        "Object.keys(impl).forEach(function (k) {"
        "  if (typeof impl[k] === 'function' && !(k in swan)) missing.push(k); });"
        "console.log(JSON.stringify(missing));"))
    assert json.loads(run.logs[0]) == []


async def test_implemented_objects_have_every_member_canIUse_promises(run_app: Any) -> None:
    """Each object the emulator makes has every member its class lists in the table."""
    classes = surface()["classes"]
    run = await run_app(index("""
        var objects = {
            RequestTask: swan.request({url: 'https://example.com/'}),
            UploadTask: swan.uploadFile({url: 'https://example.com/', filePath: 'x', name: 'f'}),
            DownloadTask: swan.downloadFile({url: 'https://example.com/'}),
            SocketTask: swan.connectSocket({url: 'wss://example.com/'}),
            FileSystemManager: swan.getFileSystemManager(),
            SelectorQuery: swan.createSelectorQuery(),
            NodesRef: swan.createSelectorQuery().select('#a'),
            IntersectionObserver: swan.createIntersectionObserver({}),
            Animation: swan.createAnimation(),
            CanvasContext: swan.createCanvasContext('c'),
            UpdateManager: swan.getUpdateManager(),
        };
        var out = {};
        Object.keys(objects).forEach(function (cls) {
            var obj = objects[cls];
            out[cls] = %s[cls].filter(function (m) {
                return swan.canIUse(cls + '.' + m) && typeof obj[m] !== 'function';
            });
            out[cls + ' usable'] = swan.canIUse(cls);
        });
        console.log(JSON.stringify(out));
    """ % json.dumps({k: list(v.get("c", {})) for k, v in classes.items()})))
    out = json.loads(run.logs[0])
    for cls in ("RequestTask", "UploadTask", "DownloadTask", "SocketTask", "FileSystemManager",
                "SelectorQuery", "NodesRef", "IntersectionObserver", "Animation",
                "CanvasContext", "UpdateManager"):
        assert out[cls] == [], cls
        assert out[f"{cls} usable"] is True, cls


async def test_stubs_of_factories_have_the_documented_methods(run_app: Any) -> None:
    """A factory the emulator lacks returns an object with exactly its class's methods;
    they chain, listeners do nothing, and calls with callbacks fail cleanly."""
    run = await run_app(index("""
        var audio = swan.createInnerAudioContext();
        audio.src = 'a.mp3';
        audio.onPlay(function () {});
        console.log(typeof audio.play, typeof audio.offSeeked, typeof audio.fly, audio.src,
                    audio.play() === audio);
        var video = swan.createVideoContext('v');
        video.requestFullScreen({direction: 90, fail: function (e) { console.log(e.errCode, e.errMsg); }});
        console.log(JSON.stringify(swan.getBatteryInfoSync()));
    """))
    assert run.logs == [
        "function function undefined a.mp3 true",
        '{"level":null,"isCharging":null}',
        "1001 requestFullScreen:fail not supported by the emulator",
    ]


def test_tree_notation_parses_nesting_and_versions() -> None:
    """`a b@1.2.3(c d(e))` is a tree with version markers; bad input is refused."""
    assert parse_tree("a b@1.2.3(c d(e))") == {
        "a": {}, "b": {"v": "1.2.3", "c": {"c": {}, "d": {"c": {"e": {}}}}}}
    for bad in ("a(b", "a)b", "(a)"):
        with pytest.raises(ValueError):
            parse_tree(bad)
