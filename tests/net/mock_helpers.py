"""Shared by the mock tests: settings with rules read as a settings file reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emulator.config import Settings
from emulator.net.mock.load import RuleReader
from tests.conftest import DemoServer


def with_mocks(demo: DemoServer, rules: list[dict[str, Any]], base: Path,
               **overrides: Any) -> Settings:
    """The demo server's settings plus ``rules`` (file bodies relative to ``base``)."""
    settings = demo.settings(**overrides)
    settings.mocks = RuleReader("test-settings.json", base,
                                time_limit=settings.script_time_limit).rules(rules)
    return settings
