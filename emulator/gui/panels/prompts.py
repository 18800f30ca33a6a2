"""The account's prompts as dialogs: log in, authorise a scope, the authorisation settings
page, and the cashier of ``requestPolymerPayment``. The answer of the button pressed goes
back to the app (see :class:`~emulator.swan.account.AccountService`)."""

from __future__ import annotations

import asyncio
import html
from typing import Any

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# The platform's own names of the scopes (the "scope 列表" of the authorisation docs).
SCOPE_NAMES = {
    "scope.userInfo": "用户信息",
    "scope.userLocation": "地理位置",
    "scope.writePhotosAlbum": "保存到相册",
    "scope.address": "收货地址",
    "scope.invoiceTitle": "发票抬头",
    "scope.record": "录音功能",
    "scope.camera": "摄像头",
}
KINDS = ("login", "authorize", "openSetting", "requestPolymerPayment")


def scope_label(scope: str) -> str:
    """``scope.userInfo — 用户信息`` (the bare scope when the platform has no name for it)."""
    name = SCOPE_NAMES.get(scope)
    return f"{scope} — {name}" if name else scope


def yuan(fen: Any) -> str:
    """An amount in fen (``totalAmount``, a number or a numeric string) shown in yuan."""
    try:
        value = int(str(fen).strip())
    except ValueError:
        return str(fen)  # shown as the app sent it: the cashier is not the place to judge
    sign = "-" if value < 0 else ""
    return f"¥{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


class PromptDialog(QDialog):
    """One prompt. ``buttons`` maps each button's text to it; pressing one emits
    ``answered`` with what the app gets. Closing the dialog (Esc, the title bar) answers
    like refusing: no login, scope denied, payment cancelled, settings as they stand."""

    answered = pyqtSignal(dict)

    def __init__(self, kind: str, options: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(f"unknown account prompt {kind!r}")
        self.kind = kind
        self.setWindowTitle(f"swan.{kind}")
        self.setMinimumWidth(340)
        self.buttons: dict[str, QPushButton] = {}
        self.checks: dict[str, QCheckBox] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(16, 14, 16, 12)
        self._layout.setSpacing(10)
        self._row = QHBoxLayout()
        self._row.addStretch(1)
        build = {"login": self._build_login, "authorize": self._build_authorize,
                 "openSetting": self._build_settings,
                 "requestPolymerPayment": self._build_payment}[kind]
        self._refusal: dict[str, Any] = build(options)
        self._layout.addLayout(self._row)

    # ---- one layout per kind ----------------------------------------------------------
    def _build_login(self, options: dict[str, Any]) -> dict[str, Any]:
        app_key = html.escape(str(options.get("appKey", "")))
        self._text(f"<b>Log in to Baidu</b><br>The app <code>{app_key}</code> asks you to "
                   "log in. Without a login it gets <code>10004 user not login</code>.")
        self._button("Cancel", {"confirm": False})
        self._button("Log in", {"confirm": True}, default=True)
        return {"confirm": False}

    def _build_authorize(self, options: dict[str, Any]) -> dict[str, Any]:
        scope = str(options.get("scope", ""))
        self._text(f"<b>Authorisation</b><br>The app asks for<br>"
                   f"<b>{html.escape(scope_label(scope))}</b><br>"
                   "<span style='color:#57606a'>The decision is kept until the app's data "
                   "is cleared.</span>")
        self._button("Deny", {"confirm": False})
        self._button("Allow", {"confirm": True}, default=True)
        return {"confirm": False}

    def _build_settings(self, options: dict[str, Any]) -> dict[str, Any]:
        settings = options.get("authSetting")
        settings = settings if isinstance(settings, dict) else {}
        self._text("<b>Authorisation settings</b> (设置 → 权限管理)")
        if not settings:
            # As on a device: the page lists only the scopes the app has asked for.
            self._text("<span style='color:#57606a'>The app has not asked for any scope "
                       "yet.</span>")
        for scope, granted in settings.items():
            box = QCheckBox(scope_label(str(scope)))
            box.setChecked(bool(granted))
            self.checks[str(scope)] = box
            self._layout.addWidget(box)
        self._button("Done", None, default=True)
        return {}

    def _build_payment(self, options: dict[str, Any]) -> dict[str, Any]:
        order = options.get("orderInfo")
        order = order if isinstance(order, dict) else {}
        self._text("<b>Baidu cashier</b> (百度收银台)")
        form = QFormLayout()
        fen = order.get("totalAmount", "")
        amount = QLabel(f"<span style='font-size:20px; font-weight:bold'>"
                        f"{html.escape(yuan(fen))}</span>"
                        f"  <span style='color:#57606a'>({html.escape(str(fen))} fen)</span>")
        form.addRow("Amount", amount)
        for label, key in (("Order", "dealTitle"), ("tpOrderId", "tpOrderId"),
                           ("dealId", "dealId")):
            value = QLabel(str(order.get(key, "")))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, value)
        banned = options.get("bannedChannels")
        if isinstance(banned, list) and banned:
            form.addRow("Banned channels", QLabel(", ".join(str(b) for b in banned)))
        self._layout.addLayout(form)
        self._text("<span style='color:#57606a'>Pay: success · Cancel: fail "
                   "<code>cancel</code> · Fail: fail <code>payment failed</code></span>")
        self._button("Fail", {"result": "fail"})
        self._button("Cancel", {"result": "cancel"})
        self._button("Pay", {"result": "success"}, default=True)
        return {"result": "cancel"}

    # ---- pieces ---------------------------------------------------------------------------
    def _text(self, rich: str) -> None:
        label = QLabel(rich, wordWrap=True)
        label.setTextFormat(Qt.TextFormat.RichText)
        self._layout.addWidget(label)

    def _button(self, text: str, answer: dict[str, Any] | None, default: bool = False) -> None:
        button = QPushButton(text)
        button.setAutoDefault(default)
        button.setDefault(default)
        # None: the answer is read when pressed (the settings page's checkboxes).
        button.clicked.connect(lambda: self._answer(answer if answer is not None
                                                    else self.current_settings()))
        self.buttons[text] = button
        self._row.addWidget(button)

    def current_settings(self) -> dict[str, Any]:
        """The settings page's answer: every scope as its checkbox stands."""
        return {"authSetting": {scope: box.isChecked() for scope, box in self.checks.items()}}

    def _answer(self, answer: dict[str, Any]) -> None:
        self.answered.emit(dict(answer))
        self.accept()

    def reject(self) -> None:
        """Esc or the title bar's close: answered as a refusal (see the class docstring)."""
        self.answered.emit(self.current_settings() if self.kind == "openSetting"
                           else dict(self._refusal))
        super().reject()


class AccountPrompts:
    """The window's ``prompt`` for AppHost: each prompt is a non-blocking dialog (a modal
    ``exec()`` would re-enter the event loop from inside the app's task)."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self._open: dict[PromptDialog, asyncio.Future[dict[str, Any]]] = {}

    async def __call__(self, kind: str, options: dict[str, Any]) -> dict[str, Any]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        dialog = PromptDialog(kind, options, self.parent)
        # The first answer counts: reject() after a button's accept() must not override it.
        dialog.answered.connect(lambda a: None if future.done() else future.set_result(a))
        self._open[dialog] = future
        dialog.open()
        try:
            return await future
        finally:
            self._open.pop(dialog, None)
            if dialog.isVisible():
                dialog.blockSignals(True)  # closed by us: no refusal goes to the app
                dialog.done(0)
            dialog.deleteLater()

    def dialogs(self) -> list[PromptDialog]:
        """The prompts waiting for the user, oldest first."""
        return list(self._open)

    def dismiss_all(self) -> None:
        """Close every open prompt without answering (the app was stopped): the waiting
        call is cancelled, so no decision is recorded for the user."""
        for future in list(self._open.values()):
            future.cancel()
