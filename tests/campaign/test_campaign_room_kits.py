"""Campaign-mode kits: `room-kit --campaign YEAR --grade G` writes a kit for every room of every
selected organisation, named from the centre's records (the working list), none for a cancelled
territory; one package per organisation, shared by its rooms."""

from __future__ import annotations

import json
import math
from pathlib import Path

from central_scorer.cli.main import main
from common.room_kit import read_kit

NATIONAL = Path(__file__).resolve().parent.parent / "data" / "working_lists" / "national_sample.csv"


def test_a_kit_for_every_room_of_every_selected_organisation(tmp_path: Path, capsys) -> None:
    base = ["--data-dir", str(tmp_path / "central")]
    assert main([*base, "init", "--centre-id", "KZ-NTC-TEST"]) == 0
    assert main([*base, "campaign", "open", str(NATIONAL), "--year", "2026", "--grade", "4", "--seed", "7",
                 "--first-day", "2026-04-13", "--last-day", "2026-04-17"]) == 0
    capsys.readouterr()
    assert main([*base, "campaign", "show", "--year", "2026", "--grade", "4"]) == 0
    selected = json.loads(capsys.readouterr().out)["organisations"]
    assert main([*base, "room-kit", "--campaign", "2026", "--grade", "4", "--seats", "120", "--demo",
                 "--kdf-memory-kib", "8192", "--out", str(tmp_path / "kits"), "--notices", str(tmp_path / "codes")]) == 0
    kits = json.loads(capsys.readouterr().out)["kits"]
    expected = {(o["code"], str(n)) for o in selected if o["status"] == "scheduled"
                for n in range(1, math.ceil(o["contingent"] / 120) + 1)}
    assert {(k["organisation_code"], k["room_id"].rsplit("-", 1)[1]) for k in kits} == expected
    assert any(room != "1" for _, room in expected)  # some organisations need two rooms
    names = {o["code"]: o["name"] for o in selected}
    packages: dict[str, set[str]] = {}
    for kit in kits:
        config = read_kit(Path(kit["kit"]))
        assert config["organisation_name"] == names[kit["organisation_code"]]
        packages.setdefault(kit["organisation_code"], set()).add(kit["package_id"])
    assert all(len(ids) == 1 for ids in packages.values())
    notices = sorted(p.name for p in (tmp_path / "codes").iterdir())  # one sealed notice per organisation
    assert notices == sorted(f"start-code-{code}.pdf" for code in packages)
    assert not list((tmp_path / "kits").rglob("start-code*"))


def test_without_a_campaign_it_says_so_in_one_line(tmp_path: Path, capsys) -> None:
    base = ["--data-dir", str(tmp_path / "central")]
    assert main([*base, "init", "--centre-id", "KZ-NTC-TEST"]) == 0
    capsys.readouterr()
    assert main([*base, "room-kit", "--campaign", "2031", "--grade", "4", "--demo", "--out", "k", "--notices", "n"]) == 5
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no campaign for grade 4 in 2031" in err
