"""ES module syntax in app code runs, rewritten to CommonJS with line numbers kept."""

from __future__ import annotations

from typing import Any

from emulator.runtime.esm import is_module, to_commonjs


def test_rewrite_keeps_line_count_and_detects() -> None:
    """Every rewritten statement spans the lines it did."""
    src = "import {\n  a,\n  b as c\n} from './x';\nexport const y = 1;\nconst z = 2;\n"
    body, epilogue = to_commonjs(src)
    assert body.count("\n") == src.count("\n")
    assert "exports.y = y;" in epilogue
    assert is_module(src)
    assert not is_module("const importer = 1;\nimportData('x');\nvar exporter;")
    assert not is_module("var m = import('./dynamic.js');")


async def test_import_export_forms(run_app: Any) -> None:
    """Default, named, aliased, namespace, side-effect imports; every export form."""
    run = await run_app({
        "utils/math.js": """
export const PI = 3;
export let counter = 1;
export function add(a, b) { return a + b; }
export class Box { constructor(v) { this.v = v; } }
const hidden = 'h';
export { hidden as secret, hidden };
export default function multiply(a, b) { return a * b; }
""",
        "utils/config.js": "export default {name: '配置'};\n",
        "utils/all.js": "export * from './math';\nexport { default as cfg } from './config';\n",
        "utils/side.js": "globalThis.sideEffect = 'ran';\n",
        "utils/legacy.js": "module.exports = {old: true};\n",
        "pages/index/index.js": """
import multiply, { add, PI as pi, Box, secret } from '../../utils/math';
import * as math from '../../utils/math';
import config from '../../utils/config.js';
import { cfg, add as add2 } from '../../utils/all';
import '../../utils/side';
import legacy from '../../utils/legacy';

Page({
    onLoad() {
        console.log(multiply(3, 4), add(1, 2), pi, new Box(5).v, secret, math.counter,
                    math.default === multiply, config.name, cfg.name, add2(2, 2),
                    globalThis.sideEffect, legacy.old);
    }
});
""",
    })
    assert run.errors == []
    assert run.logs == ["12 3 3 5 h 1 true 配置 配置 4 ran true"]


async def test_errors_in_module_files_keep_their_lines(run_app: Any) -> None:
    """A runtime error in an ES module points at its own line."""
    run = await run_app({
        "pages/index/index.js": "import {\n  helper\n} from '../../lib';\n\nPage({\n"
                                " onLoad() {\n   helper({});\n }\n});\n",
        "lib.js": "export function helper(o) {\n  return o.missing.boom;\n}\n",
    })
    [err] = run.errors
    assert (err.error.file, err.error.line) == ("lib.js", 2)
    assert "pages/index/index.js:7" in err.error.stack
