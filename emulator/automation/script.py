"""Running a step script (emulator/automation/steps.py) on a launched app, and its report.

Every step goes through the automation API (the same waits and messages as a pytest test):
this is not a second way to run an app. The run stops at the first failed step; the steps
after it are reported "not run". A failure says what was expected and what was seen.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from emulator.automation.errors import AutomationError
from emulator.automation.junit import write_junit
from emulator.automation.program import MiniProgram, launch
from emulator.automation.steps import FAILED, NOT_RUN, PASSED, SKIPPED, Step, StepResult
from emulator.automation.waiting import DEFAULT_TIMEOUT, until
from emulator.config import Settings, data_root
from emulator.errors import EmulatorError
from emulator.flows.events import UncaughtError
from emulator.headless import EXIT_APP_ERROR, EXIT_OK, EXIT_TIMEOUT, say


class StepFailed(AutomationError):
    """A step's expectation did not hold."""

    def __init__(self, expected: str, seen: str) -> None:
        super().__init__(f"expected {expected}; seen {seen}")
        self.expected = expected
        self.seen = seen


def _quote(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class StepRunner:
    """Runs steps on one app. ``base_dir``: where relative screenshot paths go."""

    def __init__(self, app: MiniProgram, base_dir: Path,
                 deadline: float | None = None) -> None:
        self.app = app
        self.base_dir = base_dir
        self.deadline = deadline  # time.monotonic() after which no step runs (--timeout)

    async def run(self, steps: list[Step]) -> list[StepResult]:
        """Every step in order until one fails; the rest are "not run"."""
        results: list[StepResult] = []
        failed: Step | None = None
        for step in steps:
            if failed is not None:
                results.append(StepResult(step, NOT_RUN,
                                          message=f"not run: step {failed.index} failed"))
                continue
            result = await self._one(step)
            results.append(result)
            if result.status == FAILED:
                failed = step
        return results

    async def _one(self, step: Step) -> StepResult:
        started = time.monotonic()
        remaining = None if self.deadline is None else max(self.deadline - started, 0.0)
        try:
            skipped = await asyncio.wait_for(self._do(step), remaining)
        except StepFailed as exc:
            return StepResult(step, FAILED, time.monotonic() - started, str(exc),
                              exc.expected, exc.seen)
        except (AutomationError, AssertionError) as exc:
            return StepResult(step, FAILED, time.monotonic() - started,
                              str(exc).partition("\n")[0], self._expects(step), str(exc))
        except asyncio.TimeoutError:
            return StepResult(step, FAILED, time.monotonic() - started,
                              "the run's --timeout ran out", self._expects(step),
                              "the run's --timeout ran out during this step")
        status = SKIPPED if skipped else PASSED
        return StepResult(step, status, time.monotonic() - started, skipped or "")

    def _expects(self, step: Step) -> str:
        """What a step expects, in words (for failures that are not StepFailed)."""
        a = step.arg
        return {
            "goto": f"to open {_quote(a)}",
            "back": "to go back",
            "tap": f"a node matching {_quote(a)} to tap",
            "input": f"a node matching {_quote(a)} to type into",
            "wait_for": f"a node matching {_quote(a)}",
            "expect_flow": "a flow " + " ".join(
                f"{k}={_quote(v)}" for k, v in [("url", a), *step.options.items()]
                if v is not None and k != "timeout"),
            "eval": f"{_quote(a)} to evaluate",
            "mock_swan": f"swan.{a} to be mocked",
            "restore_swan": f"swan.{a} to be restored",
        }.get(step.action, step.label)

    def _timeout(self, step: Step) -> float:
        return step.timeout if step.timeout is not None else DEFAULT_TIMEOUT

    async def _do(self, step: Step) -> str | None:
        """Run one step; a skip returns its reason."""
        app, a, o = self.app, step.arg, step.options
        page = app.current_page
        if step.action == "goto":
            route = str(a).partition("?")[0].strip("/")
            if route in app.host.package.tab_bar:
                opened = await app.switch_tab(str(a))
            else:
                opened = await app.navigate_to(str(a))
            if opened.path != route:
                raise StepFailed(f"page {_quote(route)} on screen",
                                 f"{_quote(opened.path)} (the console: "
                                 f"{_last_console(app)})")
        elif step.action == "back":
            await app.navigate_back(int(a) if a is not None else 1)
        elif step.action == "tap":
            await (await page().wait_for(str(a), self._timeout(step))).tap()
        elif step.action == "input":
            await (await page().wait_for(str(a), self._timeout(step))).input(o["text"])
        elif step.action == "wait_for":
            await page().wait_for(str(a), self._timeout(step))
        elif step.action == "expect_flow":
            await app.network.wait_for_flow(url=a, method=o.get("method"), api=o.get("api"),
                                            status=o.get("status"),
                                            timeout=self._timeout(step))
        elif step.action == "expect_text":
            await self._expect_text(step)
        elif step.action == "expect_data":
            await self._expect(step, f"page data {_quote(a)} == {_quote(o['equals'])}",
                               lambda: page().data(str(a)), o["equals"])
        elif step.action == "sleep":
            await asyncio.sleep(float(a))
        elif step.action == "eval":
            value = await app.evaluate(str(a))
            if "equals" in o and value != o["equals"]:
                raise StepFailed(f"{_quote(a)} == {_quote(o['equals'])}", _quote(value))
        elif step.action == "mock_swan":
            app.mock_swan(str(a), o["result"])
        elif step.action == "restore_swan":
            app.restore_swan(str(a))
        elif step.action == "screenshot":
            if app.window is None:
                return "no window is up (a headless run): screenshot skipped"
            path = Path(str(a))
            app.window.screenshot(path if path.is_absolute() else self.base_dir / path)
        return None

    async def _expect(self, step: Step, expected: str, read: Any, want: Any) -> None:
        seen: list[Any] = [None]

        def found() -> bool:
            seen[0] = read()
            return bool(seen[0] == want)

        try:
            await until(found, self._timeout(step), lambda: "")
        except AssertionError:
            raise StepFailed(expected, _quote(seen[0])) from None

    async def _expect_text(self, step: Step) -> None:
        selector, o = str(step.arg), step.options
        if "equals" in o:
            expected, test = f"equal to {_quote(o['equals'])}", lambda t: t == o["equals"]
        elif "contains" in o:
            expected, test = f"containing {_quote(o['contains'])}", lambda t: o["contains"] in t
        else:
            rx = re.compile(str(o["matches"]))
            expected, test = f"matching /{o['matches']}/", lambda t: bool(rx.search(t))
        seen: list[str | None] = [None]

        def found() -> bool:
            node = self.app.current_page().query(selector)
            seen[0] = None if node is None else node.text()
            return seen[0] is not None and test(seen[0])

        try:
            await until(found, self._timeout(step), lambda: "")
        except AssertionError:
            if seen[0] is None:
                markup = self.app.current_page().markup()
                raise StepFailed(f"the text of {_quote(selector)} {expected}",
                                 f"no node matches {_quote(selector)}; the page:\n"
                                 f"{markup[:1500]}") from None
            raise StepFailed(f"the text of {_quote(selector)} {expected}",
                             _quote(seen[0])) from None


def _query(text: str) -> dict[str, str]:
    """``a=1&b=2`` as given (the page's onLoad decodes, as the platform does)."""
    pairs = (p.partition("=") for p in text.split("&") if p)
    return {k: v for k, _, v in pairs}


def _last_console(app: MiniProgram, count: int = 3) -> str:
    lines = [f"[{m.level}] {m.text[:200]}" for m in app.console[-count:]]
    return " | ".join(lines) or "(empty)"


def app_errors_result(app: MiniProgram, index: int) -> StepResult | None:
    """The app's uncaught errors as one failed result (after the steps), or None."""
    if not app.errors:
        return None
    lines = [str(e.error) if isinstance(e, UncaughtError) else f"{e.file}: {e.message}"
             for e in app.errors]
    step = Step(index, "no_app_errors", None, {"name": "the app threw no uncaught errors"})
    return StepResult(step, FAILED, 0.0, f"{len(lines)} uncaught app error(s)",
                      "no uncaught app errors", "\n".join(lines))


def report(results: list[StepResult], seconds: float) -> str:
    """The run as text: a line per step, each failure with what was expected and seen,
    then the counts."""
    lines: list[str] = []
    for r in results:
        mark = {PASSED: "ok  ", FAILED: "FAIL", SKIPPED: "skip", NOT_RUN: "--  "}[r.status]
        took = f" ({r.seconds * 1000:.0f} ms)" if r.status in (PASSED, FAILED) else ""
        lines.append(f"{mark} step {r.step.index}: {r.step.label}{took}")
        if r.status == FAILED:
            lines.append(f"       expected: {r.expected}")
            seen = r.seen.replace("\n", "\n                 ")
            lines.append(f"       seen:     {seen}")
        elif r.status in (SKIPPED, NOT_RUN):
            lines.append(f"       {r.message}")
    counts = {s: sum(r.status == s for r in results) for s in (PASSED, FAILED, SKIPPED, NOT_RUN)}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    lines.append(f"{summary} in {seconds:.2f} s")
    return "\n".join(lines)


async def run_script(app_dir: Path, settings: Settings, steps: list[Step], *,
                     script: Path, page: str | None = None, junit: Path | None = None,
                     timeout: float | None = None, dump_page: bool = False,
                     out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``swan-emulator run APP --script FILE``: launch, run the steps, print the report
    (stdout), write the JUnit XML and the HAR if asked. Returns the exit status: 0 every
    step passed (skips included), 1 a step failed, the app failed to load or threw an
    uncaught error, 3 ``timeout`` (s, the whole run) ran out."""
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    path, _, query = (page or "").partition("?")
    results: list[StepResult] = []
    console: list[str] = []
    try:
        # The data folder of a plain run (--data-dir, else the user's), not launch()'s
        # throwaway one: a scripted run sees and keeps the app's data as `run` does.
        async with launch(app_dir, settings=settings, page=path.strip("/") or None,
                          query=_query(query), allow_errors=True,
                          data_dir=data_root(settings)) as app:
            results = await StepRunner(app, script.parent, deadline).run(steps)
            problem = app_errors_result(app, len(steps) + 1)
            if problem is not None:
                results.append(problem)
            console = [f"[{m.level}] {m.text}" for m in app.console]
            if dump_page:
                say(out, f"[page] {app.current_page().path}\n{app.current_page().markup()}")
            if settings.har is not None:
                app.network.save_har(settings.har)
                say(err, f"[har] {len(app.network.flows)} entries written to {settings.har}")
    except EmulatorError as exc:
        say(err, f"[error] failed to load {app_dir}: {exc}")
        return EXIT_APP_ERROR
    seconds = time.monotonic() - started
    if junit is not None:  # written first: the report's reader may be gone (`| head`)
        write_junit(junit, script.name, results, seconds, console)
    say(out, report(results, seconds))
    if junit is not None:
        say(err, f"[junit] {junit}")
    if any(r.status == FAILED for r in results):
        timed_out = any(r.message == "the run's --timeout ran out" for r in results)
        return EXIT_TIMEOUT if timed_out else EXIT_APP_ERROR
    return EXIT_OK
