"""The desk's first run: a room never set up asks for the kit and the PIN (twice); a damaged kit or
two different PINs are refused on the dialog, nothing is set up; then the room is ready, its
package imported, and the representative signs in with the PIN they chose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from central_scorer.cli.main import main as centre_main
from proctor_console.desk.first_run import FirstRunDialog


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("centre")
    base = ["--data-dir", str(work / "centre")]
    assert centre_main([*base, "init", "--centre-id", "KZ-NTC"]) == 0
    assert centre_main([*base, "room-kit", "--organisation", "190745", "--room", "12", "--name",
                        "Абай атындағы № 45 мектеп-гимназия", "--demo", "--kdf-memory-kib", "8192",
                        "--out", str(work / "kits"), "--notices", str(work / "codes")]) == 0
    return work / "kits" / "kit-190745-12"


def click_set_up(dialog: FirstRunDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_first_run_sets_the_room_up_from_the_kit(qtbot, kit: Path, tmp_path: Path) -> None:
    from common.crypto.passwords import FAST
    from proctor_console.room.room import Room

    folder = tmp_path / "room"
    dialog = FirstRunDialog(folder, "kk", FAST)
    qtbot.addWidget(dialog)
    assert "бапталмаған" in dialog.findChildren(type(dialog.error))[0].text()  # the intro, in Kazakh
    click_set_up(dialog)
    assert dialog.error.text() == "Аудитория жинағының қалтасын таңдаңыз."
    dialog.kit_edit.setText(str(kit))
    dialog.pin_edit.setText("482915")
    dialog.pin_again.setText("482916")
    click_set_up(dialog)
    assert dialog.error.text() == "PIN-кодтар сәйкес келмейді." and not folder.exists()
    dialog.pin_again.setText("482915")
    click_set_up(dialog)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    assert dialog.result_info["package"]["package_id"].startswith("PKG-190745-")
    room = Room(folder, password_params=FAST)
    assert room.setting("organisation_name") == "Абай атындағы № 45 мектеп-гимназия"
    assert room.proctor_signin("rep", "482915")  # the PIN the representative chose


def test_a_damaged_kit_is_refused_and_nothing_is_set_up(qtbot, kit: Path, tmp_path: Path) -> None:
    import shutil

    damaged = tmp_path / "kit"
    shutil.copytree(kit, damaged)
    config = json.loads((damaged / "room.json").read_text("utf-8"))
    config["centre_recipient_key"] = "AAAA" + config["centre_recipient_key"][4:]  # a key swapped
    (damaged / "room.json").write_text(json.dumps(config), "utf-8")
    dialog = FirstRunDialog(tmp_path / "room", "ru")
    qtbot.addWidget(dialog)
    dialog.kit_edit.setText(str(damaged))
    dialog.pin_edit.setText("482915")
    dialog.pin_again.setText("482915")
    click_set_up(dialog)
    assert dialog.error.text().startswith("Настроить не удалось:") and "room.json" in dialog.error.text()
    assert not (tmp_path / "room").exists()
