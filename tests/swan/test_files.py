"""The app's sandboxed files: virtual paths, escapes refused, file APIs, chooseImage."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from emulator.app.package import load_package
from emulator.app.sandbox import Sandbox
from emulator.swan.files import AppFiles, Area, FileAccessError
from tests.conftest import write_app

HELPERS = """
function log(label, kind, payload) { console.log(JSON.stringify([label, kind, payload])); }
function cb(label, o) {
    o = o || {};
    o.success = function (r) { log(label, 'success', r); };
    o.fail = function (r) { log(label, 'fail', r); };
    return o;
}
var fs = swan.getFileSystemManager();
var USR = swan.env.USER_DATA_PATH;
"""


def results(logs: list[str]) -> dict[str, tuple[str, Any]]:
    out = {}
    for line in logs:
        if line.startswith("["):
            label, kind, payload = json.loads(line)
            out[label] = (kind, payload)
    return out


@pytest.fixture
def files(tmp_path: Path) -> AppFiles:
    root = write_app(tmp_path / "app", {})
    sandbox = Sandbox(tmp_path / "data", load_package(root))
    sandbox.open()
    return AppFiles(sandbox)


ESCAPES = [
    "/etc/passwd",
    "file:///etc/passwd",
    "../../etc/passwd",
    "bdfile://usr/../../etc/passwd",
    "bdfile://usr/a/../../..",
    "bdfile://usr/%2e%2e/%2e%2e/etc/passwd",
    "bdfile://usr/%2E%2E/x",
    "bdfile://usr/a%2f..%2f..%2fx",
    "bdfile://usr/a\\..\\..\\x",
    "bdfile://usr/./x",
    "bdfile://usr//etc/passwd",
    "bdfile://tmp_../x",
    "bdfile://tmp_a/../../x",
    "bdfile://store_x/../../y",
    "bdfile://tmp_",
    "bdfile:///etc/passwd",
    "bdfile://etc/passwd",
    "BDFILE://usr/x",
    "bdfile://usr/x\x00.txt",
    "bdfile://usr/line\nbreak",
    "bdfile://usr/" + "a" * 2000,
    "~/x",
    "x.txt",
    "",
]


@pytest.mark.parametrize("path", ESCAPES, ids=[repr(p)[:40] for p in ESCAPES])
def test_escapes_are_refused(files: AppFiles, path: str) -> None:
    """Every path that is not the app's own, or climbs out, is refused before any I/O."""
    with pytest.raises(FileAccessError) as info:
        files.resolve(path)
    assert info.value.code == 904


def test_symlinks_out_of_the_sandbox_are_refused(files: AppFiles, tmp_path: Path) -> None:
    """A symlink inside the user folder that points outside cannot be followed."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    usr = files.root(Area.USR)
    os.symlink(outside, usr / "link-dir")
    os.symlink(outside / "secret.txt", usr / "link-file")
    for path in ("bdfile://usr/link-dir/secret.txt", "bdfile://usr/link-file",
                 "bdfile://usr/link-dir/new.txt"):
        with pytest.raises(FileAccessError, match="outside the app folder"):
            files.resolve(path)


def test_good_paths_map_into_the_sandbox(files: AppFiles) -> None:
    """The three areas map to their folders; virtual() maps back."""
    f = files.resolve("bdfile://usr/a/b.txt")
    assert f.area is Area.USR and f.host == files.root(Area.USR) / "a" / "b.txt"
    assert files.virtual(Area.USR, f.host) == "bdfile://usr/a/b.txt"
    assert files.resolve("bdfile://usr").host == files.root(Area.USR)
    assert files.resolve("bdfile://tmp_abc.png").host == files.root(Area.TMP) / "tmp_abc.png"
    assert files.resolve("bdfile://store_1").area is Area.STORE
    with pytest.raises(FileAccessError, match="only bdfile://usr is writable"):
        files.writable("bdfile://tmp_abc.png")


async def test_escapes_through_the_api_write_nothing_outside(run_app: Any, tmp_path: Path) -> None:
    """writeFile/mkdir/downloads with escaping paths fail; nothing appears outside."""
    before = {p for p in tmp_path.rglob("*")}
    run = await run_app({"pages/index/index.js": HELPERS + """
        var bad = ['/tmp/evil.txt', 'bdfile://usr/../evil.txt', 'bdfile://usr/%2e%2e/evil.txt',
                   'bdfile://tmp_evil.txt', 'bdfile://usr/a\\\\..\\\\..\\\\evil.txt'];
        bad.forEach(function (p, i) {
            fs.writeFile(cb('w' + i, {filePath: p, data: 'x'}));
            fs.mkdir(cb('m' + i, {dirPath: p + '.d'}));
        });
        Page({});
    """})
    res = results(run.logs)
    assert len(res) == 10 and all(kind == "fail" for kind, _ in res.values())
    after = {p for p in tmp_path.rglob("*")}
    sandbox = run.host.sandbox.root
    new = [p for p in after - before if sandbox not in p.parents and p != sandbox]
    assert [p for p in new if "evil" in p.name] == []


async def test_file_system_manager(run_app: Any) -> None:
    """write/read in each encoding, append, mkdir -p, readdir, stat, rename, copy, unlink."""
    run = await run_app({"pages/index/index.js": HELPERS + """
        var steps = [
            function (next) { fs.mkdir(cb('mkdir', {dirPath: USR + '/d/e', recursive: true, complete: next})); },
            function (next) { fs.writeFile(cb('write', {filePath: USR + '/d/e/t.txt', data: '你好', encoding: 'utf8', complete: next})); },
            function (next) { fs.appendFile(cb('append', {filePath: USR + '/d/e/t.txt', data: '!', complete: next})); },
            function (next) { fs.readFile(cb('read', {filePath: USR + '/d/e/t.txt', encoding: 'utf8', complete: next})); },
            function (next) { fs.readFile(cb('read64', {filePath: USR + '/d/e/t.txt', encoding: 'base64', complete: next})); },
            function (next) { fs.writeFile(cb('writebin', {filePath: USR + '/b.bin', data: new Uint8Array([0, 1, 255]).buffer, complete: next})); },
            function (next) { fs.readFile({filePath: USR + '/b.bin', success: function (r) {
                log('readbin', 'success', Array.from(new Uint8Array(r.data))); }, complete: next}); },
            function (next) { fs.readFile(cb('hex', {filePath: USR + '/b.bin', encoding: 'hex', complete: next})); },
            function (next) { fs.readdir(cb('readdir', {dirPath: USR, complete: next})); },
            function (next) { fs.stat({path: USR + '/d', success: function (r) {
                log('stat', 'success', [r.stats.isDirectory(), r.stats.isFile()]); }, complete: next}); },
            function (next) { fs.copyFile(cb('copy', {srcPath: USR + '/b.bin', destPath: USR + '/c.bin', complete: next})); },
            function (next) { fs.rename(cb('rename', {oldPath: USR + '/c.bin', newPath: USR + '/d/c2.bin', complete: next})); },
            function (next) { fs.unlink(cb('unlink', {filePath: USR + '/b.bin', complete: next})); },
            function (next) { fs.access(cb('access', {path: USR + '/b.bin', complete: next})); },
            function (next) { fs.rmdir(cb('rmdir', {dirPath: USR + '/d', recursive: true, complete: next})); },
            function (next) { fs.readdir(cb('after', {dirPath: USR, complete: next})); },
            function (next) {
                try { fs.readFileSync(USR + '/x'); } catch (e) { log('sync', 'threw', e.message); }
                next();
            },
        ];
        (function run(i) { if (i < steps.length) steps[i](function () { run(i + 1); }); })(0);
        Page({});
    """})
    r = results(run.logs)
    assert r["read"] == ("success", {"data": "你好!", "errMsg": "readFile:ok"})
    assert r["read64"][1]["data"] == "5L2g5aW9IQ=="
    assert r["readbin"] == ("success", [0, 1, 255])
    assert r["hex"][1]["data"] == "0001ff"
    assert r["readdir"][1]["files"] == ["b.bin", "d"]
    assert r["stat"] == ("success", [True, False])
    assert r["access"][0] == "fail" and "no such file" in r["access"][1]["errMsg"]
    assert r["after"][1]["files"] == []
    assert all(r[k][0] == "success" for k in ("mkdir", "write", "append", "writebin", "copy",
                                             "rename", "unlink", "rmdir"))
    assert r["sync"] == ["threw", 'readFileSync:fail no such file or directory "bdfile://usr/x"'] \
        or r["sync"] == ("threw", 'readFileSync:fail no such file or directory "bdfile://usr/x"')


async def test_choose_save_list_info_remove(run_app: Any, tmp_path: Path) -> None:
    """chooseImage copies into temp; saveFile keeps it; list, info and remove work."""
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG fake image")
    from emulator.config import Settings

    run = await run_app({"pages/index/index.js": HELPERS + """
        swan.chooseImage({success: function (r) {
            log('chosen', 'success', r);
            swan.getFileInfo(cb('info', {filePath: r.tempFilePaths[0], digestAlgorithm: 'sha1'}));
            swan.saveFile({tempFilePath: r.tempFilePaths[0], success: function (s) {
                log('saved', 'success', s);
                swan.getSavedFileList({success: function (l) {
                    log('list', 'success', l.fileList.map(function (f) { return [f.filePath, f.size]; }));
                    swan.removeSavedFile(cb('remove', {filePath: s.savedFilePath}));
                    swan.saveFile(cb('again', {tempFilePath: r.tempFilePaths[0]}));
                }});
            }});
            swan.chooseImage(cb('none-left'));
        }});
        Page({});
    """}, Settings(choose_files=[photo]))
    r = results(run.logs)
    chosen = r["chosen"][1]
    [temp] = chosen["tempFilePaths"]
    assert temp.startswith("bdfile://tmp_") and temp.endswith(".png")
    assert chosen["tempFiles"] == [{"path": temp, "size": photo.stat().st_size}]
    assert r["info"][1]["size"] == photo.stat().st_size and len(r["info"][1]["digest"]) == 40
    saved = r["saved"][1]["savedFilePath"]
    assert saved.startswith("bdfile://store_")
    assert r["list"][1] == [[saved, photo.stat().st_size]]
    assert r["remove"][0] == "success"
    assert r["again"][0] == "fail"  # the temp file moved into the store
    assert r["none-left"] == ("fail", {"errCode": 1001, "errMsg": "chooseImage:fail cancel"})


async def test_temp_files_removed_on_close_saved_kept(run_app: Any, tmp_path: Path) -> None:
    """Temp files live for one run; the user folder persists."""
    run = await run_app({"pages/index/index.js": HELPERS + """
        fs.writeFile(cb('w', {filePath: USR + '/keep.txt', data: 'k'}));
        Page({});
    """})
    (run.host.sandbox.tmp / "tmp_leftover").write_text("x")
    usr = run.host.sandbox.usr
    await run.host.close()
    assert not run.host.sandbox.tmp.exists()
    assert (usr / "keep.txt").read_text() == "k"


async def test_sync_file_system_forms(run_app: Any, tmp_path: Path) -> None:
    """The *Sync forms: read from the mirror, write through to the host, same path rules."""
    from emulator.config import Settings

    photo = tmp_path / "p.png"
    photo.write_bytes(bytes(range(256)) * 10)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (2 * 1024 * 1024))
    run = await run_app({"pages/index/index.js": HELPERS + """
        function attempt(label, fn) {
            try { log(label, 'ok', fn()); } catch (e) { log(label, 'threw', e.message); }
        }
        attempt('mkdir', function () { fs.mkdirSync(USR + '/a/b', true); });
        attempt('write', function () { fs.writeFileSync(USR + '/a/b/t.txt', '你好, sync', 'utf8'); });
        attempt('append', function () { fs.appendFileSync(USR + '/a/b/t.txt', '!'); });
        attempt('read', function () { return fs.readFileSync(USR + '/a/b/t.txt', 'utf8'); });
        attempt('read64', function () { return fs.readFileSync(USR + '/a/b/t.txt', 'base64'); });
        attempt('readdir', function () { return fs.readdirSync(USR + '/a'); });
        attempt('stat', function () { var s = fs.statSync(USR + '/a'); return [s.isDirectory(), s.isFile()]; });
        attempt('escape', function () { fs.writeFileSync(USR + '/../evil.txt', 'x'); });
        attempt('tmpwrite', function () { fs.writeFileSync('bdfile://tmp_x', 'x'); });
        attempt('nodir', function () { fs.writeFileSync(USR + '/none/x.txt', 'x'); });
        attempt('copy', function () { fs.copyFileSync(USR + '/a/b/t.txt', USR + '/c.txt'); return fs.readFileSync(USR + '/c.txt', 'utf8'); });
        attempt('rename', function () { fs.renameSync(USR + '/c.txt', USR + '/d.txt'); return fs.readdirSync(USR); });
        attempt('unlink', function () { fs.unlinkSync(USR + '/d.txt'); fs.accessSync(USR + '/d.txt'); });
        swan.chooseImage({count: 2, success: function (r) {
            attempt('chosen', function () {
                var b = new Uint8Array(fs.readFileSync(r.tempFilePaths[0]));
                return [b.length, b[0], b[255], b[256]];
            });
            attempt('big', function () { return fs.readFileSync(r.tempFilePaths[1]).byteLength; });
            swan.downloadFile({url: 'https://nowhere.invalid/x', fail: function () {}});
        }});
        Page({});
    """}, Settings(choose_files=[photo, big]))
    r = results(run.logs)
    assert r["mkdir"][0] == "ok" and r["write"][0] == "ok" and r["append"][0] == "ok"
    assert r["read"] == ("ok", "你好, sync!")
    assert r["read64"][1] == "5L2g5aW9LCBzeW5jIQ=="
    assert r["readdir"] == ("ok", ["b"])
    assert r["stat"] == ("ok", [True, False])
    assert r["escape"][0] == "threw" and "escapes the app folder" in r["escape"][1]
    assert r["tmpwrite"][0] == "threw" and "only bdfile://usr is writable" in r["tmpwrite"][1]
    assert r["nodir"][0] == "threw" and "no such file or directory" in r["nodir"][1]
    assert r["copy"] == ("ok", "你好, sync!")
    assert r["rename"] == ("ok", ["a", "d.txt"])
    assert r["unlink"][0] == "threw" and "no such file" in r["unlink"][1]
    assert r["chosen"] == ("ok", [2560, 0, 255, 0])
    assert r["big"][0] == "threw" and "too large for a synchronous read" in r["big"][1]
    # Written through to the host, byte for byte.
    usr = run.host.sandbox.usr
    assert (usr / "a" / "b" / "t.txt").read_text(encoding="utf-8") == "你好, sync!"
    assert not (usr / "d.txt").exists() and not (usr.parent / "evil.txt").exists()
    assert run.warnings == []  # the host agreed with every write


async def test_sync_write_refused_by_host_is_reported(run_app: Any, tmp_path: Path) -> None:
    """The mirror can be stale (a folder made behind the app's back): the host refuses the
    write, the console says so, and the mirror is put right."""
    run = await run_app({"pages/index/index.js": HELPERS + """
        globalThis.tryWrite = function () {
            try { fs.writeFileSync(USR + '/x', 'data'); log('write', 'returned', null); }
            catch (e) { log('write', 'threw', e.message); }
            setTimeout(function () {
                log('after', 'dir', fs.statSync(USR + '/x').isDirectory());
            }, 50);
        };
        Page({});
    """})
    (run.host.sandbox.usr / "x").mkdir()  # not in the mirror
    run.host.evaluate("tryWrite()")
    await run.idle()
    r = results(run.logs)
    assert r["write"][0] == "returned"  # a sync call cannot wait for the host
    assert any("writeFileSync: the host could not complete it" in w for w in run.warnings)
    assert r["after"] == ("dir", True)
