"""`central-scorer publish`: the public results page rendered into static files.

The site is built whole into ``DATA_DIR/public/builds/<time>/`` and then switched to by renaming
a symbolic link (``public/current``), so a reader gets the old site or the new one, never half of
each. The centre's server (or a reverse proxy, docs/scaling.md) serves ``public/current/`` as
files: reading the page touches no database. Layout of a build::

    index.html                  sends a browser on to kk/ (for a plain file server)
    {kk,ru,en}/index.html       the years and grades published
    {kk,ru,en}/{year}/{grade}.html
    data/{year}-{grade}.json    the same figures as open data
    version.json                what the build was made from (for --if-changed)
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from central_scorer.centre import Centre
from central_scorer.reports.aggregates import publication
from central_scorer.web.public_page import render_cohort, render_index
from common.durable import write_durably
from common.i18n import LANGUAGES
from common.storage.central_models import Campaign, ReceivedBundle, Rescoring


_ROOT = ('<!doctype html><html lang="kk"><head><meta charset="utf-8">'
         '<meta http-equiv="refresh" content="0; url=kk/"></head>'
         '<body><a href="kk/">ҚАЗ</a> · <a href="ru/">РУС</a> · <a href="en/">ENG</a></body></html>')


def public_dir(centre: Centre) -> Path:
    return centre.root / "public"


def data_version(centre: Centre) -> dict[str, Any]:
    """What the published figures depend on: bundles stored, re-scorings, campaigns opened."""
    with centre.read() as s:
        return {"bundles": s.scalar(select(func.max(ReceivedBundle.id))) or 0,
                "bundle_count": s.scalar(select(func.count()).select_from(ReceivedBundle)),
                "rescorings": s.scalar(select(func.count()).select_from(Rescoring)),
                "campaigns": s.scalar(select(func.count()).select_from(Campaign))}


def current_version(centre: Centre) -> dict[str, Any] | None:
    path = public_dir(centre) / "current" / "version.json"
    try:
        return json.loads(path.read_text("utf-8"))["data"]
    except (OSError, ValueError, KeyError):
        return None


def publish(centre: Centre, if_changed: bool = False, keep: int = 2) -> dict[str, Any]:
    """Render every year and grade into a new build and switch the site to it."""
    started = time.monotonic()
    version = data_version(centre)
    if if_changed and current_version(centre) == version:
        return {"status": "unchanged", "data": version}
    cohorts = publication(centre)
    pairs = [(c["year"], c["grade"]) for c in cohorts]
    root = public_dir(centre)
    build = root / "builds" / f"{time.time_ns()}"
    files = 0
    for lang in LANGUAGES:
        write_durably(build / lang / "index.html", render_index(pairs, lang).encode())
        files += 1
        for cohort in cohorts:
            page = render_cohort(cohort, pairs, lang)
            write_durably(build / lang / str(cohort["year"]) / f"{cohort['grade']}.html", page.encode())
            files += 1
    write_durably(build / "index.html", _ROOT.encode())
    for cohort in cohorts:
        write_durably(build / "data" / f"{cohort['year']}-{cohort['grade']}.json",
                      json.dumps(cohort, ensure_ascii=False, indent=1).encode())
        files += 1
    write_durably(build / "version.json", json.dumps({"data": version}).encode())
    link = root / "current"
    staged = root / f".current-{build.name}"
    os.symlink(Path("builds") / build.name, staged)
    os.replace(staged, link)  # atomic: readers see the old build or the new one
    _fsync_dir(root)
    _prune(root / "builds", keep, build.name)
    return {"status": "published", "build": str(build), "cohorts": len(cohorts), "files": files + 2,
            "seconds": round(time.monotonic() - started, 2), "data": version}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(builds: Path, keep: int, newest: str) -> None:
    """Older builds go, a few kept so a reader mid-download of the previous one finishes."""
    old = sorted((p for p in builds.iterdir() if p.name != newest), key=lambda p: int(p.name))
    for path in old[:max(0, len(old) - (keep - 1))]:
        shutil.rmtree(path, ignore_errors=True)


def site_file(centre: Centre, path: str) -> Path | None:
    """The published file at `path` (relative, as in a URL), or None: nothing outside the
    current build is ever served."""
    base = (public_dir(centre) / "current").resolve()
    if not base.is_dir():
        return None
    target = (base / path).resolve() if path else base / "index.html"
    if target.is_dir():
        target = target / "index.html"
    if base != target and base not in target.parents:
        return None
    return target if target.is_file() else None
