"""``<button open-type>``: the platform's own action, answered as an event on the button.

[component/formlist_button.md] (shared/spec/view-layer.md §4): after the tap,
``getUserInfo`` fires ``getuserinfo`` with swan.getUserInfo's result as ``detail``
(``{errMsg: "getUserInfo:ok", userInfo, data, iv}``); ``getPhoneNumber`` fires
``getphonenumber`` (``{errMsg: "getPhoneNumber:ok", encryptedData, iv}`` or
``"getPhoneNumber:fail auth deny"``); ``openSetting`` fires ``opensetting``
(``{errMsg, authSetting}``); ``chooseAddress``/``chooseInvoiceTitle`` (3.160.3) fire
``chooseaddress``/``chooseinvoicetitle`` with their API's result. The answers come from
the app's account (emulator/swan/account.py: its prompts, its settings) and arrive later,
as the platform's do: the event fires once the prompt is answered. ``share`` calls the
page's ``onShareAppMessage({from: "button", target})`` [framework/app_service_page.md].
``contact`` (a customer-service chat) and ``login`` have no emulated counterpart yet.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from emulator.view.controls.props import text
from emulator.view.controls.state import page_of
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver

log = logging.getLogger(__name__)

# open-type -> (account API, event fired on the button)
ACCOUNT = {"getUserInfo": ("getUserInfo", "getuserinfo"),
           "getPhoneNumber": ("getPhoneNumber", "getphonenumber"),
           "openSetting": ("openSetting", "opensetting"),
           "chooseAddress": ("chooseAddress", "chooseaddress"),
           "chooseInvoiceTitle": ("chooseInvoiceTitle", "chooseinvoicetitle")}


def open_type(driver: PageDriver, button: ViewNode) -> str | None:
    """Start the button's open-type action; returns the open-type acted on (None when
    there is none or nothing emulates it). The event fires when the answer comes:
    ``await host.wait_idle()`` waits for it."""
    kind = text(button, "open-type")
    if kind == "share":
        share(driver, button)
        return kind
    if kind not in ACCOUNT:
        return None
    api, event = ACCOUNT[kind]
    token = driver.host.runtime.hold()
    task = driver.host.runtime.loop.create_task(_answer(driver, button, api, event),
                                                name=f"open-type-{kind}-{button.id}")
    driver.tasks.add(task)

    def done(t: asyncio.Task[None]) -> None:
        driver.tasks.discard(t)
        token.release()
        if not t.cancelled() and t.exception() is not None:
            log.error("open-type %s failed", kind, exc_info=t.exception())

    task.add_done_callback(done)
    return kind


async def _answer(driver: PageDriver, button: ViewNode, api: str, event: str) -> None:
    ok, result = await driver.host.account.answer(api, {})
    detail: dict[str, Any] = {"errMsg": f"{api}:ok", **result} if ok else dict(result)
    if page_of(driver.host, button) is not None:  # its page may have closed meanwhile
        driver.trigger_node(button, event, detail)


def share(driver: PageDriver, button: ViewNode) -> None:
    """The page's ``onShareAppMessage`` runs with ``{from: "button", target}`` (the share
    panel itself is the host app's); a page without the hook shares its defaults."""
    view = page_of(driver.host, button)
    if view is None:
        return
    target = {"id": button.element_id, "tagName": button.tag, "dataset": button.dataset}
    # Entered directly: a page that lacks the hook is not an error here.
    driver.host.runtime.enter("callMethod", {"pageId": view.page_id,
                                             "name": "onShareAppMessage",
                                             "event": {"from": "button", "target": target}})
