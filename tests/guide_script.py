"""The `sh` blocks of a Markdown guide, as one script (tests/test_exam_day_guide.py, make rehearsal)."""

from __future__ import annotations

import re
from pathlib import Path

BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)


def sh_blocks(path: Path) -> list[str]:
    return BLOCK.findall(Path(path).read_text("utf-8"))


def script(path: Path) -> str:
    """Every block in order, each announced on stderr (a failure names the step it stopped at)."""
    parts = ["#!/usr/bin/env bash"]
    for number, block in enumerate(sh_blocks(path), start=1):
        parts.append(f"echo '--- guide step {number}' >&2")
        parts.append(block)
    return "\n".join(parts) + "\n"


def run_guide(folder: Path, guide: Path, env: dict[str, str], prefix: list[str] | None = None,
              timeout: float = 900):
    """Run the guide's script in `folder`; whatever it leaves running goes with its session."""
    import os
    import signal
    import subprocess

    (folder / "guide.sh").write_text(script(guide), "utf-8")
    proc = subprocess.Popen([*(prefix or []), "bash", "guide.sh"], cwd=folder, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def lost_answers(folder: Path) -> list[tuple[str, str]]:
    """(seat, item) for every answer a kiosk confirmed as saved that the centre does not hold."""
    import json

    from sqlalchemy import select

    from central_scorer.centre import Centre
    from common.domain.scoring import latest_answers
    from common.storage.central_models import Response, Result

    seats = {c["seat"]: c["individual_code"] for c in json.loads((folder / "credentials.json").read_text("utf-8"))}
    centre = Centre(folder / "centre")
    lost = []
    try:
        with centre.read() as s:
            for seat, code in sorted(seats.items()):
                events = [json.loads(line) for line in
                          (folder / "kiosks" / seat / "sitting.jsonl").read_text("utf-8").splitlines()]
                confirmed = latest_answers([e for e in events if e.get("event") == "confirmed"])
                result = s.scalar(select(Result).where(Result.individual_code == code))
                stored = latest_answers([{"seq": r.seq, "item_id": r.item_id, "answer": json.loads(r.answer_json)}
                                         for r in s.scalars(select(Response).where(Response.result_id == result.id))]
                                        ) if result is not None else {}
                lost += [(seat, item) for item, answer in confirmed.items() if stored.get(item) != answer]
    finally:
        centre.engine.dispose()
    return lost
