"""A mini-program folder on disk: ``app.json``, pages, components, project settings.

:func:`load_package` validates the folder and says which file is at fault when it is
broken; nothing here runs JavaScript.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from emulator.errors import PackageError

# Folders whose files are never part of the app's JS world.
_SKIP_DIRS = {"node_modules", ".git", ".svn", ".idea", ".vscode", "__pycache__"}
_NOT_MODULES = {"swan-emulator.json", "project.swan.json", "project.private.swan.json",
                "project.config.json", "project.private.config.json"}
_EXTERNAL_COMPONENT_PREFIXES = ("plugin://", "dynamicLib://", "plugin-private://")
DEFAULT_NETWORK_TIMEOUT_MS = 60_000
NETWORK_TIMEOUT_KEYS = ("request", "uploadFile", "downloadFile", "connectSocket")


class ComponentRef(NamedTuple):
    """A custom component used by a page: its tag name and module path (no extension)."""

    name: str
    path: str


@dataclass
class PageInfo:
    """One page: its route and the files found for it (paths relative to the app root)."""

    route: str
    script: str
    config: dict[str, Any] = field(default_factory=dict)
    template: str | None = None  # .swan, kept for the GUI; not rendered yet
    style: str | None = None  # .css
    components: list[ComponentRef] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        """The page's own navigation bar title, if its JSON sets one."""
        value = self.config.get("navigationBarTitleText")
        return value if isinstance(value, str) else None


class Condition(NamedTuple):
    """A compile mode of the vendor devtools: a named start page and query."""

    name: str
    path: str
    query: str = ""


@dataclass
class ProjectConfig:
    """What the vendor project file says (``project.swan.json``, or WeChat's
    ``project.config.json`` in a converted app); every field optional."""

    appid: str | None = None
    name: str | None = None
    url_check: bool | None = None
    appkey: str | None = None  # the app key (Referer), appInfo.app_key
    lib_version: str | None = None  # the base library the devtools were set to
    domains: dict[str, list[str]] = field(default_factory=dict)  # appInfo.domains
    conditions: list[Condition] = field(default_factory=list)
    file: str | None = None  # which file it was read from

    @property
    def key(self) -> str | None:
        """The app key sent in the Referer: appkey, else the app id."""
        return self.appkey or self.appid

    def condition(self, name: str) -> Condition | None:
        """The compile mode called ``name`` (or with that index, counted from 0)."""
        for c in self.conditions:
            if c.name == name:
                return c
        if name.isdigit() and int(name) < len(self.conditions):
            return self.conditions[int(name)]
        return None


@dataclass
class AppPackage:
    """A validated mini-program folder."""

    root: Path
    app_json: dict[str, Any]
    pages: dict[str, PageInfo]  # route -> page that can load, in app.json order
    tab_bar: list[str]
    project: ProjectConfig
    network_timeout_ms: dict[str, int]
    modules: list[str]  # every .js/.json file of the app, relative POSIX paths
    routes: list[str] = field(default_factory=list)  # every page listed, broken ones too
    broken: dict[str, str] = field(default_factory=dict)  # route -> why it cannot open
    problems: list[PackageError] = field(default_factory=list)  # parts left out, by file

    @property
    def entry(self) -> str:
        """The route of the first page listed (it may be broken)."""
        return self.routes[0] if self.routes else next(iter(self.pages))

    @property
    def window(self) -> dict[str, Any]:
        """``app.json`` ``window`` (navigation bar title and colours)."""
        value = self.app_json.get("window")
        return value if isinstance(value, dict) else {}

    @property
    def name(self) -> str:
        """A display name: the window title, the project name, or the folder name."""
        title = self.window.get("navigationBarTitleText")
        if isinstance(title, str) and title:
            return title
        return self.project.name or self.root.name

    def title_of(self, route: str) -> str:
        """The navigation bar title shown on ``route``."""
        page = self.pages.get(route)
        return (page.title if page else None) or str(self.window.get("navigationBarTitleText", ""))


def read_json(path: Path, root: Path) -> Any:
    """Parse a JSON file; a missing or invalid file is a PackageError naming it (and the
    line and column of a syntax error)."""
    rel = _rel(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PackageError("file not found", rel) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackageError(f"cannot read file: {exc}", rel) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
                           f"{rel}:{exc.lineno}") from None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _normalize(path: str) -> str | None:
    """Normalise a POSIX-style relative path; None when it climbs above the root."""
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part in ("", ".", "/"):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _page_list(app_json: dict[str, Any]) -> list[str]:
    pages = app_json.get("pages")
    if not isinstance(pages, list) or not pages:
        raise PackageError('"pages" must be a non-empty list of page paths', "app.json")
    routes: list[str] = []
    for item in pages:
        if not isinstance(item, str) or not item.strip("/"):
            raise PackageError(f'"pages" entry {item!r} is not a page path', "app.json")
        routes.append(item.strip("/"))
    subs = app_json.get("subPackages", app_json.get("subpackages", []))
    if not isinstance(subs, list):
        raise PackageError('"subPackages" must be a list', "app.json")
    for sub in subs:
        if not isinstance(sub, dict) or not isinstance(sub.get("root"), str):
            raise PackageError('each "subPackages" entry needs a "root" string', "app.json")
        sub_pages = sub.get("pages", [])
        if not isinstance(sub_pages, list):
            raise PackageError(f'"pages" of subpackage {sub["root"]!r} must be a list', "app.json")
        for item in sub_pages:
            if not isinstance(item, str):
                raise PackageError(f"subpackage page {item!r} is not a page path", "app.json")
            routes.append(f"{sub['root'].strip('/')}/{item.strip('/')}")
    return routes


def _tab_bar(app_json: dict[str, Any], routes: list[str]) -> list[str]:
    tab_bar = app_json.get("tabBar")
    if tab_bar is None:
        return []
    items = tab_bar.get("list") if isinstance(tab_bar, dict) else None
    if not isinstance(items, list):
        raise PackageError('"tabBar" needs a "list" of items', "app.json")
    out = []
    for item in items:
        page = item.get("pagePath") if isinstance(item, dict) else None
        if not isinstance(page, str):
            raise PackageError('each "tabBar.list" item needs a "pagePath"', "app.json")
        route = page.strip("/")
        if route not in routes:
            raise PackageError(f'tabBar page "{page}" is not listed in "pages"', "app.json")
        out.append(route)
    return out


def _network_timeout(app_json: dict[str, Any]) -> dict[str, int]:
    raw = app_json.get("networkTimeout", {})
    if not isinstance(raw, dict):
        raise PackageError('"networkTimeout" must be an object', "app.json")
    out = {}
    for key in NETWORK_TIMEOUT_KEYS:
        value = raw.get(key, DEFAULT_NETWORK_TIMEOUT_MS)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise PackageError(f'"networkTimeout.{key}" must be a positive number of ms',
                               "app.json")
        # The platform's own default is also its ceiling.
        out[key] = int(min(value, DEFAULT_NETWORK_TIMEOUT_MS))
    return out


def _components(root: Path, owner: str, config: dict[str, Any],
                problems: list[PackageError]) -> list[ComponentRef]:
    """Resolve ``usingComponents`` of ``owner`` (a page/component path without extension).

    A component that cannot be found is left out and added to ``problems``: the page
    still opens without it.
    """
    using = config.get("usingComponents", {})
    json_file = f"{owner}.json"
    if not isinstance(using, dict):
        problems.append(PackageError('"usingComponents" must be an object', json_file))
        return []
    refs = []
    base = PurePosixPath(owner).parent.as_posix()
    for name, target in using.items():
        if not isinstance(target, str) or not target:
            problems.append(PackageError(f'component "{name}" has no path', json_file))
            continue
        if target.startswith(_EXTERNAL_COMPONENT_PREFIXES):
            continue  # plugins and dynamic libraries live outside the app
        joined = target if target.startswith("/") else f"{base}/{target}"
        path = _normalize(joined)
        if path is None:
            problems.append(PackageError(
                f'component "{name}" path {target!r} leaves the app folder', json_file))
            continue
        if not (root / f"{path}.js").is_file():
            if (root / path / "index.js").is_file():
                path = f"{path}/index"
            else:
                problems.append(PackageError(
                    f'component "{name}": file {path}.js not found; it is left out', json_file))
                continue
        refs.append(ComponentRef(name, path))
    return refs


PROJECT_FILES = ("project.swan.json", "project.config.json")
_VERSION_PREFIX = re.compile(r"^(\d+\.\d+\.\d+)")
_DOMAIN_LISTS = ("request", "uploadFile", "downloadFile", "socket")


def _project(root: Path, problems: list[PackageError]) -> ProjectConfig:
    """Read the vendor project file: ``project.swan.json`` as the Baidu devtools write it
    (``appid``, ``appkey``, ``libVersion``, ``setting.urlCheck``, ``appInfo.app_key`` and
    ``appInfo.domains`` synced from the platform console, ``condition`` compile modes,
    ``swan.baiduboxapp.swanJsVersion``), else WeChat's ``project.config.json`` left in a
    converted app. A bad value is a problem naming the file; it is ignored."""
    for file in PROJECT_FILES:
        if (root / file).is_file():
            break
    else:
        return ProjectConfig()
    try:
        data = read_json(root / file, root)
    except PackageError as problem:
        problems.append(problem)
        return ProjectConfig(file=file)
    if not isinstance(data, dict):
        problems.append(PackageError("must be a JSON object", file))
        return ProjectConfig(file=file)
    setting = data.get("setting") if isinstance(data.get("setting"), dict) else {}
    info = data.get("appInfo") if isinstance(data.get("appInfo"), dict) else {}
    url_check = setting.get("urlCheck")
    appid = data.get("appid")
    name = data.get("projectname") or data.get("name") or info.get("app_name")
    appkey = data.get("appkey") or info.get("app_key")
    project = ProjectConfig(
        appid=str(appid) if appid not in (None, "") else None,
        name=str(name) if name else None,
        url_check=url_check if isinstance(url_check, bool) else None,
        appkey=str(appkey) if appkey else None,
        file=file,
    )
    if file == "project.swan.json":
        project.lib_version = _lib_version(data)
    domains = info.get("domains")
    if isinstance(domains, dict):
        for key in _DOMAIN_LISTS:
            entries = domains.get(key)
            if entries is None:
                continue  # the console sends null for a list never filled in
            if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
                problems.append(PackageError(f'"appInfo.domains.{key}" must be a list of '
                                             "domains; ignored", file))
                continue
            project.domains[key] = list(entries)
    project.conditions = _conditions(data.get("condition"))
    return project


def _lib_version(data: dict[str, Any]) -> str | None:
    """``libVersion``, else the devtools' selected ``swanJsVersion`` (``3.190.255-rc``)."""
    candidates = [data.get("libVersion")]
    swan = data.get("swan")
    if isinstance(swan, dict) and isinstance(swan.get("baiduboxapp"), dict):
        candidates.append(swan["baiduboxapp"].get("swanJsVersion"))
    for value in candidates:
        m = _VERSION_PREFIX.match(value) if isinstance(value, str) else None
        if m:
            return m.group(1)
    return None


def _conditions(raw: Any) -> list[Condition]:
    """Compile modes: ``condition.<kind>.list`` items with ``name``, ``pathName``,
    ``query`` (the devtools write ``swan``; WeChat ``miniprogram``)."""
    out: list[Condition] = []
    if not isinstance(raw, dict):
        return out
    for kind in ("swan", "miniprogram", *raw):
        group = raw.get(kind)
        items = group.get("list") if isinstance(group, dict) else None
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("pathName"), str):
                query = item.get("query")
                out.append(Condition(name=str(item.get("name") or item["pathName"]),
                                     path=item["pathName"].strip("/"),
                                     query=query if isinstance(query, str) else ""))
        if out:
            break
    return out


def _modules(root: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        posix = rel.as_posix()
        if path.suffix in (".js", ".json") and path.is_file() and posix not in _NOT_MODULES:
            out.append(posix)
    return out


def _optional(root: Path, stem: str, suffix: str) -> str | None:
    return f"{stem}{suffix}" if (root / f"{stem}{suffix}").is_file() else None


def load_package(root: str | Path) -> AppPackage:
    """Read and validate a mini-program folder; raise PackageError naming the bad file."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise PackageError("app folder not found", str(root))
    if not (root / "app.json").is_file():
        raise PackageError("not a mini-program folder: app.json is missing", str(root))
    app_json = read_json(root / "app.json", root)
    if not isinstance(app_json, dict):
        raise PackageError("must be a JSON object", "app.json")
    if not (root / "app.js").is_file():
        raise PackageError("file not found (every mini-program needs one)", "app.js")
    routes = _page_list(app_json)
    problems: list[PackageError] = []
    broken: dict[str, str] = {}
    global_components = _components(root, "app", app_json, problems)
    pages: dict[str, PageInfo] = {}
    for route in routes:
        if route in pages or route in broken:
            raise PackageError(f'page "{route}" is listed twice', "app.json")
        script = f"{route}.js"
        # A broken page fails alone, when it is opened; the rest of the app runs.
        if not (root / script).is_file():
            problem = PackageError(f'page "{route}" is listed but {script} is missing',
                                   "app.json")
            problems.append(problem)
            broken[route] = problem.reason
            continue
        config: dict[str, Any] = {}
        if (root / f"{route}.json").is_file():
            try:
                loaded = read_json(root / f"{route}.json", root)
                if not isinstance(loaded, dict):
                    raise PackageError("must be a JSON object", f"{route}.json")
            except PackageError as problem:
                problems.append(problem)
                broken[route] = str(problem)
                continue
            config = loaded
        own = _components(root, route, config, problems)
        names = {c.name for c in own}
        pages[route] = PageInfo(
            route=route,
            script=script,
            config=config,
            template=_optional(root, route, ".swan"),
            style=_optional(root, route, ".css"),
            components=[c for c in global_components if c.name not in names] + own,
        )
    return AppPackage(
        root=root,
        app_json=app_json,
        pages=pages,
        tab_bar=_tab_bar(app_json, routes),
        project=_project(root, problems),
        network_timeout_ms=_network_timeout(app_json),
        modules=_modules(root),
        routes=routes,
        broken=broken,
        problems=problems,
    )
