"""CommonJS require inside an app: resolution, caching, cycles, JSON, errors."""

from __future__ import annotations

from typing import Any


def app(page_js: str, **files: str) -> dict[str, Any]:
    """The index page's JS plus files named like ``lib__a_js`` (for ``lib/a.js``)."""
    def path(key: str) -> str:
        stem, _, ext = key.rpartition("_")
        return f"{stem.replace('__', '/')}.{ext}"

    return {"pages/index/index.js": page_js, **{path(k): v for k, v in files.items()}}


async def test_relative_json_index_and_cache(run_app: Any) -> None:
    """./ and ../ paths, .json files, folder index.js, and one instance per module."""
    run = await run_app(app(
        """
        var a = require('../../lib/a');
        var a2 = require('../../lib/a.js');
        var data = require('../../lib/data.json');
        var pkg = require('../../lib/pkg');
        var abs = require('/lib/a');
        console.log(a.name, a === a2, a === abs, data.list.length, pkg.kind, a.loads());
        Page({});
        """,
        lib__a_js="var n = 0; n++; exports.name = 'a'; exports.loads = function () { return n; };",
        lib__data_json='{"list": [1, 2, 3]}',
        lib__pkg__index_js="module.exports = {kind: 'index'};",
    ))
    assert run.logs == ["a true true 3 index 1"]


async def test_bare_name_resolves_next_to_file_then_npm_then_root(run_app: Any) -> None:
    """A bare name finds a sibling file, then miniprogram_npm, then the app root."""
    run = await run_app(app(
        """
        console.log(require('sibling').v, require('lodashish').v, require('utils/u').v);
        Page({});
        """,
        pages__index__sibling_js="exports.v = 'sibling';",
        miniprogram_npm__lodashish__index_js="exports.v = 'npm';",
        utils__u_js="exports.v = 'root';",
    ))
    assert run.logs == ["sibling npm root"]


async def test_cycles_see_partial_exports_like_node(run_app: Any) -> None:
    """a requires b requires a: b sees a's exports as they were at that moment."""
    run = await run_app(app(
        "var a = require('../../a'); console.log(a.done, a.bSawA); Page({});",
        a_js="exports.done = false; var b = require('./b'); exports.bSawA = b.sawDone;"
             " exports.done = true;",
        b_js="var a = require('./a'); exports.sawDone = String(a.done);",
    ))
    assert run.logs == ["true false"]


async def test_module_scope_and_this(run_app: Any) -> None:
    """Top-level vars stay in the module; `this` is module.exports; __filename is set."""
    run = await run_app(app(
        "var m = require('../../m'); console.log(typeof secret, m.same, m.file); Page({});",
        m_js="var secret = 1; exports.same = (this === module.exports); exports.file = __filename;",
    ))
    assert run.logs == ["undefined true m.js"]


async def test_missing_module_is_a_clear_error(run_app: Any) -> None:
    """require of a missing file throws 'Cannot find module' naming both files."""
    run = await run_app(app(
        "try { require('./nope'); } catch (e) { console.log(e.message); } Page({});"))
    assert run.logs == ["Cannot find module './nope' from 'pages/index/index.js'"]


async def test_require_outside_app_root_is_not_found(run_app: Any) -> None:
    """A path climbing above the app root resolves to nothing."""
    run = await run_app(app(
        "try { require('../../../../etc/passwd'); } catch (e) { console.log('refused'); }"
        " Page({});"))
    assert run.logs == ["refused"]


async def test_syntax_error_in_required_module_names_its_file(run_app: Any) -> None:
    """A broken module fails at require time with its own file:line:col."""
    run = await run_app(app(
        "try { require('../../broken'); } catch (e) { console.log(e.name, e.message); }"
        " Page({});",
        broken_js="var ok = 1;\nvar bad = ;\n",
    ))
    assert run.logs == ["SyntaxError unexpected token in expression: ';' (at broken.js:2:11)"]


async def test_unused_broken_file_does_not_stop_the_app(run_app: Any) -> None:
    """A file nobody requires may be broken; the app still runs."""
    run = await run_app(app("console.log('fine'); Page({});", tools__old_js="function ("))
    assert run.logs == ["fine"]
    assert run.errors == []


async def test_module_that_throws_is_not_cached(run_app: Any) -> None:
    """A module whose body throws is retried on the next require, as in Node."""
    run = await run_app(app(
        """
        globalThis.attempt = 0;
        try { require('../../flaky'); } catch (e) { console.log('first:', e.message); }
        console.log('second:', require('../../flaky').ok);
        Page({});
        """,
        flaky_js="attempt++; if (attempt === 1) throw new Error('not yet'); exports.ok = attempt;",
    ))
    assert run.logs == ["first: not yet", "second: 2"]


async def test_json_with_nan_is_an_invalid_json_module(run_app: Any) -> None:
    """NaN and Infinity, which Python reads and JSON has not, make a .json module fail at
    require time as invalid JSON, as the platform's compiler refuses it."""
    run = await run_app(app(
        "try { require('../../lib/bad.json'); } catch (e) { console.log(e.message); }"
        " console.log(require('../../lib/good.json').n); Page({});",
        lib__bad_json='{"n": NaN}',
        lib__good_json='{"n": 1}',
    ))
    assert run.logs == ["invalid JSON in lib/bad.json: NaN is not a JSON value", "1"]
