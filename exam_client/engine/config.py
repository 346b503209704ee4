"""This PC's kiosk configuration as the engine reads it: the room server, its certificate's pin,
the seat and the journal folder (the file `cbt-kiosk-setup install` writes, see
`exam_client.setup`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KioskConfig:
    host: str
    port: int
    fingerprint: str
    workstation_id: str
    data_dir: Path
    # Optional: the Argon2id hash of the proctor's code that lets the kiosk window close.
    exit_code_hash: str | None = None
    # Optional: the language the kiosk opens in (the student may switch before the test).
    language: str = "kk"
    # The credential the room gave this PC at enrolment (X-Workstation-Key): without it the room
    # takes no request from this PC (proctor_console/room/enrolment.py).
    workstation_key: str | None = None

    @classmethod
    def load(cls, path: Path) -> "KioskConfig":
        raw = json.loads(Path(path).read_text("utf-8"))
        try:
            return cls(str(raw["host"]), int(raw["port"]), str(raw["fingerprint"]),
                       str(raw["workstation_id"]), Path(raw["data_dir"]),
                       raw.get("exit_code_hash"), str(raw.get("language", "kk")),
                       raw.get("workstation_key"))
        except KeyError as exc:
            raise ValueError(f"kiosk configuration {path}: missing {exc.args[0]!r}") from exc
