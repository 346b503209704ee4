"""The OS kiosk recipes: the Linux installer run into a staging root (twice, then removed), the
unit checked by systemd, the scripts' syntax; the Windows Shell Launcher XML and PowerShell scripts'
structure (no PowerShell here to run them); the frozen entry points against pyproject's scripts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from common.build_info import write_build_info
from exam_client.engine.config import KioskConfig
from exam_client.setup import configuration as kc

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
WINDOWS = PACKAGING / "windows"
FP = "3f" * 32


@pytest.mark.parametrize("script", sorted(p.name for p in PACKAGING.rglob("*.sh")))
def test_shell_scripts_parse(script: str) -> None:
    path = next(PACKAGING.rglob(script))
    done = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert os.access(path, os.X_OK), f"{script} is not executable"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A stand-in for dist/exam-client: the real cbt-kiosk-setup (from source) behind a shim."""
    root = tmp_path / "dist" / "exam-client"
    (root / "_internal").mkdir(parents=True)
    (root / "exam-client").write_text("#!/bin/sh\nexit 0\n", "utf-8")
    (root / "cbt-kiosk-setup").write_text(
        f"#!/bin/sh\ncd '{ROOT}' && exec '{sys.executable}' -m exam_client.setup.command \"$@\"\n", "utf-8")
    for name in ("exam-client", "cbt-kiosk-setup"):
        (root / name).chmod(0o755)
    (root / "_internal" / "libpretend.so").write_bytes(b"\x7fELF")
    write_build_info(root, "exam-client")
    return root


@pytest.fixture
def card(tmp_path: Path) -> Path:
    setup = kc.room_card("192.168.12.1", 8443, FP, {}, room_id="R190745-12", language="kk")
    return kc.write(setup, tmp_path / "room-kiosk.json")


def install(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(LINUX / "install-kiosk.sh"), *args], capture_output=True,
                          text=True, timeout=120)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_linux_install_into_a_staging_root_twice_then_remove(tmp_path: Path, bundle: Path,
                                                            card: Path) -> None:
    stage = tmp_path / "stage"
    args = ["--bundle", str(bundle), "--card", str(card), "--workstation", "07", "--workstation-key=-k3y-from-enrolment1", "--root",
            str(stage), "--no-packages"]
    first = install(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    unit = (stage / "etc/systemd/system/cbt-kiosk.service").read_text("utf-8")
    assert not re.search(r"@[A-Z]+@", unit)  # every placeholder filled in
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    assert exec_start == ("ExecStart=/usr/bin/cage -d -- /opt/bbzhm-cbt/exam-client/exam-client "
                          "--config /etc/cbt-kiosk/kiosk.json")
    assert " -s" not in exec_start  # cage -s would allow VT switching
    assert "User=cbt-kiosk" in unit and "Environment=CBT_KIOSK_LOCKED=1" in unit
    assert "Conflicts=getty@tty1.service display-manager.service" in unit
    logind = (stage / "etc/systemd/logind.conf.d/90-cbt-kiosk.conf").read_text("utf-8")
    assert "NAutoVTs=0" in logind and "ReserveVT=0" in logind
    assert "kernel.sysrq = 0" in (stage / "etc/sysctl.d/90-cbt-kiosk.conf").read_text("utf-8")
    assert "pam_systemd.so" in (stage / "etc/pam.d/cbt-kiosk").read_text("utf-8")

    config = KioskConfig.load(stage / "etc/cbt-kiosk/kiosk.json")  # what the kiosk will read
    assert (config.host, config.port, config.fingerprint, config.workstation_id) == (
        "192.168.12.1", 8443, FP, "07")
    assert config.data_dir == Path("/var/lib/cbt-kiosk/data")
    assert config.workstation_key == "-k3y-from-enrolment1"  # a key may start with '-' (issue 17)
    assert (stage / "var/lib/cbt-kiosk/data").is_dir()
    installed = stage / "opt/bbzhm-cbt/exam-client"
    assert json.loads((installed / "build-info.json").read_text())["build_hash"] == json.loads(
        (bundle / "build-info.json").read_text())["build_hash"]
    assert "skipped under --root: systemctl enable cbt-kiosk.service" in first.stdout

    before = tree(stage)
    second = install(*args)
    assert second.returncode == 0, second.stderr
    assert tree(stage) == before, "a second run must change nothing"
    assert "wrote" not in second.stdout and "copied" not in second.stdout

    removed = subprocess.run(["bash", str(LINUX / "remove-kiosk.sh"), "--root", str(stage)],
                             capture_output=True, text=True)
    assert removed.returncode == 0, removed.stderr
    left = sorted(str(p.relative_to(stage)) for p in stage.rglob("*") if p.is_file())
    assert left == [], left
    assert (stage / "var/lib/cbt-kiosk/data").is_dir()  # the journals stay without --purge
    again = subprocess.run(["bash", str(LINUX / "remove-kiosk.sh"), "--root", str(stage), "--purge"],
                           capture_output=True, text=True)
    assert again.returncode == 0 and not (stage / "var/lib/cbt-kiosk").exists()


def test_linux_dry_run_changes_nothing(tmp_path: Path, bundle: Path, card: Path) -> None:
    stage = tmp_path / "stage"
    stage.mkdir()
    done = install("--bundle", str(bundle), "--card", str(card), "--workstation", "07", "--workstation-key=-k3y-from-enrolment1",
                   "--root", str(stage), "--no-packages", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would write /etc/systemd/system/cbt-kiosk.service" in done.stdout
    assert "would run: systemctl mask ctrl-alt-del.target" in done.stdout
    assert list(stage.rglob("*")) == []


def test_linux_install_refuses_a_damaged_bundle_and_a_bad_card(tmp_path: Path, bundle: Path,
                                                               card: Path) -> None:
    stage = tmp_path / "stage"
    bad_card = tmp_path / "bad.json"
    bad_card.write_text(json.dumps({"host": "0.0.0.0", "fingerprint": FP}), "utf-8")
    done = install("--bundle", str(bundle), "--card", str(bad_card), "--workstation", "07", "--workstation-key=-k3y-from-enrolment1",
                   "--root", str(stage), "--no-packages")
    assert done.returncode != 0 and "field 'host'" in done.stderr
    (bundle / "_internal" / "libpretend.so").write_bytes(b"\x7fELF changed")
    done = install("--bundle", str(bundle), "--card", str(card), "--workstation", "07", "--workstation-key=-k3y-from-enrolment1",
                   "--root", str(stage), "--no-packages")
    assert done.returncode != 0 and "differ from the build's manifest" in done.stderr
    assert not (stage / "opt").exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    unit = (LINUX / "files" / "cbt-kiosk.service").read_text("utf-8")
    for key, value in {"@USER@": "cbt-kiosk", "@PREFIX@": "/opt/bbzhm-cbt",
                       "@CONFIG@": "/etc/cbt-kiosk/kiosk.json", "@DATA@": "/var/lib/cbt-kiosk"}.items():
        unit = unit.replace(key, value)
    path = tmp_path / "cbt-kiosk.service"
    path.write_text(unit, "utf-8")
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(path)],
                          capture_output=True, text=True)
    if shutil.which("cage") is None:
        # `verify` also checks that ExecStart's program exists; on a machine without cage (the
        # kiosk image installs it) that one complaint is expected and any other still fails.
        others = [line for line in (done.stdout + done.stderr).splitlines()
                  if line.strip() and "/usr/bin/cage is not executable" not in line]
        assert not others, others
        return
    assert done.returncode == 0, done.stdout + done.stderr


# --- Windows --------------------------------------------------------------------------------------

NS = {"sl": "http://schemas.microsoft.com/ShellLauncher/2018/Configuration",
      "v2": "http://schemas.microsoft.com/ShellLauncher/2019/Configuration"}


def test_shell_launcher_xml_is_v2_and_runs_only_the_kiosk() -> None:
    root = ET.parse(WINDOWS / "ShellLauncher.xml").getroot()
    assert root.tag == f"{{{NS['sl']}}}ShellLauncherConfiguration"
    default = root.find("sl:Profiles/sl:DefaultProfile/sl:Shell", NS)
    assert default is not None and default.get("Shell").endswith("explorer.exe")
    profile = root.find("sl:Profiles/sl:Profile", NS)
    shell = profile.find("sl:Shell", NS)
    assert shell.get("Shell") == '"@EXAM_CLIENT@" --kiosk-session --config "@CONFIG@"'
    assert shell.get(f"{{{NS['v2']}}}AppType") == "Desktop"  # the v2 namespace: Shell Launcher v2
    assert shell.get(f"{{{NS['v2']}}}AllAppsFullScreen") == "true"
    codes = {c.get("ReturnCode"): c.get("Action") for c in shell.iter(f"{{{NS['sl']}}}ReturnCodeAction")}
    assert codes == {"0": "DoNothing"}  # closed with the proctor's code
    assert shell.find("sl:DefaultAction", NS).get("Action") == "RestartShell"  # a crash
    assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", profile.get("Id"))
    config = root.find("sl:Configs/sl:Config", NS)
    assert config.find("sl:AutoLogonAccount", NS) is not None
    assert config.find("sl:Profile", NS).get("Id") == profile.get("Id")


def ps1(name: str) -> str:
    return (WINDOWS / name).read_text("utf-8")


def test_powershell_scripts_install_and_remove_the_same_things() -> None:
    install_ps, remove_ps, apply_ps = (ps1(n) for n in (
        "install-kiosk.ps1", "remove-kiosk.ps1", "apply-shell-launcher.ps1"))
    for text in (install_ps, remove_ps):
        assert "#Requires -RunAsAdministrator" in text
        assert "SupportsShouldProcess = $true" in text  # -WhatIf: a dry run
        assert "Set-StrictMode -Version Latest" in text and "$ErrorActionPreference = 'Stop'" in text
    assert "apply-shell-launcher.ps1') -Xml $xmlPath -AsSystem" in install_ps
    assert "apply-shell-launcher.ps1') -Clear -AsSystem" in remove_ps
    assert "MDM_AssignedAccess" in apply_ps and "NT AUTHORITY\\SYSTEM" in apply_ps
    assert "Unregister-ScheduledTask" in apply_ps  # the one-off task does not stay behind
    set_policies = set(re.findall(r"'(Disable\w+|Hide\w+)'", install_ps))
    removed_policies = set(re.findall(r"'(Disable\w+|Hide\w+)'", remove_ps))
    assert set_policies and set_policies <= removed_policies
    assert "--kiosk-session" in ps1("ShellLauncher.xml")
    assert "cbt-kiosk-setup.exe" in install_ps and "build-manifest.sha256" in install_ps
    for name in ("install-kiosk.ps1", "remove-kiosk.ps1", "apply-shell-launcher.ps1"):
        text = re.sub(r"<#.*?#>", "", ps1(name), flags=re.S)  # help blocks,
        text = re.sub(r"(?m)^\s*#.*$", "", text)  # comments
        text = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", "", text)  # and strings aside
        assert text.count("{") == text.count("}"), name
        assert text.count("(") == text.count(")"), name


# --- frozen entry points --------------------------------------------------------------------------


def test_each_frozen_entry_runs_the_programs_main() -> None:
    """Every console script of pyproject has a frozen twin running the same main, in its bundle."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    spec = (PACKAGING / "pyinstaller" / "cbt.spec").read_text("utf-8")
    entries = {"exam-client": "run_exam_client.py", "cbt-kiosk-setup": "run_kiosk_setup.py",
               "proctor-console": "run_proctor_console.py", "central-scorer": "run_central_scorer.py"}
    for program, name in entries.items():
        module = scripts[program].split(":")[0]
        entry = PACKAGING / "pyinstaller" / "entries" / name
        assert f"from {module} import main" in entry.read_text("utf-8")
        assert f'("{program}", "{entry.name}"' in spec
    assert scripts["cbt-kiosk-setup"] == "exam_client.setup.command:main"


def test_the_kiosk_session_flag_is_taken_off_before_the_program_sees_it() -> None:
    entry = PACKAGING / "pyinstaller" / "entries" / "run_exam_client.py"
    done = subprocess.run([sys.executable, str(entry), "--kiosk-session", "--version"], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("exam-client ")
