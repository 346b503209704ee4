"""Reproducible PyInstaller builds of the three programs (onedir bundles), with their build hash.

    .venv/bin/python packaging/build.py                      # all three into dist/
    .venv/bin/python packaging/build.py --apps exam-client   # one
    .venv/bin/python packaging/build.py --reproducibility    # build again elsewhere and compare

What makes two builds the same: SOURCE_DATE_EPOCH (the last commit's time, or a fixed date outside
a git checkout) and PYTHONHASHSEED=0 for PyInstaller; every file's time set to SOURCE_DATE_EPOCH
afterwards; archives with sorted members, owner 0 and no gzip time. After each build the bundle's
manifest and hash are written into it (build-info.json, build-manifest.sha256; see
common/build_info.py) and a .tar.gz is made next to it. A JSON summary (times, sizes, hashes) goes to
stdout and to dist/build-summary.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import __version__  # noqa: E402
from common.build_info import manifest, source_hash, write_build_info  # noqa: E402

APPS = ("exam-client", "proctor-console", "central-scorer")
SPEC = ROOT / "packaging" / "pyinstaller" / "cbt.spec"
FALLBACK_EPOCH = 1767225600  # 2026-01-01T00:00:00Z, when the tree is not a git checkout


def source_date_epoch() -> int:
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except OSError:
        pass
    return FALLBACK_EPOCH


def platform_tag() -> str:
    system = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{system}-{platform.machine().lower()}"


def build_one(app: str, dist: Path, work: Path, epoch: int, log_dir: Path, source: str) -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), PYTHONHASHSEED="0", TZ="UTC",
               LC_ALL="C.UTF-8", PYTHONDONTWRITEBYTECODE="1")
    # A clean work folder each time: PyInstaller's cache must not carry one build into the next.
    shutil.rmtree(work / app, ignore_errors=True)
    shutil.rmtree(dist / app, ignore_errors=True)
    log = log_dir / f"pyinstaller-{app}.log"
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as fh:
        done = subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(dist), "--workpath", str(work / app), str(SPEC), "--", "--app", app],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"PyInstaller failed for {app} (exit {done.returncode}); see {log}")
    root = dist / app
    info = write_build_info(root, app, {
        "platform": platform_tag(), "python": platform.python_version(),
        "pyinstaller": _pyinstaller_version(), "source_date_epoch": epoch, "source_hash": source})
    _set_times(root, epoch)
    archive = _archive(root, dist / f"{app}-{__version__}-{platform_tag()}.tar.gz", epoch)
    return {"app": app, "seconds": round(seconds, 1), "build_hash": info["build_hash"],
            "files": info["files"], "megabytes": round(info["bytes"] / 1e6, 1),
            "archive": str(archive.relative_to(ROOT) if archive.is_relative_to(ROOT) else archive),
            "archive_megabytes": round(archive.stat().st_size / 1e6, 1), "log": str(log)}


def _pyinstaller_version() -> str:
    from importlib.metadata import version

    return version("pyinstaller")


def _set_times(root: Path, epoch: int) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        os.utime(path, (epoch, epoch), follow_symlinks=False)
    os.utime(root, (epoch, epoch))


def _archive(root: Path, target: Path, epoch: int) -> Path:
    """A .tar.gz whose bytes depend only on the files: sorted, owner 0, times fixed, no gzip time."""

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = epoch
        if info.isfile() or info.isdir():
            info.mode = 0o755 if (info.isdir() or info.mode & 0o100) else 0o644
        return info

    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                               compresslevel=6) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            paths = [root, *sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix())]
            for path in paths:
                arcname = (Path(root.name) / path.relative_to(root)).as_posix()
                tar.add(path, arcname=arcname, recursive=False, filter=normalise)
    os.replace(tmp, target)
    return target


def build(apps: list[str], dist: Path, work: Path, jobs: int) -> dict:
    epoch = source_date_epoch()
    # The source as it was when the build began (others may edit the tree while it runs).
    source = source_hash.__wrapped__(ROOT)
    dist.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda app: build_one(app, dist, work, epoch, work, source), apps))
    summary = {"source_date_epoch": epoch, "source_hash": source, "jobs": jobs,
               "wall_seconds": round(time.monotonic() - started, 1), "apps": results}
    if source_hash.__wrapped__(ROOT) != source:
        summary["warning"] = "the source changed during the build: the bundles may mix two versions"
    return summary


def compare(first: Path, second: Path, apps: list[str]) -> dict:
    """Which files differ between two builds, app by app (the manifests, then the archives)."""
    report = {}
    for app in apps:
        infos = [json.loads((d / app / "build-info.json").read_text("utf-8")) for d in (first, second)]
        a = {rel: digest for digest, rel in manifest(first / app)}
        b = {rel: digest for digest, rel in manifest(second / app)}
        differing = sorted(rel for rel in set(a) | set(b) if a.get(rel) != b.get(rel))
        report[app] = {"identical": not differing, "files": len(a), "differing": differing,
                       "same_source": infos[0]["source_hash"] == infos[1]["source_hash"],
                       "same_source_date_epoch":
                           infos[0]["source_date_epoch"] == infos[1]["source_date_epoch"]}
    archives = {}
    for path in sorted(first.glob("*.tar.gz")):
        other = second / path.name
        archives[path.name] = other.is_file() and other.read_bytes() == path.read_bytes()
    return {"apps": report, "archives_identical": archives}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", default=",".join(APPS))
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--reproducibility", action="store_true",
                        help="build again into build/repro/ and compare with --dist file by file "
                             "(builds --dist first when it lacks an app)")
    args = parser.parse_args(argv)
    apps = [a for a in args.apps.split(",") if a]
    unknown = sorted(set(apps) - set(APPS))
    if unknown:
        parser.error(f"unknown app(s): {', '.join(unknown)}")
    if args.reproducibility:
        missing = [a for a in apps if not (args.dist / a / "build-info.json").is_file()]
        summary: dict = {}
        if missing:
            summary["first"] = build(missing, args.dist, args.work, args.jobs)
        again = ROOT / "build" / "repro"
        summary["second"] = build(apps, again / "dist", again / "work", args.jobs)
        summary["comparison"] = compare(args.dist, again / "dist", apps)
        out = args.dist / "reproducibility.json"
        ok = all(r["identical"] for r in summary["comparison"]["apps"].values())
    else:
        summary = build(apps, args.dist, args.work, args.jobs)
        out = args.dist / "build-summary.json"
        ok = True
    out.write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    print(json.dumps(summary, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
