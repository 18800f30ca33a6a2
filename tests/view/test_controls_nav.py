"""Navigators run their open-type's navigation API (both spellings); buttons with an
open-type answer from the emulated account (tests/fixtures/apps/controls)."""

from __future__ import annotations

from pathlib import Path

from emulator.config import Account, load_settings
from emulator.flows.events import AccountCall
from tests.view.test_controls import APP, open_page


def routes(run: object) -> list[str]:
    """The page stack, bottom first."""
    return [p.route for p in run.host.page_stack]  # type: ignore[attr-defined]


async def test_navigator_navigate_back_redirect_and_switch_tab(tmp_path: Path) -> None:
    """navigate (default) and navigateTo open the detail page (a relative url too, with
    its query); navigateBack returns; redirect and redirectTo replace the page;
    navigateBack with delta 2; switchTab goes to the tab page; exit goes nowhere."""
    run = await open_page(tmp_path, "pages/nav/nav")
    page = run.host.page
    try:
        page.tap("#go .t")
        await run.idle()
        assert routes(run) == ["pages/nav/nav", "pages/detail/detail"]
        page.tap("#back")
        await run.idle()
        page.tap("#go-camel")
        await run.idle()
        page.tap("#redirect")
        await run.idle()
        assert routes(run) == ["pages/nav/nav", "pages/other/other"]
        page.tap("#back2")  # delta 2, more than the stack holds: back to the first
        await run.idle()
        page.tap("#go")
        await run.idle()
        page.tap("#redirect-camel")
        await run.idle()
        assert routes(run) == ["pages/nav/nav", "pages/other/other"]
        page.tap("#back2")
        await run.idle()
        page.tap("#exit")
        page.tap("#to-tab")
        await run.idle()
        assert routes(run) == ["pages/tab/tab"]
        assert run.logs == [
            "nav show", "navigator tapped", 'detail load {"from":"nav"}',
            "detail unload", "nav show",
            'detail load {"from":"camel"}', "detail unload",
            'other load {"via":"redirect"}', "nav show",
            "navigator tapped", 'detail load {"from":"nav"}', "detail unload",
            'other load {"via":"redirectTo"}', "nav show", "tab show"]
        assert run.errors == []
    finally:
        await run.host.close()


async def test_navigator_relaunch(tmp_path: Path) -> None:
    """open-type reLaunch closes every page and opens its url."""
    run = await open_page(tmp_path, "pages/nav/nav")
    try:
        run.host.page.tap("#go")
        await run.idle()
        run.host.page.tap("#relaunch")
        await run.idle()
        assert routes(run) == ["pages/tab/tab"]
    finally:
        await run.host.close()


async def test_button_get_user_info_fires_getuserinfo(tmp_path: Path) -> None:
    """open-type getUserInfo: bindtap first, then getuserinfo with swan.getUserInfo's
    result (the settings' user, encrypted data and iv); the call is an AccountCall."""
    run = await open_page(tmp_path, "pages/account/account")
    try:
        run.host.page.tap("#user")
        await run.idle()
        assert run.logs == ["tap user", "getuserinfo getUserInfo:ok swan-emulator string string"]
        assert [c.api for c in run.of(AccountCall)] == ["getUserInfo"]
    finally:
        await run.host.close()


async def test_disabled_open_type_button_does_nothing(tmp_path: Path) -> None:
    """A disabled getUserInfo button asks nothing and fires nothing."""
    run = await open_page(tmp_path, "pages/account/account")
    try:
        run.host.page.tap("#user-off")
        await run.idle()
        assert run.logs == [] and run.of(AccountCall) == []
    finally:
        await run.host.close()


async def test_phone_number_denied_and_open_setting(tmp_path: Path) -> None:
    """With prompts refused, getPhoneNumber fires "getPhoneNumber:fail auth deny";
    openSetting fires opensetting with the authorisation settings."""
    settings = load_settings(APP)
    settings.account = Account(prompt="deny", scopes={"scope.userInfo": True})
    run = await open_page(tmp_path, "pages/account/account", settings)
    try:
        run.host.page.tap("#phone")
        await run.idle()
        run.host.page.tap("#setting")
        await run.idle()
        assert run.logs == ["getphonenumber getPhoneNumber:fail auth deny undefined",
                            'opensetting openSetting:ok {"scope.userInfo":true}']
    finally:
        await run.host.close()


async def test_phone_number_allowed(tmp_path: Path) -> None:
    """Allowed, getPhoneNumber fires ok with encrypted data."""
    run = await open_page(tmp_path, "pages/account/account")
    try:
        run.host.page.tap("#phone")
        await run.idle()
        assert run.logs == ["getphonenumber getPhoneNumber:ok string"]
    finally:
        await run.host.close()


async def test_share_button_calls_on_share_app_message(tmp_path: Path) -> None:
    """open-type share runs the page's onShareAppMessage({from: "button", target})."""
    run = await open_page(tmp_path, "pages/account/account")
    try:
        run.host.page.tap("#share")
        await run.idle()
        assert run.logs == ["share from button share card"]
    finally:
        await run.host.close()
