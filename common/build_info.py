"""Which build is running: the frozen bundle's hash (fixed at freeze time) or the source tree's.

A frozen bundle (a PyInstaller onedir made by ``packaging/build.py``) carries ``build-info.json``
next to its executables. Its ``build_hash`` is the SHA-256 of the bundle's manifest: one line
``<sha256 of the file>  <path relative to the bundle>`` per file, sorted by path, every file of the
bundle except ``build-info.json`` itself (the format of ``sha256sum``, so the manifest can be checked
with standard tools). Two builds of the same source with the same tools give the same hash.

The kiosk reports ``build_hash()`` when it registers with the room server; the representative's
readiness screen shows a kiosk that runs a different build. Run from a source checkout, the hash
covers the files of the four Python packages instead, so a developer's kiosk reports something
stable too (but never the hash of a release).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from common import __version__

BUILD_INFO_NAME = "build-info.json"
SOURCE_PACKAGES = ("common", "exam_client", "proctor_console", "central_scorer")
_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest(root: Path, exclude: Iterable[str] = (BUILD_INFO_NAME,)) -> list[tuple[str, str]]:
    """``(sha256, relative path)`` of every file under ``root``, sorted by path.

    A symbolic link is recorded by where it points (``link:<target>``), not followed, so a bundle's
    hash does not depend on what lies outside it. ``__pycache__`` folders are left out: Python
    writes them when it pleases.
    """
    skip = set(exclude)
    rows: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        base = Path(dirpath)
        for name in sorted(filenames) + [d for d in dirnames if (base / d).is_symlink()]:
            path = base / name
            rel = path.relative_to(root).as_posix()
            if rel in skip or path.suffix in _SKIP_SUFFIXES:
                continue
            if path.is_symlink():
                rows.append(("link:" + os.readlink(path), rel))
            else:
                rows.append((file_sha256(path), rel))
    rows.sort(key=lambda row: row[1])
    return rows


def manifest_text(rows: Sequence[tuple[str, str]]) -> str:
    return "".join(f"{digest}  {rel}\n" for digest, rel in rows)


def tree_hash(rows: Sequence[tuple[str, str]]) -> str:
    """The SHA-256 of the manifest's text: one hash for a whole tree of files."""
    return hashlib.sha256(manifest_text(rows).encode("utf-8")).hexdigest()


def frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def bundle_root() -> Path | None:
    """The folder of the running frozen bundle (where its executables are), or None from source."""
    return Path(sys.executable).resolve().parent if frozen() else None


def source_root() -> Path:
    return Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def frozen_info() -> dict[str, Any] | None:
    """The frozen bundle's ``build-info.json``, or None when running from source (or when a bundle
    was built without it, which ``packaging/build.py`` never does)."""
    root = bundle_root()
    if root is None:
        return None
    path = root / BUILD_INFO_NAME
    try:
        info = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("build_hash"), str) else None


@lru_cache(maxsize=1)
def source_hash(root: Path | None = None) -> str:
    """The hash of the Python packages' files (sources and data) in a source checkout."""
    root = root or source_root()
    rows = []
    for package in SOURCE_PACKAGES:
        if (root / package).is_dir():
            rows += [(digest, f"{package}/{rel}") for digest, rel in manifest(root / package)]
    return tree_hash(rows)


def build_hash() -> str:
    """What the kiosk reports to the room: the frozen build's hash, else the source tree's."""
    info = frozen_info()
    if info is not None:
        return str(info["build_hash"])
    return source_hash()


def describe(prog: str) -> str:
    """One line for ``--version``: program, version, build hash and where it comes from."""
    info = frozen_info()
    if info is not None:
        return (f"{prog} {info.get('version', __version__)} build {info['build_hash']} "
                f"(frozen, {info.get('platform', sys.platform)})")
    if frozen():
        return f"{prog} {__version__} build unknown (frozen without {BUILD_INFO_NAME})"
    return f"{prog} {__version__} build {source_hash()} (source)"


class VersionAction(argparse.Action):
    """``--version`` that prints `describe` (the hash is computed only when asked)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str = "show the version and build hash"):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0,
                         help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        print(describe(parser.prog), flush=True)  # stdout, as argparse's own "version" does
        parser.exit()


def verify(root: Path) -> dict[str, Any]:
    """Recompute a bundle's hash and compare it with its ``build-info.json``.

    Returns ``{"ok", "expected", "actual", "changed"}``; ``changed`` names the files whose hash
    differs from the manifest written at build time (``build-manifest.sha256``, when present).
    """
    info_path = root / BUILD_INFO_NAME
    try:
        info = json.loads(info_path.read_text("utf-8"))
        expected = str(info["build_hash"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {"ok": False, "expected": None, "actual": None, "changed": [],
                "error": f"{info_path}: {exc}"}
    rows = manifest(root, exclude=(BUILD_INFO_NAME, MANIFEST_NAME))
    actual = tree_hash(rows)
    changed: list[str] = []
    recorded = root / MANIFEST_NAME
    if actual != expected and recorded.is_file():
        then = dict((rel, digest) for digest, rel in _parse_manifest(recorded.read_text("utf-8")))
        now = dict((rel, digest) for digest, rel in rows)
        changed = sorted(rel for rel in set(then) | set(now) if then.get(rel) != now.get(rel))
    return {"ok": actual == expected, "expected": expected, "actual": actual, "changed": changed}


MANIFEST_NAME = "build-manifest.sha256"


def _parse_manifest(text: str) -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        digest, sep, rel = line.partition("  ")
        if not sep:
            raise ValueError(f"{MANIFEST_NAME} line {number}: expected '<sha256>  <path>'")
        rows.append((digest, rel))
    return rows


def write_build_info(root: Path, app: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """At freeze time: hash the bundle and write ``build-info.json`` and the manifest into it."""
    from common.durable import write_durably

    rows = manifest(root, exclude=(BUILD_INFO_NAME, MANIFEST_NAME))
    info: dict[str, Any] = {
        "app": app,
        "version": __version__,
        "build_hash": tree_hash(rows),
        "files": len(rows),
        "bytes": sum((root / rel).stat().st_size for digest, rel in rows
                     if not digest.startswith("link:")),
        "source_hash": source_hash(),
        **(extra or {}),
    }
    write_durably(root / MANIFEST_NAME, manifest_text(rows).encode("utf-8"))
    write_durably(root / BUILD_INFO_NAME,
                  (json.dumps(info, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return info
