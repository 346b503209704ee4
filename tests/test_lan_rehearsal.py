"""The LAN rehearsal (`make rehearsal`; not part of `make test`): docs/exam-day.md's day with the
room PC and 30 kiosks each in its own network namespace, joined by a bridge, the kiosks' links
impaired (tc netem: latency, jitter and loss; a kernel without netem gets a slow link with a short
queue that drops). The guide's lines run as written; only where they run differs. Nothing
confirmed as saved may be lost, and the logs exist and hold no answers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from common.demo.roster import demo_roster_csv
from guide_script import lost_answers, run_guide
from lan_rehearsal import Lab, missing, wrappers

ROOT = Path(__file__).resolve().parents[1]
KIOSKS = 30


@pytest.mark.skipif(os.environ.get("CBT_REHEARSAL") != "1",
                    reason="the LAN rehearsal runs with `make rehearsal` (CBT_REHEARSAL=1)")
@pytest.mark.skipif(missing() is not None, reason=str(missing()))
def test_the_guides_day_on_a_lossy_lan(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text(demo_roster_csv(KIOSKS), "utf-8")
    with Lab(KIOSKS) as lab:
        hops = wrappers(lab, tmp_path / "lan-bin")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CBT_")}
        env.update(PATH=os.pathsep.join([str(hops), str(Path(sys.executable).parent), env.get("PATH", "")]),
                   ROOM_ADDRESS=lab.room_address, PORT="8443", CBT_LANG="en")
        done = run_guide(tmp_path, ROOT / "docs" / "exam-day.md", env, ["ip", "netns", "exec", lab.room])
        dropped = lab.dropped()
    print(f"rehearsal: {KIOSKS} kiosks, impairment {lab.impairment}, {dropped} packets dropped")
    assert done.returncode == 0, f"{done.stderr[-3000:]}\n{done.stdout[-1500:]}"
    assert dropped > 0, "the kiosks' links dropped nothing: the rehearsal did not test loss"
    assert lost_answers(tmp_path) == []
    assert (tmp_path / "usb" / "logs" / "room.log").stat().st_size > 0
    for seat in range(1, KIOSKS + 1):
        log = (tmp_path / "kiosks" / f"{seat:02d}" / "logs" / "kiosk.log").read_text("utf-8")
        assert "result" in log
        assert not any(key in log for key in ("'answer'", '"answer"', "item_id", "password"))
