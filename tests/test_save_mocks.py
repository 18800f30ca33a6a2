"""save_mocks: the Mock panel's "Save to settings" writes the settings' ``mocks`` list and
keeps every other key; the file reads back as the same rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.config import SETTINGS_FILE, load_settings, save_mocks
from emulator.errors import ConfigError
from emulator.net.mock.dump import rule_json

RULE = {"name": "one", "url": "https://api.demo.test/*", "method": "GET",
        "response": {"status": 200, "json": {"ok": True}}}


def test_mocks_replaced_other_keys_kept(tmp_path: Path) -> None:
    """The old list is replaced, domains and the rest stay, and the file loads back."""
    path = tmp_path / SETTINGS_FILE
    path.write_text(json.dumps({"domains": {"request": ["https://api.demo.test"]},
                                "networkType": "4g", "mocks": [{"url": "*", "fail": "dns"}]}))
    save_mocks(path, [RULE])
    data = json.loads(path.read_text())
    assert data["domains"] == {"request": ["https://api.demo.test"]}
    assert data["networkType"] == "4g" and data["mocks"] == [RULE]
    (rule,) = load_settings(tmp_path).mocks
    assert rule_json(rule, tmp_path) == RULE


def test_new_file_and_broken_file(tmp_path: Path) -> None:
    """A missing file is created; one that is not a JSON object is left alone (error)."""
    path = tmp_path / SETTINGS_FILE
    save_mocks(path, [])
    assert json.loads(path.read_text()) == {"mocks": []}
    path.write_text("{broken")
    with pytest.raises(ConfigError, match="not saved"):
        save_mocks(path, [RULE])
    assert path.read_text() == "{broken"
