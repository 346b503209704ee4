"""The kiosk's configuration from one file or QR code per room: round trips, refusals, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from common.crypto.signing import SigningKey
from common.documents.slips import Connection, connection_payload
from exam_client.engine.config import KioskConfig
from exam_client.setup import command
from exam_client.setup import configuration as kc

FP = "ab" * 32
KEY = "Kq3-enrolled_PC_key"  # a workstation credential as the room prints it (20 characters)


def centre_keys(n: int = 1) -> dict[str, str]:
    keys = [SigningKey.generate().verify_key for _ in range(n)]
    return {k.key_id: k.to_b64() for k in keys}


def card(**over) -> kc.KioskSetup:
    fields = dict(host="192.168.10.5", port=8443, fingerprint=FP, centre_sign_keys=centre_keys(2),
                  room_id="R190745-12", language="kk")
    fields.update(over)
    return kc.room_card(**fields)


def test_json_and_qr_forms_say_the_same() -> None:
    setup = card(exit_code_hash="argon2id$t=3,m=65536,p=1$c2FsdA==$ZGlnZXN0")
    assert kc.parse_json(setup.to_json()) == setup
    assert kc.parse_qr(setup.to_qr()) == setup
    assert kc.parse_text(setup.to_qr()) == kc.parse_text(setup.to_json()) == setup
    assert setup.to_qr().startswith("cbt-kiosk:1;host=192.168.10.5;port=8443;fp=" + FP)


def test_the_qr_code_image_reads_back_to_the_same_configuration(tmp_path: Path) -> None:
    setup = card(workstation_id="05")
    png = kc.qr_png(setup.to_qr(), tmp_path / "room.png")
    text, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(cv2.imread(str(png)))
    assert text == setup.to_qr()
    assert kc.parse_qr(text) == setup


def test_the_slips_connection_code_is_read_too() -> None:
    payload = connection_payload(Connection("10.0.0.7", 9443, FP.upper()), "A-07")
    setup = kc.parse_qr(payload, "slip")
    assert (setup.host, setup.port, setup.fingerprint, setup.workstation_id) == (
        "10.0.0.7", 9443, FP, "A-07")
    assert setup.centre_sign_keys == {}


def test_a_pc_file_is_what_the_kiosk_engine_loads(tmp_path: Path) -> None:
    setup = card(language="ru", exit_code_hash="argon2id$t=1,m=8,p=1$c2FsdA==$ZGln")
    pc = setup.for_workstation("07", tmp_path / "journals", KEY)
    path = kc.write(pc, tmp_path / "kiosk.json")
    loaded = KioskConfig.load(path)
    assert (loaded.host, loaded.port, loaded.fingerprint, loaded.workstation_id) == (
        "192.168.10.5", 8443, FP, "07")
    assert loaded.data_dir == tmp_path / "journals"
    assert loaded.language == "ru" and loaded.exit_code_hash == setup.exit_code_hash
    assert kc.load(path) == pc  # and it reads back through the strict reader
    assert loaded.workstation_key == KEY


def test_a_pc_needs_its_enrolment_credential() -> None:
    with pytest.raises(kc.KioskConfigError) as err:
        card().for_workstation("07", "/var/lib/cbt-kiosk")
    assert err.value.field == "workstation_key" and "enrol" in str(err.value)
    with pytest.raises(kc.KioskConfigError) as err:
        card().for_workstation("07", "/var/lib/cbt-kiosk", "short")
    assert err.value.field == "workstation_key"


def test_a_pc_needs_its_seat() -> None:
    with pytest.raises(kc.KioskConfigError) as err:
        card().for_workstation(None, "/var/lib/cbt-kiosk")
    assert err.value.field == "workstation_id"


BAD = [
    # (what, text, the field the message must name, a phrase it must contain)
    ("no host", {"port": 8443, "fingerprint": FP}, "host", "missing"),
    ("listen address", {"host": "0.0.0.0", "fingerprint": FP}, "host", "LAN address"),
    ("host with space", {"host": "room 12", "fingerprint": FP}, "host", "neither"),
    ("port text", {"host": "h", "port": "http", "fingerprint": FP}, "port", "1 to 65535"),
    ("port zero", {"host": "h", "port": 0, "fingerprint": FP}, "port", "1 to 65535"),
    ("short pin", {"host": "h", "fingerprint": "ab" * 20}, "fingerprint", "64 hexadecimal"),
    ("not hex", {"host": "h", "fingerprint": "zz" * 32}, "fingerprint", "64 hexadecimal"),
    ("language", {"host": "h", "fingerprint": FP, "language": "de"}, "language", "kk, ru, en"),
    ("seat", {"host": "h", "fingerprint": FP, "workstation_id": "seat 5"}, "workstation_id", "letters"),
    ("key id", {"host": "h", "fingerprint": FP, "centre_sign_keys": {"xyz": "AAAA"}},
     "centre_sign_keys", "16"),
    ("key size", {"host": "h", "fingerprint": FP,
                  "centre_sign_keys": {"0123456789abcdef": "AAAA"}}, "centre_sign_keys", "32 bytes"),
    ("plain exit code", {"host": "h", "fingerprint": FP, "exit_code_hash": "123456"},
     "exit_code_hash", "never the code"),
    ("unknown field", {"host": "h", "fingerprint": FP, "hots": "x"}, "hots", "unknown"),
    ("other format", {"format": "cbt-kiosk/9", "host": "h", "fingerprint": FP}, "format", "expected"),
]


@pytest.mark.parametrize("what,raw,field,phrase", BAD, ids=[b[0] for b in BAD])
def test_bad_configurations_name_the_field(what, raw, field, phrase) -> None:
    with pytest.raises(kc.KioskConfigError) as err:
        kc.parse_json(json.dumps(raw), "room-kiosk.json")
    assert err.value.field == field
    assert phrase in str(err.value) and "room-kiosk.json" in str(err.value)


def test_a_key_that_does_not_match_its_id_is_refused() -> None:
    keys = centre_keys(2)
    (id1, key1), (id2, key2) = keys.items()
    with pytest.raises(kc.KioskConfigError, match="does not match its id"):
        card(centre_sign_keys={id1: key2})


def test_broken_json_names_line_and_column() -> None:
    with pytest.raises(kc.KioskConfigError, match=r"line 3, column 2: Extra data"):
        kc.parse_json('{"host": "h",\n "port": 1\n}}', "card.json")


@pytest.mark.parametrize("text,phrase", [
    ("https://example.org", "not a kiosk configuration code"),
    ("cbt-kiosk:1;host=h;fp=" + FP + ";colour=red", "part 4"),
    ("cbt-kiosk:1;host=h;host=g;fp=" + FP, "given twice"),
    ("cbt-kiosk:1;host=h;fp=" + FP + ";keys=abc", "'<key id>:<key>'"),
])
def test_bad_qr_texts_are_refused_clearly(text: str, phrase: str) -> None:
    with pytest.raises(kc.KioskConfigError, match=phrase.replace("(", r"\(")):
        kc.parse_qr(text)


# --- the command line (cbt-kiosk-setup), in process ---------------------------------------------


def test_card_then_install_from_a_scanned_line(tmp_path: Path, monkeypatch, capsys) -> None:
    keys = centre_keys()
    room_json = tmp_path / "room.json"
    room_json.write_text(json.dumps({"room_id": "R1-12", "centre_sign_keys": keys}), "utf-8")
    monkeypatch.setenv("EXIT_CODE", "739154")
    assert command.main(["card", "--host", "192.168.1.20", "--port", "9443", "--fingerprint", FP,
                    "--room-config", str(room_json), "--exit-code-env", "EXIT_CODE",
                    "--out", str(tmp_path / "card.json"), "--qr", str(tmp_path / "card.png")]) == 0
    made = json.loads(capsys.readouterr().out)
    room = kc.load(tmp_path / "card.json")
    assert room.room_id == "R1-12" and room.centre_sign_keys == keys and room.port == 9443
    assert "739154" not in (tmp_path / "card.json").read_text("utf-8")  # only its hash
    from common.crypto.passwords import verify_password

    assert verify_password("739154", room.exit_code_hash)
    scanned, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(cv2.imread(made["qr"]))
    assert scanned == made["qr_text"]

    # The IT teacher scans the code on each PC: the scanner types one line.
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(scanned + "\n"))
    out = tmp_path / "etc" / "kiosk.json"
    assert command.main(["install", "--from", "-", "--workstation", "12", "--workstation-key", KEY,
                         "--data-dir",
                    str(tmp_path / "data"), "--out", str(out)]) == 0
    loaded = KioskConfig.load(out)
    assert loaded.workstation_id == "12" and loaded.port == 9443 and (tmp_path / "data").is_dir()


def test_install_names_the_problem_and_writes_nothing(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "card.json"
    bad.write_text(json.dumps({"host": "h", "fingerprint": "12"}), "utf-8")
    out = tmp_path / "kiosk.json"
    assert command.main(["install", "--from", str(bad), "--workstation", "1", "--workstation-key",
                         KEY, "--data-dir",
                    str(tmp_path / "d"), "--out", str(out)]) == 2
    assert "field 'fingerprint'" in capsys.readouterr().err
    assert not out.exists()


def test_check_against_a_real_room_server(tmp_path: Path, room_server, capsys) -> None:
    """The dry run of one PC: the pinned room server answers, the data folder takes an fsync."""
    pc = kc.room_card("127.0.0.1", room_server.port, room_server.fingerprint, {},
                      room_id="R-TEST-1").for_workstation("01", tmp_path / "data", KEY)
    path = kc.write(pc, tmp_path / "kiosk.json")
    assert command.main(["check", "--config", str(path)]) == 0
    rows = {r["check"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["room_server"]["ok"] and rows["room_server"]["detail"]["room_id"] == "R-TEST-1"
    assert rows["data_dir"]["ok"] and rows["build"]["detail"]["from"] == "source"

    wrong = kc.write(kc.KioskSetup(**{**pc.__dict__, "fingerprint": "cd" * 32}), tmp_path / "w.json")
    assert command.main(["check", "--config", str(wrong)]) == 1
    rows = {r["check"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["room_server"]["detail"]["error"] == "pin_mismatch"

    other = kc.write(kc.KioskSetup(**{**pc.__dict__, "room_id": "R-OTHER"}), tmp_path / "o.json")
    assert command.main(["check", "--config", str(other)]) == 1
    rows = {r["check"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["room_server"]["detail"] == {"error": "other_room", "room_id": "R-TEST-1"}


# --- the console script, as installed from source (pyproject's [project.scripts]) --------------


def test_the_console_script_from_source_cards_installs_shows_and_checks(tmp_path: Path,
                                                                       room_server) -> None:
    """`cbt-kiosk-setup` from source does what the frozen one does, in its own process."""
    script = Path(sys.executable).with_name("cbt-kiosk-setup")
    assert script.exists(), "cbt-kiosk-setup is not installed: pip install -e . (pyproject scripts)"

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"cbt-kiosk-setup {args[0]}: {done.stdout}{done.stderr}"
        return done

    keys = tmp_path / "centre-keys.json"
    keys.write_text(json.dumps({"centre_sign_keys": centre_keys()}), "utf-8")
    card_path, pc_path = tmp_path / "room-kiosk.json", tmp_path / "etc" / "kiosk.json"
    made = json.loads(run("card", "--host", "127.0.0.1", "--port", str(room_server.port),
                          "--fingerprint", room_server.fingerprint, "--centre-keys", str(keys),
                          "--out", str(card_path)).stdout)
    assert made["qr_text"].startswith("cbt-kiosk:1;host=127.0.0.1")
    run("install", "--from", str(card_path), "--workstation", "07", "--workstation-key", KEY, "--data-dir",
        str(tmp_path / "data"), "--out", str(pc_path))
    shown = json.loads(run("show", str(pc_path)).stdout)
    assert shown["workstation_id"] == "07" and ";ws=07;" in shown["qr_text"]
    rows = {r["check"]: r for r in map(json.loads, run("check", "--config", str(pc_path))
                                       .stdout.splitlines())}
    assert rows["room_server"]["ok"] and rows["data_dir"]["ok"]
    assert KioskConfig.load(pc_path).workstation_id == "07"
