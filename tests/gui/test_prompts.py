"""The account's prompts as dialogs: the button pressed is what the app gets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QTextDocumentFragment
from PyQt6.QtWidgets import QApplication, QLabel

from emulator.gui.panels.prompts import PromptDialog, scope_label, yuan
from tests.conftest import write_app
from tests.gui.conftest import Driver

ORDER = {"dealId": "470193086", "appKey": "DemoKey", "totalAmount": "12345",
         "tpOrderId": "TP-0007", "dealTitle": "monthly pass", "signFieldsRange": "1",
         "rsaSign": "c2ln"}
# Calls the test makes with host.evaluate; each logs "<tag> ok …" or "<tag> fail …".
APP_JS = """
function log(tag) {
    return {success: function (r) { console.log(tag + ' ok ' + JSON.stringify(r)); },
            fail: function (e) { console.log(tag + ' fail ' + e.errCode + ' ' + e.errMsg); }};
}
globalThis.login = function (tag) { swan.login(log(tag)); };
globalThis.authorize = function (tag, scope) { swan.authorize(Object.assign({scope: scope}, log(tag))); };
globalThis.settings = function (tag) { swan.openSetting(log(tag)); };
globalThis.getSetting = function (tag) { swan.getSetting(log(tag)); };
globalThis.pay = function (tag) { swan.requestPolymerPayment(Object.assign({orderInfo: %s}, log(tag))); };
Page({});
""" % json.dumps(ORDER)


def account_app(tmp_path: Path, **account: Any) -> Path:
    return write_app(tmp_path / "app", {"pages/index/index.js": APP_JS,
                                        "swan-emulator.json": {"account": account}})


async def next_prompt(gui: Driver, kind: str) -> PromptDialog:
    """The prompt the app opened (visible, of ``kind``)."""
    dialog = await gui.until(lambda: next(
        (d for d in gui.window.prompts.dialogs() if d.isVisible()), None))
    assert dialog.kind == kind
    return dialog


def text_of(dialog: PromptDialog) -> str:
    """Every label of a dialog, as plain text."""
    return " ".join(QTextDocumentFragment.fromHtml(label.text()).toPlainText()
                    for label in dialog.findChildren(QLabel))


def click(qtbot: Any, dialog: PromptDialog, button: str) -> None:
    qtbot.mouseClick(dialog.buttons[button], Qt.MouseButton.LeftButton)


def test_login_prompt_cancel_then_log_in(gui: Driver, tmp_path: Path, qtbot: Any) -> None:
    """Not logged in: Cancel fails the app's login with 10004; Log in gives it a code."""
    async def scenario() -> None:
        w = gui.window
        await gui.open(account_app(tmp_path, loggedIn=False))
        w.host.evaluate("login('first')")
        dialog = await next_prompt(gui, "login")
        click(qtbot, dialog, "Cancel")
        await gui.until(lambda: "first fail 10004 login:fail user not login" in gui.console_text())
        w.host.evaluate("login('second')")
        click(qtbot, await next_prompt(gui, "login"), "Log in")
        await gui.until(lambda: "second ok" in gui.console_text())
        # The emulated account's answers are console lines of their own level.
        account = [line for line in w.console.lines if line.level == "account"]
        assert account[0].text == "[account] login: fail 10004 login:fail user not login"
        assert account[1].text.startswith("[account] login: code ")
        assert account[1].text.endswith("NW")

    gui.run(scenario())


def test_authorize_prompt_allow_deny_and_escape(gui: Driver, tmp_path: Path,
                                                qtbot: Any) -> None:
    """Allow grants the scope, Deny fails with 10003, Esc denies; getSetting keeps them."""
    async def scenario() -> None:
        w = gui.window
        await gui.open(account_app(tmp_path))
        w.host.evaluate("authorize('info', 'scope.userInfo')")
        dialog = await next_prompt(gui, "authorize")
        assert "scope.userInfo — 用户信息" in text_of(dialog)
        click(qtbot, dialog, "Allow")
        await gui.until(lambda: "info ok" in gui.console_text())
        w.host.evaluate("authorize('camera', 'scope.camera')")
        click(qtbot, await next_prompt(gui, "authorize"), "Deny")
        await gui.until(lambda: "camera fail 10003 authorize:fail auth deny" in gui.console_text())
        w.host.evaluate("authorize('record', 'scope.record')")
        qtbot.keyClick(await next_prompt(gui, "authorize"), Qt.Key.Key_Escape)
        await gui.until(lambda: "record fail 10003" in gui.console_text())
        w.host.evaluate("getSetting('now')")
        await gui.until(lambda: "now ok" in gui.console_text())
        assert ('"scope.userInfo":true,"scope.camera":false,"scope.record":false'
                in gui.console_text())
        assert "[account] authorize: scope.userInfo granted (asked)" in gui.console_text()

    gui.run(scenario())



def test_open_setting_dialog_toggles_the_decided_scopes(gui: Driver, tmp_path: Path,
                                                        qtbot: Any) -> None:
    """openSetting lists each decided scope as a checkbox; toggles reach the app."""
    async def scenario() -> None:
        w = gui.window
        await gui.open(account_app(tmp_path, scopes={"scope.userInfo": True,
                                                     "scope.address": False}))
        w.host.evaluate("settings('page')")
        dialog = await next_prompt(gui, "openSetting")
        assert {s: b.isChecked() for s, b in dialog.checks.items()} == {
            "scope.userInfo": True, "scope.address": False}
        assert dialog.checks["scope.address"].text() == "scope.address — 收货地址"
        qtbot.mouseClick(dialog.checks["scope.userInfo"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.checks["scope.address"], Qt.MouseButton.LeftButton)
        click(qtbot, dialog, "Done")
        await gui.until(lambda: "page ok" in gui.console_text())
        assert '"authSetting":{"scope.userInfo":false,"scope.address":true}}' \
            in gui.console_text()

    gui.run(scenario())


def test_payment_dialog_shows_the_order_and_each_button_answers(gui: Driver, tmp_path: Path,
                                                                qtbot: Any) -> None:
    """The cashier shows title, yuan amount and order id; Pay, Cancel, Fail reach the app."""
    async def scenario() -> None:
        w = gui.window
        await gui.open(account_app(tmp_path))
        w.host.evaluate("pay('one')")
        dialog = await next_prompt(gui, "requestPolymerPayment")
        shown = text_of(dialog)
        assert "¥123.45" in shown and "12345 fen" in shown
        assert "monthly pass" in shown and "TP-0007" in shown
        click(qtbot, dialog, "Pay")
        await gui.until(lambda: "one ok" in gui.console_text())
        w.host.evaluate("pay('two')")
        click(qtbot, await next_prompt(gui, "requestPolymerPayment"), "Cancel")
        await gui.until(lambda: "two fail 1001 requestPolymerPayment:fail cancel"
                        in gui.console_text())
        w.host.evaluate("pay('three')")
        click(qtbot, await next_prompt(gui, "requestPolymerPayment"), "Fail")
        await gui.until(lambda: "three fail 1001 requestPolymerPayment:fail payment failed"
                        in gui.console_text())
        assert "[account] requestPolymerPayment: ok" in gui.console_text()

    gui.run(scenario())


def test_stopping_the_app_closes_its_prompt_and_records_nothing(gui: Driver, tmp_path: Path,
                                                               qtbot: Any) -> None:
    """A prompt open when the app stops goes away unanswered: next run asks again."""
    async def scenario() -> None:
        w = gui.window
        root = account_app(tmp_path)
        await gui.open(root)
        w.host.evaluate("authorize('first', 'scope.camera')")
        await next_prompt(gui, "authorize")
        await w.stop()
        await gui.until(lambda: not w.prompts.dialogs() and not any(
            isinstance(x, PromptDialog) and x.isVisible() for x in QApplication.topLevelWidgets()))
        await gui.open(root)
        w.host.evaluate("authorize('second', 'scope.camera')")
        click(qtbot, await next_prompt(gui, "authorize"), "Allow")
        await gui.until(lambda: "second ok" in gui.console_text())
        assert "first" not in gui.console_text()

    gui.run(scenario())


def test_closing_a_prompt_answers_as_a_refusal(qapp: Any, qtbot: Any) -> None:
    """Esc: no login, scope denied, payment cancelled, settings as they stand."""
    answers = {}
    for kind, options in (("login", {"appKey": "k"}), ("authorize", {"scope": "scope.camera"}),
                          ("requestPolymerPayment", {"orderInfo": ORDER}),
                          ("openSetting", {"authSetting": {"scope.camera": True}})):
        dialog = PromptDialog(kind, options)
        qtbot.addWidget(dialog)
        got: list[dict[str, Any]] = []
        dialog.answered.connect(got.append)
        dialog.open()
        if kind == "openSetting":
            dialog.checks["scope.camera"].setChecked(False)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
        answers[kind] = got
    assert answers == {"login": [{"confirm": False}], "authorize": [{"confirm": False}],
                       "requestPolymerPayment": [{"result": "cancel"}],
                       "openSetting": [{"authSetting": {"scope.camera": False}}]}


def test_amounts_in_fen_read_as_yuan_and_scopes_by_their_platform_names() -> None:
    """12345 fen is ¥123.45; a scope shows the docs' name; odd values pass through."""
    assert [yuan("12345"), yuan(1), yuan(" 100 "), yuan(-250), yuan("9.9")] == [
        "¥123.45", "¥0.01", "¥1.00", "¥-2.50", "9.9"]
    assert scope_label("scope.userLocation") == "scope.userLocation — 地理位置"
    assert scope_label("scope.other") == "scope.other"
