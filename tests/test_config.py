"""Settings are checked when they load: paths relative to the settings file, bad ones named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import trustme

from emulator.config import load_settings
from emulator.errors import ConfigError
from tests.conftest import write_app
from tests.test_cli import REPO


def test_ca_file_is_relative_to_the_settings_file(tmp_path: Path) -> None:
    """"caFile": "certs/ca.pem" means next to swan-emulator.json, wherever the run starts."""
    root = write_app(tmp_path / "app", {"swan-emulator.json": {"caFile": "certs/ca.pem"}})
    (root / "certs").mkdir()
    trustme.CA().cert_pem.write_to_path(str(root / "certs" / "ca.pem"))
    assert load_settings(root).ca_file == root / "certs" / "ca.pem"


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "is not a file"),
    ("not a certificate", "holds no usable PEM certificate"),
])
def test_a_bad_ca_file_is_a_settings_error(tmp_path: Path, content: str | None,
                                           fragment: str) -> None:
    """A missing or unusable caFile fails at load, naming the key and the path."""
    root = write_app(tmp_path / "app", {"swan-emulator.json": {"caFile": "ca.pem"}})
    if content is not None:
        (root / "ca.pem").write_text(content)
    with pytest.raises(ConfigError, match='"caFile"') as info:
        load_settings(root)
    assert fragment in str(info.value) and str(root / "ca.pem") in str(info.value)


def test_bad_ca_file_exits_2_from_anywhere(tmp_path: Path) -> None:
    """Run from another folder: a bad caFile is status 2 with the key, never a run whose
    requests all fail with tracebacks."""
    root = write_app(tmp_path / "app", {"swan-emulator.json": json.dumps({"caFile": "nope.pem"})})
    result = subprocess.run([sys.executable, "-m", "emulator", "run", str(root)],
                            capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert result.returncode == 2
    assert '"caFile"' in result.stderr and "Traceback" not in result.stderr
    plain = write_app(tmp_path / "plain", {})
    flag = subprocess.run([sys.executable, "-m", "emulator", "run", str(plain),
                           "--ca-file", "missing.pem"], capture_output=True, text=True,
                          timeout=30, cwd=REPO)
    assert flag.returncode == 2 and "--ca-file" in flag.stderr
    assert "Traceback" not in flag.stderr


def test_device_is_checked_and_named(tmp_path: Path) -> None:
    """"device" takes a known phone; an unknown one is an error that lists them."""
    path = tmp_path / "swan-emulator.json"
    path.write_text(json.dumps({"device": "Pixel 5"}))
    assert load_settings(tmp_path, path).device == "Pixel 5"
    path.write_text(json.dumps({"device": "Nokia 3310"}))
    with pytest.raises(ConfigError, match=r"unknown device .Nokia 3310. .*iPhone X"):
        load_settings(tmp_path, path)


def test_every_problem_of_a_settings_file_is_named_at_once(tmp_path: Path) -> None:
    """A file with several mistakes names them all, a line each, in the file's order of
    checks, and `run` prints each line and exits 2."""
    settings = {"domian": {}, "networkType": "6g", "scriptTimeLimit": -1,
                "device": "nokia", "urlCheck": True}
    root = write_app(tmp_path / "app", {"swan-emulator.json": json.dumps(settings)})
    with pytest.raises(ConfigError) as caught:
        load_settings(root)
    lines = str(caught.value).splitlines()
    assert len(lines) == 4, lines
    assert 'unknown key "domian" (did you mean "domains"?)' in lines[0]
    assert '"device"' in lines[1] and '"networkType"' in lines[2]
    assert '"scriptTimeLimit" must be positive' in lines[3]
    result = subprocess.run([sys.executable, "-m", "emulator", "run", str(root)],
                            capture_output=True, text=True, timeout=30, cwd=REPO)
    assert result.returncode == 2
    assert [line.startswith("swan-emulator: ") for line in result.stderr.splitlines()] == \
        [True] * 4
