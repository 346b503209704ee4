"""Bundle files → `ingest`, one after another or in worker processes, with the same outcome.

Each bundle's ingest is one transaction either way. What one bundle's outcome can depend on
(supersede, replays, duplicates, survey rows) is confined to its organisation: a room belongs
to one organisation, and results are keyed by organisation and student. So the files are
grouped by the organisation their manifest names, and each group goes, in the order given, to
one worker; groups run side by side. The manifest is read here only to schedule: `ingest`
verifies it, and a file whose manifest cannot be read is a group of its own (it will be refused).
"""

from __future__ import annotations

import base64
import json
import multiprocessing
from pathlib import Path
from typing import Any, Iterator

from central_scorer.centre import Centre
from central_scorer.ingest.bundles import IngestRefused, ingest
from common.bundle import MAX_BUNDLE_BYTES

Outcome = tuple[dict[str, Any], int]  # (the line printed for the file, its exit code or 0)


def ingest_file(centre: Centre, path: Path) -> Outcome:
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:  # refused by its size, before it is read
            raise IngestRefused("too_large", f"{path.stat().st_size} bytes, more than a bundle "
                                             f"may be ({MAX_BUNDLE_BYTES})")
        return ingest(centre, path.read_bytes()).as_dict(), 0
    except IngestRefused as exc:
        return {"error": exc.code, "message": str(exc), "exit_code": exc.exit_code}, exc.exit_code
    except OSError as exc:
        return {"error": "unreadable_file", "message": str(exc)}, 2


def ingest_files(centre: Centre, paths: list[Path], jobs: int = 1) -> Iterator[tuple[Path, Outcome]]:
    """Each file's outcome, in the order of `paths`, as soon as it and those before it are done."""
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield path, ingest_file(centre, path)
        return
    groups: dict[str, list[int]] = {}
    for index, path in enumerate(paths):
        groups.setdefault(_organisation(path) or f"#{index}", []).append(index)
    url = centre.engine.url.render_as_string(hide_password=False)
    tasks = [(str(centre.root), url, [(i, str(paths[i])) for i in group]) for group in groups.values()]
    done: dict[int, Outcome] = {}
    following = 0
    # spawn, not fork: a forked child would share the parent's open database connections.
    with multiprocessing.get_context("spawn").Pool(min(jobs, len(tasks))) as pool:
        for outcomes in pool.imap_unordered(_ingest_group, tasks):
            done.update(outcomes)
            while following in done:
                yield paths[following], done.pop(following)
                following += 1


def _organisation(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            return None
        envelope = json.loads(path.read_bytes())
        return str(json.loads(base64.b64decode(envelope["manifest"]))["organisation_code"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def _ingest_group(task: tuple[str, str, list[tuple[int, str]]]) -> list[tuple[int, Outcome]]:
    root, url, files = task
    centre = _worker_centre(root, url)
    return [(index, ingest_file(centre, Path(path))) for index, path in files]


_centres: dict[tuple[str, str], Centre] = {}  # one per worker process, kept across its groups


def _worker_centre(root: str, url: str) -> Centre:
    if (root, url) not in _centres:
        _centres[(root, url)] = Centre(Path(root), url)
    return _centres[(root, url)]
