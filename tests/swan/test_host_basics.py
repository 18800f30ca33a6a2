"""Host basics: storage, system info, network type, UI, unsupported APIs, canIUse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import Settings
from emulator.flows.bus import EventBus
from emulator.flows.events import UiRequest


def index(js: str) -> dict[str, Any]:
    return {"pages/index/index.js": js}


async def test_storage_sync_and_async_forms(run_app: Any) -> None:
    """Set/get/remove/clear/info, sync and async, with copies (not shared references)."""
    run = await run_app(index("""
        var obj = {a: [1, 2]};
        swan.setStorageSync('obj', obj);
        obj.a.push(3);
        swan.setStorageSync('n', 5);
        console.log(JSON.stringify(swan.getStorageSync('obj')), swan.getStorageSync('n'),
                    JSON.stringify(swan.getStorageSync('missing')));
        var info = swan.getStorageInfoSync();
        console.log(info.keys.join(','), info.currentSize, info.limitSize);
        swan.removeStorageSync('n');
        swan.setStorage({key: 'k', data: '中文', success: function (r) {
            console.log('set', r.errMsg);
            swan.getStorage({key: 'k', success: function (r) { console.log('get', r.data); }});
            swan.getStorage({key: 'none', fail: function (e) { console.log(e.errCode, e.errMsg); }});
            swan.removeStorage({key: 'k', complete: function () {
                swan.getStorageInfo({success: function (r) { console.log('keys', r.keys.join(',')); }});
            }});
        }});
        var failed = swan.setStorageSync(42, 'x');  // returns an Error, never throws
        console.log(failed instanceof Error, failed.message);
        Page({});
    """))
    assert run.logs == [
        '{"a":[1,2]} 5 ""',
        "obj,n 1 10240",
        "true setStorageSync:fail parameter error: key must be a non-empty string",
        "set setStorage:ok",
        "get 中文",
        "1001 getStorage:fail data not found",
        "keys obj",
    ]


async def test_failing_sync_api_returns_an_error_from_3_140_1(run_app: Any) -> None:
    """Before 3.140.1 a failing sync API returns nothing; after, an Error; never a throw;
    the console says so either way."""
    js = index("var r = swan.setStorageSync('', 1); console.log(r instanceof Error, typeof r);")
    modern = await run_app(js, Settings(base_version="3.140.1"))
    old = await run_app(js, Settings(base_version="3.130.0"))
    assert modern.logs == ["true object"] and old.logs == ["false undefined"]
    assert old.warnings == ["swan.setStorageSync failed: setStorageSync:fail parameter error: "
                            "key must be a non-empty string"]
    assert modern.errors == old.errors == []


async def test_storage_persists_across_runs_in_the_sandbox(tmp_path: Path) -> None:
    """What one run stores, the next run of the same app reads; it lives outside the app."""
    from tests.conftest import write_app

    root = write_app(tmp_path / "app", index("""
        var n = (swan.getStorageSync('runs') || 0) + 1;
        swan.setStorageSync('runs', n);
        console.log('run', n);
        if (n === 2) swan.clearStorageSync();
        Page({});
    """))
    seen: list[str] = []
    for _ in range(3):
        bus = EventBus()
        bus.subscribe(lambda e: seen.append(e.text) if hasattr(e, "text") else None)
        host = AppHost(load_package(root), Settings(), bus)
        await host.start()
        await host.wait_idle()
        storage_file = host.sandbox.storage_file
        await host.close()
    assert seen == ["run 1", "run 2", "run 1"]
    assert json.loads(storage_file.read_text()) == {"runs": 1}
    assert root not in storage_file.parents


async def test_storage_limit(run_app: Any) -> None:
    """Storing past the 10 MB limit fails and keeps the old data."""
    run = await run_app(index("""
        var big = new Array(6 * 1024 * 1024).join('x');
        swan.setStorageSync('a', big);
        swan.setStorage({key: 'b', data: big, fail: function (e) {
            console.log(e.errMsg, swan.getStorageInfoSync().keys.join(','));
        }});
        Page({});
    """))
    assert run.logs == ["setStorage:fail exceed storage max size 10MB a"]


async def test_system_info_and_base_version(run_app: Any) -> None:
    """getSystemInfoSync and getSystemInfo agree; SDKVersion is the configured base version."""
    settings = Settings(base_version="3.180.2")
    run = await run_app(index("""
        var s = swan.getSystemInfoSync();
        swan.getSystemInfo({success: function (r) {
            console.log(r.SDKVersion, r.windowWidth === s.windowWidth, r.errMsg, s.platform);
        }});
        Page({});
    """), settings)
    assert run.logs == ["3.180.2 true getSystemInfo:ok ios"]


async def test_network_type_and_status_change(run_app: Any) -> None:
    """getNetworkType reports the emulated type; changing it fires onNetworkStatusChange."""
    run = await run_app(index("""
        swan.getNetworkType({success: function (r) { console.log('type', r.networkType); }});
        swan.onNetworkStatusChange(function (r) {
            console.log('change', r.isConnected, r.networkType);
            swan.getNetworkType({success: function (r) { console.log('now', r.networkType); }});
        });
        Page({});
    """), Settings(network_type="4g"))
    run.host.set_network_type("none")
    await run.idle()
    assert run.logs == ["type 4g", "change false none", "now none"]


async def test_ui_calls_are_published_and_answered(run_app: Any) -> None:
    """Toast/loading/modal become UiRequest events; headless confirms the modal."""
    run = await run_app(index("""
        swan.showToast({title: '好', icon: 'success', success: function (r) { console.log(r.errMsg); }});
        swan.showLoading({title: 'wait'});
        swan.hideLoading();
        swan.showModal({title: 'Sure?', content: 'really', success: function (r) {
            console.log('modal', r.confirm, r.cancel);
        }});
        swan.showActionSheet({itemList: ['a', 'b'], success: function (r) { console.log('sheet', r.tapIndex); }});
        swan.showToast({fail: function (e) { console.log(e.errCode, e.errMsg); }});
        Page({});
    """))
    kinds = [(e.kind, e.options.get("title")) for e in run.of(UiRequest)]
    assert kinds == [("showToast", "好"), ("showLoading", "wait"), ("hideLoading", None),
                     ("showModal", "Sure?"), ("showActionSheet", None)]
    # The argument check answers locally, before the calls the host answers.
    assert run.logs == ["904 showToast:fail parameter error: title must be a string",
                        "showToast:ok", "modal true false", "sheet 0"]


async def test_unsupported_apis_fail_cleanly_never_type_error(run_app: Any) -> None:
    """Missing APIs fail through fail/complete with a warning; factories return stubs."""
    run = await run_app(index("""
        swan.getLocation({
            success: function () { console.log('no!'); },
            fail: function (e) { console.log(e.errCode, e.errMsg); },
            complete: function () { console.log('complete'); }
        });
        swan.getLocation();  // no options at all: still no TypeError
        var ctx = swan.createVideoContext('v');
        ctx.play({fail: function (e) { console.log(e.errMsg); }});
        var audio = swan.getBackgroundAudioManager();
        audio.play();
        swan.onCompassChange(function () {});
        console.log('sync', swan.getBatteryInfoSync(), typeof swan.requestPolymerPayment,
                    swan.canIUse('getLocation'), swan.canIUse('request'), swan.canIUse('showToast'));
        requirePlugin('somePlugin').doThing({fail: function (e) { console.log(e.errMsg); }});
        Page({});
    """))
    assert run.logs == [
        'sync {"level":null,"isCharging":null} function false true true',
        "1001 getLocation:fail not supported by the emulator",
        "complete",
        "play:fail not supported by the emulator",
        "doThing:fail not supported by the emulator",
    ]
    assert run.warnings == [
        "swan.getLocation is not supported by the emulator",
        "swan.createVideoContext is not supported by the emulator",
        "swan.createVideoContext().play is not supported by the emulator",
        "swan.getBackgroundAudioManager is not supported by the emulator",
        "swan.getBackgroundAudioManager().play is not supported by the emulator",
        "swan.onCompassChange is not supported by the emulator",
        "swan.getBatteryInfoSync is not supported by the emulator",
        'requirePlugin("somePlugin") is not supported by the emulator',
        'requirePlugin("somePlugin").doThing is not supported by the emulator',
    ]
    assert run.errors == []


async def test_env_user_data_path(run_app: Any) -> None:
    """swan.env.USER_DATA_PATH is the app's virtual user folder."""
    run = await run_app(index("console.log(swan.env.USER_DATA_PATH); Page({});"))
    assert run.logs == ["bdfile://usr"]


async def test_the_emulated_device_sets_the_system_info(run_app: Any) -> None:
    """settings.device picks the phone: sizes, pixel ratio, platform and the safe area
    (a notched iPhone leaves the status bar and the 34 px home indicator out)."""
    run = await run_app(index("""
        var s = swan.getSystemInfoSync();
        console.log(s.model, s.screenWidth, s.screenHeight, s.windowHeight, s.pixelRatio,
                    s.platform, JSON.stringify(s.safeArea));
        Page({});
    """), Settings(device="iPhone X"))
    assert run.logs == ['iPhone X 375 812 724 3 ios {"left":0,"right":375,"top":44,'
                        '"bottom":778,"width":375,"height":734}']
    run = await run_app(index("""
        var s = swan.getSystemInfoSync();
        console.log(s.model, s.windowWidth, s.platform, s.brand);
        Page({});
    """), Settings(device="Galaxy S5"))
    assert run.logs[-1] == "Galaxy S5 360 android samsung"
