"""The pytest plugin (entry point ``pytest11``): a ``swan_app`` fixture.

    @pytest.mark.swan_app("path/to/app", page="pages/list/list")
    async def test_list(swan_app):
        await swan_app.current_page().query(".item").tap()

The marker takes ``launch()``'s arguments. The app runs with its own data folder in the
test's tmp_path; an uncaught app error fails the test unless ``allow_errors=True``. When a
test fails, its report gets the app's console, errors and flows, and the HAR is saved next
to the test's temporary files (its path in the report).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from emulator.automation.program import MiniProgram, launch

try:  # async fixtures need pytest-asyncio; without it, the fixture says so when used
    import pytest_asyncio
    _fixture: Any = pytest_asyncio.fixture
except ImportError:  # pragma: no cover - depends on the environment
    pytest_asyncio = None
    _fixture = pytest.fixture

_KEY = pytest.StashKey[tuple[MiniProgram, Path]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "swan_app(app_dir, **launch_options): the mini-program the swan_app "
                   "fixture launches")


@_fixture
async def swan_app(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[MiniProgram]:
    """The app named by the test's ``swan_app`` marker, launched and settled."""
    if pytest_asyncio is None:
        raise pytest.UsageError("the swan_app fixture needs pytest-asyncio installed")
    marker = request.node.get_closest_marker("swan_app")
    if marker is None or not marker.args:
        raise pytest.UsageError("the swan_app fixture needs @pytest.mark.swan_app(app_dir, ...)")
    options: dict[str, Any] = dict(marker.kwargs)
    data_dir = Path(options.setdefault("data_dir", tmp_path_factory.mktemp("swan-data")))
    async with launch(marker.args[0], **options) as app:
        request.node.stash[_KEY] = (app, data_dir)
        yield app


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    found = item.stash.get(_KEY, None)
    if found is not None and report.failed and call.when in ("call", "teardown"):
        app, data_dir = found
        console = "\n".join(f"[{m.level}] {m.text[:500]}" for m in app.console[-50:])
        report.sections.append(("swan console (last 50)", console or "(empty)"))
        errors = "\n".join(str(getattr(e, "error", e)) for e in app.errors)
        if errors:
            report.sections.append(("swan errors", errors))
        report.sections.append(("swan flows", app.network.summary()))
        har = app.network.save_har(data_dir / "flows.har")
        report.sections.append(("swan HAR", str(har)))
    return report
