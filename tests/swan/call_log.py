"""Reading what a test app logged about its API calls: JSON lines ``[label, kind,
payload]`` (success, fail, complete, progress…), as the tests' JS helpers print them."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Run


def events(run: Run) -> dict[str, list[tuple[str, Any]]]:
    """label -> [(kind, payload)] in the order the app logged them."""
    out: dict[str, list[tuple[str, Any]]] = {}
    for line in run.logs:
        if line.startswith("["):
            label, kind, *payload = json.loads(line)
            out.setdefault(label, []).append((kind, payload[0] if payload else None))
    return out


def outcome(evts: list[tuple[str, Any]]) -> tuple[str, Any]:
    """The one success/fail, checked to be followed by exactly one complete at the end."""
    ends = [(k, p) for k, p in evts if k in ("success", "fail")]
    assert len(ends) == 1, evts
    assert [k for k, _ in evts].count("complete") == 1 and evts[-1][0] == "complete", evts
    return ends[0]
