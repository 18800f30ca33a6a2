"""The pytest plugin (entry point ``pytest11``): a ``swan_app`` fixture.

    @pytest.mark.swan_app("path/to/app", page="pages/list/list")
    async def test_list(swan_app):
        await swan_app.current_page().query(".item").tap()

The marker takes ``launch()``'s arguments. The app runs with its own data folder among
the test's temporary folders (one per test, and per worker under pytest-xdist), unless
the marker gives ``data_dir``; an uncaught app error fails the test unless
``allow_errors=True``. When a test fails, its report gets the app's console, errors and
flows, and the HAR is saved in that test's own folder (its path in the report).

``pytest --swan-window`` shows each swan_app test's app in the desktop window
(``launch(window=True)``): async tests then run on a qasync loop (pytest-asyncio's loop
factories), and a display is needed (else a usage error says how to get one).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from emulator.gui.display import display_available

if TYPE_CHECKING:
    from emulator.automation.program import MiniProgram

try:  # async fixtures need pytest-asyncio; without it, the fixture says so when used
    import pytest_asyncio
    _fixture: Any = pytest_asyncio.fixture
except ImportError:  # pragma: no cover - depends on the environment
    pytest_asyncio = None
    _fixture = pytest.fixture

_KEY = pytest.StashKey[tuple["MiniProgram", Path]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("swan-emulator")
    group.addoption("--swan-window", action="store_true", default=False,
                    help="show each swan_app test's app in the desktop window (needs a "
                         "display; async tests then run on a qasync event loop)")


class QasyncLoops:
    """With ``--swan-window``: pytest-asyncio runs async tests on qasync's loop, so the
    window's Qt events run while a test awaits."""

    @staticmethod
    def pytest_asyncio_loop_factories(config: pytest.Config,
                                      item: pytest.Item) -> dict[str, Any]:
        from emulator.automation.window import qasync_loop

        return {"qasync": qasync_loop}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "swan_app(app_dir, **launch_options): the mini-program the swan_app "
                   "fixture launches")
    if not config.getoption("swan_window", False):
        return
    if not display_available():
        from emulator.automation.window import NO_DISPLAY

        raise pytest.UsageError(f"--swan-window: {NO_DISPLAY}")
    if not hasattr(config.pluginmanager.hook, "pytest_asyncio_loop_factories"):
        raise pytest.UsageError("--swan-window needs a pytest-asyncio with loop factories (its "
                                "pytest_asyncio_loop_factories hook runs tests on qasync)")
    config.pluginmanager.register(QasyncLoops(), "swan-window-loops")


@_fixture
async def swan_app(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[MiniProgram]:
    """The app named by the test's ``swan_app`` marker, launched and settled."""
    if pytest_asyncio is None:
        raise pytest.UsageError("the swan_app fixture needs pytest-asyncio installed")
    marker = request.node.get_closest_marker("swan_app")
    if marker is None or not marker.args:
        raise pytest.UsageError("the swan_app fixture needs @pytest.mark.swan_app(app_dir, ...)")
    # Imported here: the plugin loads with every pytest run (and xdist controller), most
    # of which launch no app.
    from emulator.automation.program import launch

    options: dict[str, Any] = dict(marker.kwargs)
    # The test's own folder (per xdist worker too): the app's data unless the marker
    # names a data_dir (then shared with whoever else names it), and the HAR of a failure.
    folder = tmp_path_factory.mktemp("swan-data")
    options.setdefault("data_dir", folder)
    if request.config.getoption("swan_window", False):
        options["window"] = True
    async with launch(marker.args[0], **options) as app:
        request.node.stash[_KEY] = (app, folder)
        yield app


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    found = item.stash.get(_KEY, None)
    if found is not None and report.failed and call.when in ("call", "teardown"):
        app, folder = found
        console = "\n".join(f"[{m.level}] {m.text[:500]}" for m in app.console[-50:])
        report.sections.append(("swan console (last 50)", console or "(empty)"))
        errors = "\n".join(str(getattr(e, "error", e)) for e in app.errors)
        if errors:
            report.sections.append(("swan errors", errors))
        report.sections.append(("swan flows", app.network.summary()))
        har = app.network.save_har(folder / "flows.har")
        report.sections.append(("swan HAR", str(har)))
    return report
