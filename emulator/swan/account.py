"""Accounts, authorisation and payment, answered like the devtools' test account.

Rules from the docs (``shared/spec/platform-apis.md`` §5; ``api/open/log_swan-login.md``,
``log_swan-checkSession.md``, ``authorize_swan-authorize.md``, ``authorize_set.md``,
``userinfo_swan-getUserInfo.md``, ``userinfo_swan-getSwanId.md``,
``payment_swan-requestPolymerPayment.md``):

- ``login``/``getLoginCode``: a fresh one-time code per call; a host that is not logged in
  asks the user to log in first (refused: fail 10004 ``user not login``).
- ``checkSession``: success while the session of the last login is valid; from base
  library 3.120.9 an expired session or a host not logged in goes to fail.
- ``authorize``: asks once per scope; the decision is kept (``getSetting``) until the app's
  data is cleared; a denied scope fails with 10003 without asking again.
- ``getUserInfo``/``getOpenUserInfo``: need ``scope.userInfo`` (asked if undecided); not
  logged in or refused, the default user 百度网友 (the docs' choice, as success).
- ``requestPolymerPayment``: answered by the settings (success, cancel, fail) or the user.

Every call is published as an :class:`~emulator.flows.events.AccountCall`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import secrets
from pathlib import Path
from typing import Any

from emulator.app.sandbox import write_atomically
from emulator.config import Account
from emulator.flows.bus import EventBus
from emulator.flows.events import AccountCall
from emulator.runtime.bridge import Runtime, WorkToken
from emulator.swan.ui import Responder

log = logging.getLogger(__name__)

ERR_FAILED = 1001
ERR_USER_DENY = 10003
ERR_NOT_LOGIN = 10004
DEFAULT_NICK_NAME = "百度网友"
DEFAULT_AVATAR = "https://b.bdstatic.com/searchbox/icms/searchbox/img/po/default-avatar.png"
CHECK_SESSION_FAILS_SINCE = (3, 120, 9)

Result = tuple[bool, dict[str, Any]]


class AccountState:
    """What the platform keeps per app between runs: the session and the scope decisions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.session = False
        self.auth_setting: dict[str, bool] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, json.JSONDecodeError) as exc:
            log.warning("account state %s is unreadable (%s); starting fresh", path, exc)
            return
        if isinstance(data, dict):
            self.session = data.get("session") is True
            auth = data.get("authSetting")
            if isinstance(auth, dict):
                self.auth_setting = {k: v for k, v in auth.items() if isinstance(v, bool)}

    def save(self) -> None:
        """Write the state (atomically)."""
        write_atomically(self.path, json.dumps({"session": self.session,
                                                "authSetting": self.auth_setting}))


class AccountService:
    """Handles the ``account`` messages of a runtime.

    ``responder`` (the window's) asks the user: ``responder("login" | "authorize" |
    "openSetting" | "requestPolymerPayment", options)`` returns ``{"confirm": bool}``,
    ``{"authSetting": {...}}`` or ``{"result": "success" | "cancel" | "fail"}``. Without
    one (headless), the settings answer.
    """

    def __init__(self, runtime: Runtime, bus: EventBus, account: Account, state_file: Path,
                 *, app_key: str | None, base_version: str,
                 responder: Responder | None = None) -> None:
        self.runtime = runtime
        self.bus = bus
        self.account = account
        self.state = AccountState(state_file)
        for scope, granted in account.scopes.items():
            self.state.auth_setting[scope] = granted
        self.app_key = app_key or "emulator"
        self.base_version = tuple(int(p) for p in base_version.split("."))
        self.responder = responder
        self.logged_in = account.logged_in
        self._tasks: set[asyncio.Task[None]] = set()
        runtime.register("account", self._on_call)

    def snapshot(self) -> dict[str, Any]:
        """What the JS side needs for the sync APIs (``isLoginSync``)."""
        return {"isLogin": self.logged_in}

    # ---- dispatch ---------------------------------------------------------------------
    def _on_call(self, call_id: int, args: dict[str, Any]) -> None:
        api = str(args.get("api"))
        options = args.get("options") or {}
        if getattr(self, f"_{api}", None) is None:
            self.runtime.settle(call_id, False, {"errCode": ERR_FAILED,
                                                 "errMsg": f"{api}:fail not supported"})
            return
        token = self.runtime.hold()
        task = self.runtime.loop.create_task(self._answer(call_id, api, options, token),
                                             name=f"account-{api}-{call_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, call_id: int, api: str, options: dict[str, Any],
                      token: WorkToken) -> None:
        try:
            ok, result = await self.answer(api, options)
        except asyncio.CancelledError:
            self.runtime.settle(call_id, False, {"errCode": ERR_FAILED,
                                                 "errMsg": f"{api}:fail cancel"})
            raise
        finally:
            token.release()
        self.runtime.settle(call_id, ok, result)

    async def answer(self, api: str, options: dict[str, Any]) -> Result:
        """Answer ``api`` (prompts included) as for a call from the app, and publish its
        :class:`AccountCall`: ``(True, result)`` or ``(False, {errCode, errMsg:
        "<api>:fail …"})``. Also used by the button open-types (emulator/view/controls/
        open_type.py), which fire the result as an event instead of a callback."""
        handler = getattr(self, f"_{api}", None)
        if handler is None:
            return False, {"errCode": ERR_FAILED, "errMsg": f"{api}:fail not supported"}
        try:
            ok, result = await handler(options)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug here must not leave the app waiting
            log.exception("account API %s failed", api)
            ok, result = False, {"errCode": ERR_FAILED, "errMsg": "internal error"}
        note = result.pop("_note", None)
        if not ok:
            result = {"errCode": result.get("errCode", ERR_FAILED),
                      "errMsg": f"{api}:fail {result.get('errMsg', '')}".rstrip()}
        self.bus.publish(AccountCall(api=api, ok=ok, summary=note or _summary(ok, result)))
        return ok, result

    async def _ask(self, kind: str, options: dict[str, Any]) -> dict[str, Any]:
        if self.responder is not None:
            return await self.responder(kind, options)
        if kind == "requestPolymerPayment":
            return {"result": self.account.payment}
        if kind == "openSetting":
            return {"authSetting": dict(self.state.auth_setting)}
        return {"confirm": self.account.prompt == "allow"}

    # ---- login and session ----------------------------------------------------------------
    async def _ensure_logged_in(self) -> bool:
        if self.logged_in:
            return True
        answer = await self._ask("login", {"appKey": self.app_key})
        if answer.get("confirm"):
            self.logged_in = True
            self.runtime.emit("accountChanged", self.snapshot())
        return self.logged_in

    async def _login(self, options: dict[str, Any]) -> Result:
        if not await self._ensure_logged_in():
            return False, {"errCode": ERR_NOT_LOGIN, "errMsg": "user not login"}
        # A new login refreshes the session (an older session_key may stop working).
        self.state.session = True
        self.state.save()
        return True, {"code": secrets.token_hex(16) + "NW"}

    _getLoginCode = _login

    async def _checkSession(self, options: dict[str, Any]) -> Result:
        modern = self.base_version >= CHECK_SESSION_FAILS_SINCE
        if not self.logged_in:
            return False, {"errCode": ERR_NOT_LOGIN, "errMsg": "user not login"}
        forced = self.account.session
        valid = self.state.session if forced == "auto" else forced == "valid"
        if valid:
            return True, {"result": True}
        if modern:
            return False, {"errCode": ERR_FAILED, "errMsg": "session expired"}
        return True, {"result": False}  # before 3.120.9: success, result false

    # ---- authorisation ------------------------------------------------------------------
    async def _decide(self, scope: str) -> tuple[bool, bool]:
        """(granted, asked) for ``scope``; asks the user when it is undecided."""
        known = self.state.auth_setting.get(scope)
        if known is not None:
            return known, False
        answer = await self._ask("authorize", {"scope": scope})
        granted = bool(answer.get("confirm"))
        self.state.auth_setting[scope] = granted
        self.state.save()
        return granted, True

    async def _authorize(self, options: dict[str, Any]) -> Result:
        scope = str(options.get("scope"))
        granted, asked = await self._decide(scope)
        if granted:
            return True, {"_note": f"{scope} granted" + (" (asked)" if asked else "")}
        return False, {"errCode": ERR_USER_DENY,
                       "errMsg": "auth deny" + ("" if asked else " (denied before)")}

    async def _getSetting(self, options: dict[str, Any]) -> Result:
        return True, {"authSetting": dict(self.state.auth_setting)}

    async def _openSetting(self, options: dict[str, Any]) -> Result:
        answer = await self._ask("openSetting", {"authSetting": dict(self.state.auth_setting)})
        changed = answer.get("authSetting")
        if isinstance(changed, dict):
            for scope, granted in changed.items():
                if scope in self.state.auth_setting and isinstance(granted, bool):
                    self.state.auth_setting[scope] = granted
            self.state.save()
        return True, {"authSetting": dict(self.state.auth_setting)}

    # ---- the user -----------------------------------------------------------------------
    async def _getUserInfo(self, options: dict[str, Any]) -> Result:
        granted = False
        if self.logged_in:
            granted, _ = await self._decide("scope.userInfo")
        a = self.account
        if granted:
            user = {"nickName": a.nick_name, "avatarUrl": a.avatar_url, "gender": a.gender}
        else:
            user = {"nickName": DEFAULT_NICK_NAME, "avatarUrl": DEFAULT_AVATAR, "gender": 0}
        # Encrypted for the developer's server on the platform; here opaque bytes of a
        # plausible size, so code that forwards them runs.
        return True, {"userInfo": user,
                      "data": base64.b64encode(secrets.token_bytes(96)).decode("ascii"),
                      "iv": base64.b64encode(secrets.token_bytes(16)).decode("ascii")}

    _getOpenUserInfo = _getUserInfo

    async def _getPhoneNumber(self, options: dict[str, Any]) -> Result:
        # Only through <button open-type="getPhoneNumber"> [component/formlist_button.md]:
        # the user confirms each time (an authorize prompt that is not kept).
        if not await self._ensure_logged_in():
            return False, {"errCode": ERR_NOT_LOGIN, "errMsg": "user not login"}
        answer = await self._ask("authorize", {"scope": "scope.phoneNumber"})
        if not answer.get("confirm"):
            return False, {"errCode": ERR_USER_DENY, "errMsg": "auth deny"}
        return True, {"encryptedData": base64.b64encode(secrets.token_bytes(64)).decode("ascii"),
                      "iv": base64.b64encode(secrets.token_bytes(16)).decode("ascii"),
                      "_note": "phone number shared"}

    async def _getSwanId(self, options: dict[str, Any]) -> Result:
        swanid = self.account.swanid or hashlib.sha256(
            f"swan-emulator:{self.app_key}".encode()).hexdigest()[:32]
        return True, {"errno": "0", "data": {"swanid": swanid}}

    # ---- payment ------------------------------------------------------------------------
    async def _requestPolymerPayment(self, options: dict[str, Any]) -> Result:
        answer = await self._ask("requestPolymerPayment", options)
        outcome = answer.get("result", "fail")
        if outcome == "success":
            return True, {}
        if outcome == "cancel":
            return False, {"errCode": ERR_FAILED, "errMsg": "cancel"}
        return False, {"errCode": ERR_FAILED, "errMsg": "payment failed"}


def _summary(ok: bool, result: dict[str, Any]) -> str:
    if not ok:
        return f"fail {result.get('errCode')} {result.get('errMsg')}"
    if "code" in result:
        return f"code {result['code']}"
    if "userInfo" in result:
        return f"userInfo {result['userInfo'].get('nickName')}"
    if "authSetting" in result:
        return f"authSetting {json.dumps(result['authSetting'], ensure_ascii=False)}"
    if "data" in result and isinstance(result["data"], dict):
        return json.dumps(result["data"], ensure_ascii=False)
    return "ok"
