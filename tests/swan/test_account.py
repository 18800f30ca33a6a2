"""Accounts, authorisation and payment, answered like the devtools' test account."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from emulator.app.host import AppHost
from emulator.config import Account, Settings, parse_settings
from emulator.errors import ConfigError
from emulator.flows.bus import EventBus
from emulator.flows.events import AccountCall
from tests.conftest import Run

HELPERS = """
function log() { console.log(JSON.stringify(Array.prototype.slice.call(arguments))); }
function cb(label, done) {
    return {success: function (r) { log(label, 'ok', r); if (done) done(); },
            fail: function (e) { log(label, 'fail', e.errCode, e.errMsg); if (done) done(); }};
}
"""


def page(js: str) -> dict[str, Any]:
    return {"pages/index/index.js": HELPERS + js + "\nPage({});"}


def logs(run: Any) -> list[list[Any]]:
    return [json.loads(line) for line in run.logs]


def account(**kw: Any) -> Settings:
    return Settings(account=Account(**kw))


async def test_login_gives_a_fresh_code_and_a_session(run_app: Any) -> None:
    """checkSession fails before any login (3.120.9+), each login gives a new one-time
    code, and the session is valid afterwards."""
    run = await run_app(page("""
        swan.checkSession(cb('before', function () {
            swan.login(cb('login1', function () {
                swan.getLoginCode(cb('login2', function () {
                    swan.checkSession(cb('after'));
                }));
            }));
        }));
    """))
    out = logs(run)
    assert out[0] == ["before", "fail", 1001, "checkSession:fail session expired"]
    code1, code2 = out[1][2]["code"], out[2][2]["code"]
    assert re.fullmatch(r"[0-9a-f]{32}NW", code1) and code1 != code2
    assert out[1][2]["errMsg"] == "login:ok"
    assert out[3] == ["after", "ok", {"errMsg": "checkSession:ok", "result": True}]
    assert [(c.api, c.ok) for c in run.of(AccountCall)] == [
        ("checkSession", False), ("login", True), ("getLoginCode", True), ("checkSession", True)]


async def test_old_base_library_check_session_succeeds_with_result_false(run_app: Any) -> None:
    """Before 3.120.9 an expired session is a success whose result is false."""
    run = await run_app(page("swan.checkSession(cb('cs'));"), account(session="expired"))
    assert logs(run) == [["cs", "fail", 1001, "checkSession:fail session expired"]]
    settings = account(session="expired")
    settings.base_version = "3.100.0"
    run = await run_app(page("swan.checkSession(cb('cs'));"), settings)
    assert logs(run) == [["cs", "ok", {"errMsg": "checkSession:ok", "result": False}]]


@pytest.mark.parametrize(("prompt", "expected"), [
    ("deny", [["before", False], ["login", "fail", 10004, "login:fail user not login"],
              ["after", False]]),
    ("allow", [["before", False], ["login", "ok"], ["after", True]]),
])
async def test_logged_out_host_asks_the_user_to_log_in(run_app: Any, prompt: str,
                                                       expected: list[Any]) -> None:
    """With the host app logged out, login asks; isLoginSync follows the answer."""
    run = await run_app(page("""
        log('before', swan.isLoginSync().isLogin);
        swan.login({success: function () { log('login', 'ok'); after(); },
                    fail: function (e) { log('login', 'fail', e.errCode, e.errMsg); after(); }});
        function after() { log('after', swan.isLoginSync().isLogin); }
    """), account(logged_in=False, prompt=prompt))
    assert logs(run) == expected


async def test_authorize_asks_once_and_keeps_the_decision(run_app: Any, tmp_path: Path) -> None:
    """The first authorize asks; a denied scope then fails 10003 without asking; the
    decisions show in getSetting and are kept for the next run."""
    data = tmp_path / "data"
    settings = account(prompt="deny")
    settings.data_dir = data
    js = """
        swan.authorize({scope: 'scope.userLocation', success: function () { log('loc', 'ok'); next(); },
                        fail: function (e) { log('loc', e.errCode, e.errMsg); next(); }});
        function next() {
            swan.authorize({scope: 'scope.userLocation', fail: function (e) {
                log('again', e.errCode, e.errMsg);
                swan.getSetting(cb('setting'));
            }});
        }
    """
    run = await run_app(page(js), settings)
    assert logs(run) == [
        ["loc", 10003, "authorize:fail auth deny"],
        ["again", 10003, "authorize:fail auth deny (denied before)"],
        ["setting", "ok", {"errMsg": "getSetting:ok", "authSetting": {"scope.userLocation": False}}],
    ]
    assert [c.summary for c in run.of(AccountCall)][:2] == [
        "fail 10003 authorize:fail auth deny", "fail 10003 authorize:fail auth deny (denied before)"]
    await run.host.close()
    # The same app again: the decision is still there.
    bus = EventBus()
    again = Run(AppHost(run.host.package, settings, bus))
    bus.subscribe(again.events.append)
    await again.host.start()
    try:
        again.host.runtime.evaluate("swan.getSetting({success: function (r) {"
                                    " console.log(JSON.stringify(r.authSetting)); }})")
        await again.idle()
    finally:
        await again.host.close()
    assert again.logs[0] == '["loc",10003,"authorize:fail auth deny (denied before)"]'
    assert '{"scope.userLocation":false}' in again.logs


async def test_authorize_bad_scope_is_an_argument_error(run_app: Any) -> None:
    """An unknown or missing scope fails 904 before anything is asked."""
    run = await run_app(page("""
        swan.authorize({scope: 'scope.everything', fail: function (e) { log(e.errCode, e.errMsg); }});
        swan.authorize({fail: function (e) { log(e.errCode, e.errMsg); }});
    """))
    assert logs(run) == [
        [904, 'authorize:fail parameter error: invalid scope "scope.everything"'],
        [904, "authorize:fail parameter error: scope must be a string"],
    ]
    assert run.of(AccountCall) == []


@pytest.mark.parametrize(("scopes", "nick"), [
    ({"scope.userInfo": True}, "测试用户"),
    ({"scope.userInfo": False}, "百度网友"),
])
async def test_get_user_info_needs_the_user_info_scope(run_app: Any, scopes: dict[str, bool],
                                                       nick: str) -> None:
    """Granted: the configured user; refused: the platform's default user, still success."""
    settings = account(nick_name="测试用户", gender=2, scopes=scopes)
    run = await run_app(page("""
        swan.getUserInfo({success: function (r) {
            log(r.userInfo.nickName, typeof r.data, typeof r.iv, r.errMsg);
        }});
        swan.getSwanId({success: function (r) { log(r.errno, r.data.swanid.length); }});
    """), settings)
    assert logs(run) == [[nick, "string", "string", "getUserInfo:ok"], ["0", 32]]


@pytest.mark.parametrize(("answer", "expected"), [
    ("success", ["ok", "requestPolymerPayment:ok"]),
    ("cancel", ["fail", 1001, "requestPolymerPayment:fail cancel"]),
    ("fail", ["fail", 1001, "requestPolymerPayment:fail payment failed"]),
])
async def test_payment_answers_as_configured(run_app: Any, answer: str,
                                             expected: list[Any]) -> None:
    """requestPolymerPayment succeeds, is cancelled or fails as the settings say."""
    run = await run_app(page("""
        swan.requestPolymerPayment({
            orderInfo: {dealId: '470193086', appKey: 'MMMabc', totalAmount: '1', tpOrderId: 'T1',
                        dealTitle: 'test', signFieldsRange: '1', rsaSign: 'x', bizInfo: '{}'},
            success: function (r) { log('ok', r.errMsg); },
            fail: function (e) { log('fail', e.errCode, e.errMsg); }});
    """), account(payment=answer))
    assert logs(run) == [expected]


async def test_payment_checks_the_order(run_app: Any) -> None:
    """An order without its required fields fails 904 naming them."""
    run = await run_app(page("""
        swan.requestPolymerPayment({orderInfo: {dealId: '1', bizInfo: {}},
            fail: function (e) { log(e.errCode, e.errMsg); }});
    """))
    assert logs(run) == [[904, "requestPolymerPayment:fail parameter error: orderInfo lacks "
                               "appKey, totalAmount, tpOrderId, dealTitle, signFieldsRange, "
                               "rsaSign"]]


def test_account_settings_are_validated() -> None:
    """The account block of the settings file is checked key by key."""
    s = parse_settings({"account": {"loggedIn": False, "userInfo": {"nickName": "n", "gender": 1},
                                    "scopes": {"scope.camera": True}, "prompt": "deny",
                                    "payment": "cancel", "session": "valid"}}, "s.json")
    a = s.account
    assert (a.logged_in, a.nick_name, a.gender, a.scopes, a.prompt, a.payment, a.session) == (
        False, "n", 1, {"scope.camera": True}, "deny", "cancel", "valid")
    for bad, fragment in [({"scopes": {"scope.x": True}}, 'unknown scope "scope.x"'),
                          ({"payment": "maybe"}, '"account.payment" must be one of'),
                          ({"userInfo": {"gender": 5}}, "gender"),
                          ({"loggedIn": "yes"}, '"account.loggedIn"')]:
        with pytest.raises(ConfigError, match=re.escape(fragment)):
            parse_settings({"account": bad}, "s.json")
