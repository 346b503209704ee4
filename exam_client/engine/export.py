"""`exam-client export-journal --out DIR`: this PC's answer journals for the centre, when the room
PC is lost. One file per candidate: the journal (encrypted with its own key) and its grant (that
key sealed to the centre, signed by the room; common/journal_grant.py). Nothing in it is readable
without the centre's private key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from common.durable import make_dirs_durably, write_durably
from common.journal_grant import export_bytes
from exam_client.engine.config import KioskConfig

GRANT_SUFFIX = ".grant"  # next to its journal: journal-<attempt>.cbtj.grant
EXPORT_SUFFIX = ".cbtjx"


@dataclass
class ExportResult:
    written: list[Path]
    without_grant: list[str]


def save_grant(journal_path: Path, grant: dict) -> None:
    """Keep the grant durably next to the journal, before the first answer is confirmed."""
    path = journal_path.with_name(journal_path.name + GRANT_SUFFIX)
    data = json.dumps(grant, sort_keys=True).encode()
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_durably(path, data, 0o600)


def export_journals(config: KioskConfig, out: Path) -> ExportResult:
    """Write every journal of this PC that has a grant to `out` (fsynced); OSError if `out`
    cannot take them."""
    result = ExportResult([], [])
    journals = sorted(config.data_dir.glob("journal-*.cbtj")) if config.data_dir.is_dir() else []
    if journals:
        make_dirs_durably(out)
    for journal in journals:
        grant_path = journal.with_name(journal.name + GRANT_SUFFIX)
        if not grant_path.exists():
            result.without_grant.append(journal.name)
            continue
        grant = json.loads(grant_path.read_text("utf-8"))
        target = out / f"{journal.stem}{EXPORT_SUFFIX}"
        write_durably(target, export_bytes(grant, journal.read_bytes()), 0o600)
        result.written.append(target)
    return result
