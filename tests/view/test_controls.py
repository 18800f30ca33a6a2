"""Built-in components behave as on the device: forms and choices (checkbox, radio,
switch, label), driven by node as the window drives them (tests/fixtures/apps/controls)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import Settings, load_settings
from emulator.flows.bus import EventBus
from emulator.flows.events import PageRendered
from tests.conftest import Run

APP = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "controls"


async def open_page(tmp_path: Path, route: str, settings: Settings | None = None) -> Run:
    """The controls app started on ``route``, idle; close it with ``run.host.close()``."""
    settings = settings or load_settings(APP)
    settings.data_dir = tmp_path / "data"
    bus = EventBus()
    run = Run(AppHost(load_package(APP), settings, bus))
    bus.subscribe(run.events.append)
    await run.host.start(route)
    await run.idle()
    return run


def logged(run: Run, prefix: str) -> list[Any]:
    """The JSON after ``prefix`` in each log line that starts with it."""
    return [json.loads(line[len(prefix):]) for line in run.logs if line.startswith(prefix)]


INITIAL = {"sw": True, "name": "Ann", "bio": "hello", "fruits": ["apple"], "size": "m",
           "vol": 30, "city": 1, "when": "2024-05-01", "at": "09:30", "pair": [0, 2],
           "where": ["广东省", "广州市", "海珠区"]}


async def test_submit_collects_every_named_control(tmp_path: Path) -> None:
    """A tap on the text inside a formType="submit" button runs its bindtap, then the
    form's submit with every named control's value and a mock formId (report-submit)."""
    run = await open_page(tmp_path, "pages/form/form")
    try:
        assert run.host.page.tap_node(run.host.page.query("#submit .label")) == 2
        await run.idle()
        assert run.logs[0] == "tap submit"
        assert logged(run, "submit ") == [INITIAL]
        assert run.logs[2] == "formId 32 submit"
        assert run.errors == []
    finally:
        await run.host.close()


async def test_submit_sees_user_changes_and_reset_restores_them(tmp_path: Path) -> None:
    """Typed text, a toggled checkbox and switch, a moved slider and a chosen picker item
    are what submit collects; reset fires and puts every control back as rendered."""
    run = await open_page(tmp_path, "pages/form/form")
    page = run.host.page
    try:
        page.input("input[name=name]", "Bob")
        page.tap("checkbox[value=pear]")
        page.tap("switch")
        page.set_value("slider", 47)
        page.set_value("picker[name=city]", 2)
        page.set_value("picker[name=when]", "2025-01-31")
        page.tap("#submit")
        await run.idle()
        changed = {**INITIAL, "sw": False, "name": "Bob", "fruits": ["apple", "pear"],
                   "vol": 50, "city": 2, "when": "2025-01-31"}
        assert logged(run, "submit ") == [changed]
        page.tap("#reset")
        await run.idle()
        assert logged(run, "reset ") == [{}]
        assert page.query("switch").attrs["checked"] is True
        assert page.query("checkbox[value=pear]").attrs["checked"] is False
        assert page.query("input[name=name]").attrs["value"] == "Ann"
        page.tap("#submit")
        await run.idle()
        assert logged(run, "submit ")[-1] == INITIAL
    finally:
        await run.host.close()


async def test_disabled_button_and_button_outside_a_form_submit_nothing(tmp_path: Path) -> None:
    """A disabled submit button runs its bindtap but submits nothing; a submit button
    outside any form does nothing."""
    run = await open_page(tmp_path, "pages/form/form")
    try:
        run.host.page.tap("#off")
        run.host.page.tap("#outside")
        await run.idle()
        assert run.logs == ["tap off"]
    finally:
        await run.host.close()


async def test_checkbox_group_change_through_nested_labels(tmp_path: Path) -> None:
    """A tap on a label's text toggles the checkbox inside it and the group fires change
    with the checked values in order; a tap on the checkbox itself unchecks it."""
    run = await open_page(tmp_path, "pages/choices/choices")
    page = run.host.page
    try:
        page.tap(".row-pear text")
        await run.idle()
        page.tap("checkbox[value=apple]")
        await run.idle()
        assert logged(run, "fruits ") == [{"value": ["apple", "pear"]}, {"value": ["pear"]}]
        assert page.text("#count") == "changes: 2"
    finally:
        await run.host.close()


async def test_disabled_checkbox_and_switch_do_nothing(tmp_path: Path) -> None:
    """A disabled checkbox (tapped directly or through its label) and a disabled switch
    neither change nor fire change."""
    run = await open_page(tmp_path, "pages/choices/choices")
    page = run.host.page
    try:
        page.tap("checkbox[value=plum]")
        page.tap(".row-plum text")
        page.tap("#sw-off")
        assert page.set_value("#sw-off", True) == 0
        await run.idle()
        assert run.logs == []
        assert page.query("checkbox[value=plum]").attrs["checked"] is False
    finally:
        await run.host.close()


async def test_radio_group_keeps_one_value_and_label_for(tmp_path: Path) -> None:
    """Choosing a radio unchecks the group's other one and fires change {value}; the
    checked radio tapped again changes nothing; a label for="r-l" chooses r-l."""
    run = await open_page(tmp_path, "pages/choices/choices")
    page = run.host.page
    try:
        page.tap("#r-s")
        page.tap("#r-s")
        page.tap("#for-l text")
        await run.idle()
        assert logged(run, "size ") == [{"value": "s"}, {"value": "l"}]
        assert [page.query(f"#r-{v}").attrs.get("checked") for v in "sml"] == \
            [False, False, True]
    finally:
        await run.host.close()


async def test_switch_tap_label_and_set_value(tmp_path: Path) -> None:
    """A tap on a switch runs its bindtap, then it toggles with change {checked}; a label
    for it toggles it without its bindtap; a set value to the same state fires nothing."""
    run = await open_page(tmp_path, "pages/choices/choices")
    page = run.host.page
    try:
        page.tap("#sw")
        page.tap("#for-sw")
        assert page.set_value("#sw", False) == 0
        page.set_value("#sw", True)
        await run.idle()
        assert run.logs == ["switch tapped", 'sw {"checked":true}', 'sw {"checked":false}',
                            'sw {"checked":true}']
    finally:
        await run.host.close()


async def test_user_state_survives_rerenders_until_the_app_changes_it(tmp_path: Path) -> None:
    """A checked box stays checked through re-renders of other data (and the window's
    patches never reset it); the app's own setData of that attribute wins."""
    run = await open_page(tmp_path, "pages/choices/choices")
    page = run.host.page
    pear = page.query("checkbox[value=pear]")
    try:
        start = len(run.of(PageRendered))
        page.tap(pear.id)  # its group's handler re-renders the count
        await run.idle()
        assert page.text("#count") == "changes: 1" and pear.attrs["checked"] is True
        patches = [p for e in run.of(PageRendered)[start:] for p in e.patches
                   if p.get("id") == pear.id]
        assert patches == [{"op": "attrs", "id": pear.id, "set": {"checked": True},
                            "unset": []}]
        page.tap("#pear-on")  # the app renders true: its value from now on
        await run.idle()
        page.tap("#pear-off")
        await run.idle()
        assert pear.attrs["checked"] is False
        assert page.describe(pear)["checked"] is False
    finally:
        await run.host.close()


async def test_two_way_checked_writes_the_page_data(tmp_path: Path) -> None:
    """checked="{= agreed =}": a tap writes true into the page's data (no setData)."""
    run = await open_page(tmp_path, "pages/choices/choices")
    try:
        run.host.page.tap("#agree")
        run.host.page.tap("#show")
        await run.idle()
        assert run.logs == ["agreed true"]
    finally:
        await run.host.close()
