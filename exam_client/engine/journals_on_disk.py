"""The answer journals on this PC by their file names: which sittings were interrupted (a journal
without the mark that its sitting ended). Names only, no crypto, no room link: the kiosk decides
its first screen (locked or not) with this before the engine is loaded."""

from __future__ import annotations

from pathlib import Path

JOURNAL_GLOB = "journal-*.cbtj"
FINISHED_SUFFIX = ".done"  # next to a journal whose sitting ended (submitted or removed)


def interrupted_attempts(data_dir: Path) -> list[str]:
    """Attempts whose journal is on this PC but whose sitting never ended (a crash, a power
    cut): the screen locks until the student logs in again."""
    found = []
    for path in sorted(data_dir.glob(JOURNAL_GLOB)):
        if not path.with_name(path.name + FINISHED_SUFFIX).exists():
            found.append(path.name[len("journal-"):-len(".cbtj")])
    return found
