"""The build's hash: a manifest of the bundle's files, written at freeze time, reported by the kiosk."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from common import __version__, build_info


def make_bundle(root: Path) -> Path:
    (root / "_internal" / "common").mkdir(parents=True)
    (root / "exam-client").write_bytes(b"\x7fELF pretend")
    (root / "_internal" / "common" / "kiosk.json").write_text('{"a": 1}', "utf-8")
    (root / "_internal" / "libQt6Core.so.6").write_bytes(b"qt")
    os.symlink("libQt6Core.so.6", root / "_internal" / "libQt6Core.so")
    return root


def test_the_hash_is_the_sha256_of_a_sha256sum_manifest(tmp_path: Path) -> None:
    root = make_bundle(tmp_path / "exam-client")
    info = build_info.write_build_info(root, "exam-client", {"platform": "linux-x86_64"})
    text = (root / build_info.MANIFEST_NAME).read_text("utf-8")
    assert info["build_hash"] == hashlib.sha256(text.encode()).hexdigest()
    lines = text.splitlines()
    assert lines == sorted(lines, key=lambda line: line.split("  ", 1)[1])
    assert f"{hashlib.sha256(b'qt').hexdigest()}  _internal/libQt6Core.so.6" in lines
    assert "link:libQt6Core.so.6  _internal/libQt6Core.so" in lines  # a link is not followed
    assert info["files"] == 4 and info["version"] == __version__
    on_disk = json.loads((root / build_info.BUILD_INFO_NAME).read_text("utf-8"))
    assert on_disk == info
    # Standard tools agree with us on the files (the link line aside).
    files_only = "".join(line + "\n" for line in lines if not line.startswith("link:"))
    done = subprocess.run(["sha256sum", "--check", "--quiet", "-"], input=files_only, text=True,
                          cwd=root, capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_verify_names_a_changed_file(tmp_path: Path) -> None:
    root = make_bundle(tmp_path / "b")
    build_info.write_build_info(root, "exam-client")
    assert build_info.verify(root)["ok"]
    (root / "_internal" / "common" / "kiosk.json").write_text('{"a": 2}', "utf-8")
    (root / "_internal" / "extra.so").write_bytes(b"x")
    result = build_info.verify(root)
    assert not result["ok"] and result["actual"] != result["expected"]
    assert result["changed"] == ["_internal/common/kiosk.json", "_internal/extra.so"]


def test_same_files_same_hash_wherever_they_are(tmp_path: Path) -> None:
    a = build_info.write_build_info(make_bundle(tmp_path / "one"), "x")["build_hash"]
    b = build_info.write_build_info(make_bundle(tmp_path / "two" / "deeper"), "x")["build_hash"]
    assert a == b
    (tmp_path / "two" / "deeper" / "exam-client").write_bytes(b"\x7fELF other")
    assert build_info.write_build_info(tmp_path / "two" / "deeper", "x")["build_hash"] != a


def test_from_source_the_hash_covers_the_packages_and_ignores_pycache(tmp_path: Path) -> None:
    for package in build_info.SOURCE_PACKAGES:
        (tmp_path / package / "__pycache__").mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text("", "utf-8")
    first = build_info.source_hash.__wrapped__(tmp_path)
    (tmp_path / "common" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"whatever")
    assert build_info.source_hash.__wrapped__(tmp_path) == first
    (tmp_path / "exam_client" / "app.py").write_text("x = 1\n", "utf-8")
    assert build_info.source_hash.__wrapped__(tmp_path) != first
    # This checkout: the kiosk reports a stable 64-digit hash and says where it comes from.
    assert len(build_info.build_hash()) == 64
    assert build_info.describe("exam-client").endswith("(source)")


@pytest.fixture
def frozen_bundle(tmp_path: Path, monkeypatch):
    """Pretend to be PyInstaller's frozen kiosk (sys.frozen, sys.executable in the bundle)."""
    root = make_bundle(tmp_path / "exam-client")
    info = build_info.write_build_info(root, "exam-client", {"platform": "linux-x86_64"})
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(root / "exam-client"))
    build_info.frozen_info.cache_clear()
    yield root, info
    build_info.frozen_info.cache_clear()


def test_a_frozen_kiosk_reports_the_bundles_hash(frozen_bundle) -> None:
    root, info = frozen_bundle
    assert build_info.build_hash() == info["build_hash"]
    assert build_info.describe("exam-client") == (
        f"exam-client {__version__} build {info['build_hash']} (frozen, linux-x86_64)")
    from exam_client.engine import kiosk as engine

    engine.build_hash.cache_clear()
    try:
        assert engine.build_hash() == info["build_hash"]  # what the kiosk sends when it registers
    finally:
        engine.build_hash.cache_clear()


def test_a_frozen_bundle_without_build_info_says_so(frozen_bundle) -> None:
    root, _ = frozen_bundle
    (root / build_info.BUILD_INFO_NAME).unlink()
    build_info.frozen_info.cache_clear()
    assert "build unknown" in build_info.describe("exam-client")


def test_version_option_prints_the_build(capsys) -> None:
    from exam_client.cli import main

    assert main(["--version"]) == 0  # the runner returns argparse's exit code (docs/cli.md)
    out = capsys.readouterr().out.strip()
    assert out == f"exam-client {__version__} build {build_info.build_hash()} (source)"


def load_build_script():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "packaging" / "build.py"
    spec = importlib.util.spec_from_file_location("cbt_packaging_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_archives_depend_only_on_the_files(tmp_path: Path) -> None:
    build = load_build_script()
    one = make_bundle(tmp_path / "a" / "exam-client")
    two = make_bundle(tmp_path / "b" / "exam-client")
    os.utime(two / "exam-client", (1_000_000, 1_000_000))  # another build time, another owner-less copy
    os.chmod(two / "_internal" / "common" / "kiosk.json", 0o600)
    first = build._archive(one, tmp_path / "one.tar.gz", 1_767_225_600)
    second = build._archive(two, tmp_path / "two.tar.gz", 1_767_225_600)
    assert first.read_bytes() == second.read_bytes()
    third = build._archive(two, tmp_path / "three.tar.gz", 1_767_225_601)
    assert third.read_bytes() != first.read_bytes()


def test_the_reproducibility_check_names_what_differs(tmp_path: Path) -> None:
    build = load_build_script()
    for side in ("first", "second"):
        write_root = make_bundle(tmp_path / side / "exam-client")
        build_info.write_build_info(write_root, "exam-client",
                                    {"source_hash": "s", "source_date_epoch": 1})
    report = build.compare(tmp_path / "first", tmp_path / "second", ["exam-client"])
    assert report["apps"]["exam-client"]["identical"] and report["apps"]["exam-client"]["same_source"]
    (tmp_path / "second" / "exam-client" / "exam-client").write_bytes(b"\x7fELF other")
    report = build.compare(tmp_path / "first", tmp_path / "second", ["exam-client"])
    assert report["apps"]["exam-client"]["differing"] == ["exam-client"]
