"""docs/exam-day.md, followed literally: its `sh` blocks run one after another in one shell, in an
empty folder, with the installed commands on PATH — the guide cannot rot. What a person brings is
put in the folder first: the school's list of students. At the end the centre holds a scored day,
the report reads back, and the kiosks' logs hold no answers and no names."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from common.demo.roster import demo_roster_csv
from guide_script import lost_answers, run_guide, sh_blocks

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "exam-day.md"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_guide_names_every_step_in_order() -> None:
    text = GUIDE.read_text("utf-8")
    heads = [line for line in text.splitlines() if line.startswith("## ")]
    assert [h.split(". ", 1)[1].split(" ")[0:2] for h in heads] == [
        ["The", "centre"], ["The", "school"], ["The", "school"], ["The", "representative's"],
        ["The", "test"], ["After", "the"], ["The", "results"]]
    commands = " ".join(sh_blocks(GUIDE))
    for command in ("central-scorer init", "central-scorer room-kit",
                    "proctor-console init --kit", "central-scorer trust-room", "proctor-console serve",
                    "cbt-kiosk-setup card", "cbt-kiosk-setup install", "cbt-kiosk-setup check",
                    "proctor-console day roster", "proctor-console day start", "exam-client",
                    "proctor-console seal", "proctor-console logs", "central-scorer ingest",
                    "central-scorer report"):
        assert command in commands, command


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_following_the_guide_gives_a_scored_day_at_the_centre(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text(demo_roster_csv(30), "utf-8")  # the school's own list
    env = {k: v for k, v in os.environ.items() if not k.startswith("CBT_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", PORT=str(free_port()), CBT_LANG="en")
    done = run_guide(tmp_path, GUIDE, env)
    assert done.returncode == 0, f"{done.stderr[-3000:]}\n{done.stdout[-2000:]}"
    assert lost_answers(tmp_path) == []  # every answer a kiosk confirmed as saved is at the centre
    assert "Traceback" not in done.stderr

    # The centre: every student scored once, from the room's one bundle, and a report that reads back.
    sys_path = [str(ROOT)]
    check = subprocess.run([sys.executable, "-c", (
        "import json,sys; from central_scorer.centre import Centre; "
        "from sqlalchemy import select; from common.storage.central_models import Result; "
        f"c = Centre({str(tmp_path / 'centre')!r}); "
        "rows = list(c.read().__enter__().scalars(select(Result))); "
        "print(json.dumps([[r.organisation_code, r.status] for r in rows]))")],
        capture_output=True, text=True, cwd=ROOT, env={**env, "PYTHONPATH": os.pathsep.join(sys_path)})
    assert check.returncode == 0, check.stderr
    rows = json.loads(check.stdout)
    assert len(rows) == 30 and all(r == ["190745", "scored"] for r in rows), rows
    report = subprocess.run(["pdftotext", str(tmp_path / "report-190745-kk.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert "190745" in report
    notice = subprocess.run(["pdftotext", str(tmp_path / "start-codes" / "start-code-190745.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert "Бастау коды" in notice and "Код запуска" in notice

    # The kit: its guide in three languages, Kazakh letters as text.
    kit = tmp_path / "kits" / "kit-190745-12"
    guide_kk = subprocess.run(["pdftotext", str(kit / "guide-kk.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
    assert "Өкілге арналған нұсқаулық" in guide_kk and "Абай атындағы № 45" in guide_kk
    assert not any(kit.glob("*start*")), "the start code must not travel in the kit"

    # The logs: the room's (exported with the bundle) and each kiosk's; no answers, no names.
    assert (tmp_path / "usb" / "logs" / "room.log").stat().st_size > 0
    names = {line.split(",")[1] for line in demo_roster_csv(30).splitlines()[1:]}
    for seat in range(1, 31):
        log = (tmp_path / "kiosks" / f"{seat:02d}" / "logs" / "kiosk.log").read_text("utf-8")
        sitting = (tmp_path / "kiosks" / f"{seat:02d}" / "sitting.jsonl").read_text("utf-8")
        assert '"event": "result"' in sitting, (seat, sitting[-500:])
        assert "login" in log and "result" in log
        assert not any(key in log for key in ("'answer'", '"answer"', "item_id", "password"))
        assert not any(name in log for name in names)
