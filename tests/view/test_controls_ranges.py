"""Sliders, each picker mode and picker-view: the values a user sets and the events they
fire (tests/fixtures/apps/controls/pages/ranges)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from emulator.view.controls.errors import ControlError
from tests.view.test_controls import open_page


async def test_slider_clamps_to_its_range_and_step(tmp_path: Path) -> None:
    """min 10, max 60, step 5: 47 → 45, 99 → 60, -3 → 10, each as changing then change;
    the window's drag (done=False) fires only changing; a disabled slider ignores it."""
    run = await open_page(tmp_path, "pages/ranges/ranges")
    page = run.host.page
    try:
        for value in (47, 99, -3):
            page.set_value("#vol", value)
        page.set_value_node(page.query("#vol"), 33, done=False)
        assert page.set_value("#still", 50) == 0
        await run.idle()
        assert run.logs == [
            'vol changing {"value":45}', 'vol change {"value":45}',
            'vol changing {"value":60}', 'vol change {"value":60}',
            'vol changing {"value":10}', 'vol change {"value":10}',
            'vol changing {"value":35}']
        assert page.describe("#vol") == {"id": page.query("#vol").id, "disabled": False,
                                         "kind": "slider", "value": 35, "min": 10,
                                         "max": 60, "step": 5, "showValue": False}
        with pytest.raises(ControlError):
            page.set_value("#vol", "loud")
    finally:
        await run.host.close()


async def test_picker_modes_change_details(tmp_path: Path) -> None:
    """selector → index; multiSelector → columnchange per turned column, then the
    indices; time and date clamp to start/end; fields=month keeps YYYY-MM; region gives
    the names; cancel fires cancel; a disabled picker ignores a choice."""
    run = await open_page(tmp_path, "pages/ranges/ranges")
    page = run.host.page
    try:
        page.set_value("#sel", 2)
        page.set_value("#multi", [1, 2])
        page.set_value("#time", "7:05")
        page.set_value("#time", "13:45")
        page.set_value("#date", "2035-06-01")
        page.set_value("#month", "2023-11-20")
        page.set_value("#region", ["广东省", "广州市", "海珠区"])
        page.cancel_node(page.query("#sel"))
        assert page.set_value("#sel-off", 1) == 0
        await run.idle()
        assert run.logs == [
            'sel change {"value":2}',
            'multi columnchange {"column":0,"value":1}',
            'multi columnchange {"column":1,"value":2}',
            'multi change {"value":[1,2]}',
            'time change {"value":"08:00"}',
            'time change {"value":"13:45"}',
            'date change {"value":"2030-12-31"}',
            'month change {"value":"2023-11"}',
            'region change {"value":["广东省","广州市","海珠区"]}',
            'sel cancel {}']
        assert page.query("#sel").attrs["value"] == 2
    finally:
        await run.host.close()


async def test_picker_refuses_values_its_mode_cannot_hold(tmp_path: Path) -> None:
    """An index past the range, a wrong column count, 25:00 and 2023-02-30 are errors."""
    run = await open_page(tmp_path, "pages/ranges/ranges")
    page = run.host.page
    try:
        for selector, value in (("#sel", 3), ("#multi", [0]), ("#multi", [0, 3]),
                                ("#time", "25:00"), ("#date", "2023-02-30"),
                                ("#region", "广东省")):
            with pytest.raises(ControlError):
                page.set_value(selector, value)
        await run.idle()
        assert run.logs == []
    finally:
        await run.host.close()


async def test_multiselector_column_turns_while_the_sheet_is_open(tmp_path: Path) -> None:
    """turn_column_node fires columnchange {column, value} and keeps the value as it was
    until a choice is confirmed."""
    run = await open_page(tmp_path, "pages/ranges/ranges")
    page = run.host.page
    try:
        page.turn_column_node(page.query("#multi").id, 1, 2)
        await run.idle()
        assert run.logs == ['multi columnchange {"column":1,"value":2}']
        assert page.describe("#multi")["value"] == [0, 0]
    finally:
        await run.host.close()


async def test_picker_descriptions_give_the_sheet_its_options(tmp_path: Path) -> None:
    """describe gives the columns of labels (range-key), date/time bounds, a date
    picker's default of today, region's custom item."""
    run = await open_page(tmp_path, "pages/ranges/ranges")
    page = run.host.page
    try:
        sel = page.describe("#sel")
        assert (sel["kind"], sel["mode"], sel["columns"], sel["value"]) == \
            ("picker", "selector", [["Ann", "Bob", "Cy"]], 0)
        assert page.describe("#multi")["columns"] == [["north", "south"],
                                                      ["one", "two", "three"]]
        time = page.describe("#time")
        assert (time["start"], time["end"], time["value"]) == ("08:00", "18:00", "12:00")
        month = page.describe("#month")
        assert (month["fields"], month["start"], month["end"]) == ("month", "1900-01",
                                                                  "2100-12")
        assert page.describe("#region")["customItem"] == "全部"
        assert page.describe("#sel-off")["disabled"] is True
        page.query("#date").attrs.pop("value")
        assert page.describe("#date")["value"] == dt.date.today().isoformat()
    finally:
        await run.host.close()


async def test_picker_view_change(tmp_path: Path) -> None:
    """A picker-view takes one index per column and fires change {value}; its columns
    are the items' text."""
    run = await open_page(tmp_path, "pages/ranges/ranges")
    page = run.host.page
    try:
        assert page.describe("#pv")["columns"] == [["a", "b"], ["1", "2", "3"]]
        assert page.describe("#pv")["value"] == [1, 0]
        page.set_value("#pv", [0, 2])
        with pytest.raises(ControlError):
            page.set_value("#pv", [0, 3])
        await run.idle()
        assert run.logs == ['pv change {"value":[0,2]}']
    finally:
        await run.host.close()
