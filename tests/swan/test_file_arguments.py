"""File API options of the wrong type are the app's bad arguments (904, named and quoted as
the JS side quotes them), never an emulator fault ("execution failed" and a traceback)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest


async def test_wrong_types_are_904_not_emulator_faults(run_app: Any,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    """A number as encoding, a string as position, a number or nothing as path."""
    caplog.set_level(logging.WARNING)
    run = await run_app({"pages/index/index.js": """
        var fs = swan.getFileSystemManager();
        var USR = swan.env.USER_DATA_PATH;
        function call(label, method, o) {
            o.fail = function (r) { console.log(JSON.stringify([label, r])); };
            o.success = function (r) { console.log(JSON.stringify([label, 'success'])); };
            fs[method](o);
        }
        fs.writeFile({filePath: USR + '/a.txt', data: 'abc', success: function () {
            call('enc', 'writeFile', {filePath: USR + '/b.txt', data: 'x', encoding: 5});
            call('readEnc', 'readFile', {filePath: USR + '/a.txt', encoding: {}});
            call('pos', 'readFile', {filePath: USR + '/a.txt', position: 'x'});
            call('len', 'readFile', {filePath: USR + '/a.txt', length: 1.5});
            call('num', 'readFile', {filePath: 7});
            call('none', 'readFile', {});
        }});
        Page({});
    """})
    got = dict(json.loads(line) for line in run.logs if line.startswith("["))
    assert got == {
        "enc": {"errCode": 904, "errMsg": "writeFile:fail parameter error: unknown encoding 5"},
        "readEnc": {"errCode": 904, "errMsg": "readFile:fail parameter error: unknown encoding {}"},
        "pos": {"errCode": 904, "errMsg": 'readFile:fail parameter error: position must be a '
                                          'whole number, not "x"'},
        "len": {"errCode": 904, "errMsg": "readFile:fail parameter error: length must be a "
                                          "whole number, not 1.5"},
        "num": {"errCode": 904, "errMsg": "readFile:fail parameter error: invalid path 7"},
        "none": {"errCode": 904, "errMsg": "readFile:fail parameter error: invalid path undefined"},
    }
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not (run.host.sandbox.usr / "b.txt").exists()
