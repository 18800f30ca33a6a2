"""Loading a mini-program folder: what is found, and clear errors for broken folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.app.package import load_package
from emulator.errors import PackageError
from tests.conftest import write_app


def test_pages_subpackages_tabbar_components_templates(tmp_path: Path) -> None:
    """Everything app.json declares is found, with templates and styles kept for the GUI."""
    root = write_app(tmp_path, {
        "app.json": {
            "pages": ["pages/home/home", "pages/me/me"],
            "subPackages": [{"root": "shop", "pages": ["list/list"]}],
            "tabBar": {"list": [{"pagePath": "pages/home/home"}, {"pagePath": "pages/me/me"}]},
            "window": {"navigationBarTitleText": "商店"},
            "networkTimeout": {"request": 5000, "uploadFile": 999999},
            "usingComponents": {"badge": "/components/badge/badge"},
        },
        "pages/home/home.json": {"navigationBarTitleText": "首页",
                                 "usingComponents": {"card": "../../components/card/card"}},
        "pages/home/home.swan": "<view>{{x}}</view>",
        "pages/home/home.css": ".a{}",
        "components/card/card.js": "Component({});",
        "components/badge/badge.js": "Component({});",
        "project.swan.json": {"appid": "123", "setting": {"urlCheck": False}},
    })
    pkg = load_package(root)
    assert list(pkg.pages) == ["pages/home/home", "pages/me/me", "shop/list/list"]
    assert pkg.tab_bar == ["pages/home/home", "pages/me/me"]
    home = pkg.pages["pages/home/home"]
    assert home.template == "pages/home/home.swan" and home.style == "pages/home/home.css"
    assert [c.path for c in home.components] == ["components/badge/badge", "components/card/card"]
    assert pkg.title_of("pages/home/home") == "首页"
    assert pkg.title_of("pages/me/me") == "商店"
    assert pkg.network_timeout_ms["request"] == 5000
    assert pkg.network_timeout_ms["uploadFile"] == 60000  # capped at the platform maximum
    assert pkg.network_timeout_ms["downloadFile"] == 60000
    assert pkg.project.appid == "123" and pkg.project.url_check is False
    assert "components/card/card.js" in pkg.modules
    assert "project.swan.json" not in pkg.modules


@pytest.mark.parametrize(("files", "fragment"), [
    ({"app.json": "{ \"pages\": [,] }"}, "app.json:1: invalid JSON at line 1 column 13"),
    ({"app.json": {"pages": []}}, '"pages" must be a non-empty list'),
    ({"app.json": {"pages": ["pages/a/a"], "tabBar": {"list": [{"pagePath": "pages/b/b"}]}}},
     'tabBar page "pages/b/b" is not listed'),
    ({"app.json": {"pages": ["pages/index/index"], "networkTimeout": {"request": "fast"}}},
     '"networkTimeout.request" must be a positive number'),
])
def test_broken_folder_errors_name_the_file(tmp_path: Path, files: dict, fragment: str) -> None:
    """Each kind of broken folder gets one clear PackageError naming the file at fault."""
    missing = [k for k, v in files.items() if v is None]
    root = write_app(tmp_path, {k: v for k, v in files.items() if v is not None})
    for rel in missing:
        (root / rel).unlink(missing_ok=True)
    with pytest.raises(PackageError) as info:
        load_package(root)
    assert fragment in str(info.value)


def test_missing_app_json_and_app_js(tmp_path: Path) -> None:
    """A folder without app.json is not a mini-program; app.js is required too."""
    with pytest.raises(PackageError, match=r"app\.json is missing"):
        load_package(tmp_path)
    (tmp_path / "app.json").write_text('{"pages": ["p"]}')
    (tmp_path / "p.js").write_text("Page({})")
    with pytest.raises(PackageError, match=r"app\.js: file not found"):
        load_package(tmp_path)
    with pytest.raises(PackageError, match="app folder not found"):
        load_package(tmp_path / "nowhere")


def test_broken_parts_are_left_out_and_named(tmp_path: Path) -> None:
    """A page without its .js, a page with bad JSON and a missing component are problems
    naming their file; the rest of the app loads."""
    root = write_app(tmp_path / "app", {
        "app.json": {"pages": ["pages/index/index", "pages/a/a", "pages/b/b"]},
        "pages/a/a.js": None,
        "pages/b/b.json": "{oops",
        "pages/index/index.json": {"usingComponents": {"x": "./missing", "y": "/comp/y"}},
        "comp/y.js": "Component({});",
    })
    pkg = load_package(root)
    assert list(pkg.pages) == ["pages/index/index"]
    assert pkg.routes == ["pages/index/index", "pages/a/a", "pages/b/b"]
    assert set(pkg.broken) == {"pages/a/a", "pages/b/b"}
    assert [str(p) for p in pkg.problems] == [
        'pages/index/index.json: component "x": file pages/index/missing.js not found; it is '
        "left out",
        'app.json: page "pages/a/a" is listed but pages/a/a.js is missing',
        "pages/b/b.json:1: invalid JSON at line 1 column 2: Expecting property name enclosed "
        "in double quotes",
    ]
    assert [c.name for c in pkg.pages["pages/index/index"].components] == ["y"]
