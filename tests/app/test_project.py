"""The vendor project file: project.swan.json (and WeChat's project.config.json) as the
devtools write it, and what the emulator takes from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.app.package import Condition, load_package
from emulator.config import Settings, apply_project
from emulator.flows.events import ConsoleMessage
from tests.conftest import DEMO_DOMAIN, DemoServer, write_app
from tests.test_cli import cli

PROJECT = {
    "appid": "14294198",
    "libVersion": "3.105.2",
    "setting": {"urlCheck": True},
    "appInfo": {
        "app_name": "示例",
        "app_key": "zBIrPh5NhdHM3r8oFGPWtIEUaBsc8NwG",
        "domains": {"request": [f"https://{DEMO_DOMAIN}"], "socket": [],
                    "uploadFile": None, "downloadFile": None},
    },
    "condition": {"swan": {"current": 0, "list": [
        {"id": 0, "name": "detail 7", "pathName": "pages/detail/detail", "query": "id=7&from=cond"},
        {"id": 1, "name": "home", "pathName": "/pages/index/index"},
    ]}},
}


def test_project_file_fields(tmp_path: Path) -> None:
    """appid, app key, libVersion, the console's domain lists (null = none) and compile
    modes are read."""
    root = write_app(tmp_path / "app", {"project.swan.json": PROJECT})
    project = load_package(root).project
    assert project.appid == "14294198"
    assert project.key == "zBIrPh5NhdHM3r8oFGPWtIEUaBsc8NwG"
    assert project.lib_version == "3.105.2"
    assert project.name == "示例"
    assert project.domains == {"request": [f"https://{DEMO_DOMAIN}"], "socket": []}
    assert project.conditions == [
        Condition("detail 7", "pages/detail/detail", "id=7&from=cond"),
        Condition("home", "pages/index/index", ""),
    ]
    assert project.condition("1") == project.conditions[1]
    assert project.file == "project.swan.json"


def test_swan_js_version_and_wechat_project_file(tmp_path: Path) -> None:
    """Without libVersion the devtools' selected swanJsVersion counts; a converted app's
    project.config.json gives its appid, urlCheck and compile modes."""
    root = write_app(tmp_path / "a", {"project.swan.json": {
        "libVersion": "", "swan": {"baiduboxapp": {"swanJsVersion": "3.190.255-rc"}}}})
    assert load_package(root).project.lib_version == "3.190.255"
    root = write_app(tmp_path / "b", {"project.config.json": {
        "appid": "wx97a638ee01407a95", "setting": {"urlCheck": False}, "libVersion": "2.8.1",
        "condition": {"miniprogram": {"current": 0, "list": [
            {"id": -1, "name": "guide", "pathName": "pages/index/index", "query": "a=1"}]}}}})
    project = load_package(root).project
    assert (project.appid, project.url_check, project.lib_version) == ("wx97a638ee01407a95",
                                                                       False, None)
    assert project.conditions == [Condition("guide", "pages/index/index", "a=1")]
    assert "project.config.json" not in load_package(root).modules


def test_settings_file_wins_over_the_project_file(tmp_path: Path) -> None:
    """libVersion and appInfo.domains fill only what the settings did not set, and each
    value says where it came from."""
    root = write_app(tmp_path / "app", {"project.swan.json": PROJECT})
    project = load_package(root).project
    settings = Settings()
    settings.domains["socket"] = ["wss://chat.example.com"]
    settings.sources["domains.socket"] = "swan-emulator.json"
    assert apply_project(settings, project) == []
    assert settings.base_version == "3.105.2"
    assert settings.domains["request"] == [f"https://{DEMO_DOMAIN}"]
    assert settings.domains["socket"] == ["wss://chat.example.com"]
    assert settings.sources == {
        "baseVersion": "project.swan.json libVersion",
        "domains.request": "project.swan.json appInfo.domains",
        "domains.socket": "swan-emulator.json",
    }


def test_bad_project_domains_are_skipped_with_a_warning(tmp_path: Path) -> None:
    """A console list the platform would refuse (an IP) is not used; a warning says why."""
    root = write_app(tmp_path / "app", {"project.swan.json": {
        "appInfo": {"domains": {"request": ["https://10.0.0.1"]}}}})
    settings = Settings()
    warnings = apply_project(settings, load_package(root).project)
    assert settings.domains["request"] == []
    assert len(warnings) == 1 and "IP" in warnings[0]


async def test_a_real_app_is_allowed_the_domains_it_declares(run_app: Any,
                                                             demo_server: DemoServer) -> None:
    """With no swan-emulator.json lists, the project's domains whitelist the request; the
    base version is libVersion and the Referer carries the app key."""
    settings = demo_server.settings(domains={k: [] for k in
                                             ("request", "uploadFile", "downloadFile", "socket")})
    settings.base_version = "3.200.0"  # the default, not set by anyone: libVersion wins
    run = await run_app({
        "project.swan.json": PROJECT,
        "pages/index/index.js": f"""
            console.log(swan.getSystemInfoSync().SDKVersion);
            swan.request({{url: 'https://{DEMO_DOMAIN}/echo',
                success: function (r) {{ console.log(r.statusCode, r.data.headers.referer); }},
                fail: function (e) {{ console.log('fail', e.errMsg); }}}});
            Page({{}});
        """,
    }, settings)
    assert run.logs == [
        "3.105.2",
        "200 https://smartapps.cn/zBIrPh5NhdHM3r8oFGPWtIEUaBsc8NwG/devtools/page-frame.html",
    ]
    assert not [e for e in run.of(ConsoleMessage) if e.level == "warn"]


def test_condition_flag_starts_the_compile_mode(tmp_path: Path) -> None:
    """`run --condition NAME` opens that mode's page with its query; an unknown name is a
    usage error listing the modes."""
    root = write_app(tmp_path / "app", {
        "app.json": {"pages": ["pages/index/index", "pages/detail/detail"]},
        "project.swan.json": {**PROJECT, "appInfo": {}},
        "pages/detail/detail.js": "Page({onLoad: function (q) { console.log(JSON.stringify(q)); }});",
    })
    result = cli("run", root, "--condition", "detail 7")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0]) == {"id": "7", "from": "cond"}
    result = cli("run", root, "--condition", "nope")
    assert result.returncode == 2
    assert "0: 'detail 7', 1: 'home'" in result.stderr
