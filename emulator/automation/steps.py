"""The step language of ``swan-emulator run APP --script FILE`` (docs/script-steps.md).

A script is a JSON or YAML list of steps (or ``{"steps": [...]}``). A step is a mapping
with one action key — its value is the main argument — and the action's options:

    - tap: "#go"
    - expect_text: .summary
      contains: "11/11"

Parsing checks everything before the app starts (StepFileError, exit status 2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.errors import EmulatorError, did_you_mean

COMMON = {"timeout", "name"}  # every step: its wait's timeout (s), a label for reports
# action -> (its argument: "required" | "optional" | "none", the options it takes)
ACTIONS: dict[str, tuple[str, set[str]]] = {
    "goto": ("required", set()),
    "back": ("optional", set()),
    "tap": ("required", set()),
    "input": ("required", {"text"}),
    "wait_for": ("required", set()),
    "expect_flow": ("optional", {"method", "api", "status"}),
    "expect_text": ("required", {"equals", "contains", "matches"}),
    "expect_data": ("required", {"equals"}),
    "sleep": ("required", set()),
    "eval": ("required", {"equals"}),
    "mock_swan": ("required", {"result"}),
    "restore_swan": ("required", set()),
    "screenshot": ("required", set()),
}
REQUIRED_OPTIONS = {"input": {"text"}, "expect_data": {"equals"}, "mock_swan": {"result"}}


PASSED, FAILED, SKIPPED, NOT_RUN = "passed", "failed", "skipped", "not run"


class StepFileError(EmulatorError):
    """The script file cannot be read or is not valid step language; says which step."""


@dataclass(frozen=True)
class Step:
    """One step: ``index`` counts from 1 in the file's order."""

    index: int
    action: str
    arg: Any
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def timeout(self) -> float | None:
        value = self.options.get("timeout")
        return float(value) if value is not None else None

    @property
    def label(self) -> str:
        """How reports name the step: its ``name``, else the action and its values."""
        if "name" in self.options:
            return str(self.options["name"])
        parts = [self.action]
        if self.arg is not None:
            parts.append(_short(self.arg))
        parts += [f"{k}={_short(v)}" for k, v in self.options.items()
                  if k not in COMMON and k != "result"]
        return " ".join(parts)


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def load_steps(path: Path) -> list[Step]:
    """The steps of a ``.json``, ``.yaml`` or ``.yml`` file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise StepFileError(f"cannot read the script {path}: {exc}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml  # only for YAML scripts

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise StepFileError(f"{path}: invalid YAML: {exc}") from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StepFileError(f"{path}: invalid JSON at line {exc.lineno} column "
                                f"{exc.colno}: {exc.msg}") from exc
    return parse_steps(data, str(path))


def parse_steps(data: Any, source: str = "script") -> list[Step]:
    """Check and convert a decoded script; StepFileError names the step at fault."""
    if isinstance(data, dict) and set(data) == {"steps"}:
        data = data["steps"]
    if not isinstance(data, list) or not data:
        raise StepFileError(f"{source}: expected a non-empty list of steps "
                            '(or {"steps": [...]})')
    return [_parse_step(i, raw, source) for i, raw in enumerate(data, start=1)]


def _parse_step(index: int, raw: Any, source: str) -> Step:
    where = f"{source}: step {index}"
    if isinstance(raw, str) and raw in ACTIONS:
        raw = {raw: None}  # "- back" in YAML
    if not isinstance(raw, dict):
        raise StepFileError(f"{where}: a step is a mapping such as {{\"tap\": \"#go\"}}, "
                            f"not {_short(raw)}")
    actions = [k for k in raw if k in ACTIONS]
    if len(actions) != 1:
        known = ", ".join(ACTIONS)
        found = f"{len(actions)} ({', '.join(actions)})" if actions else "none"
        if not actions:
            # A misspelt action is the likely mistake: name it, and what it may have meant.
            named = [f"unknown action {k!r}{did_you_mean(str(k), ACTIONS)}"
                     for k in raw if str(k) not in COMMON]
            found = "none: " + "; ".join(named) if named else found
        raise StepFileError(f"{where}: needs exactly one action (one of: {known}); "
                            f"found {found}")
    action = actions[0]
    need, allowed = ACTIONS[action]
    options = {k: v for k, v in raw.items() if k != action}
    unknown = sorted(set(options) - allowed - COMMON)
    if unknown:
        allowed_text = ", ".join(sorted(allowed | COMMON))
        raise StepFileError(f"{where}: {action} does not take {', '.join(unknown)} "
                            f"(it takes: {allowed_text})")
    arg = raw[action]
    if need == "required" and arg is None:
        raise StepFileError(f"{where}: {action} needs a value")
    missing = sorted(REQUIRED_OPTIONS.get(action, set()) - set(options))
    if missing:
        raise StepFileError(f"{where}: {action} needs {', '.join(missing)}")
    if action == "expect_text" and len(set(options) & {"equals", "contains", "matches"}) != 1:
        raise StepFileError(f"{where}: expect_text needs one of equals, contains, matches")
    if action in ("sleep", "back") and arg is not None and not _number(arg):
        raise StepFileError(f"{where}: {action} takes a number")
    if "timeout" in options and not _number(options["timeout"]):
        raise StepFileError(f"{where}: timeout is a number of seconds")
    if action == "input" and not isinstance(options["text"], str):
        raise StepFileError(f"{where}: input's text must be a string")
    return Step(index, action, arg, options)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


@dataclass
class StepResult:
    """What became of one step. ``expected``/``seen`` are set for a failure, ``message``
    for a skip (and the failure's one-line summary)."""

    step: Step
    status: str
    seconds: float = 0.0
    message: str = ""
    expected: str = ""
    seen: str = ""
