"""The kiosk's configuration, set up from one file or one QR code per room.

`cbt-kiosk-setup` (a console script from source; frozen next to ``exam-client`` and
``proctor-console``) makes the room's card, installs each PC's file from it, checks a file, and
runs the dry run on one PC. The files and the QR text are described in
`exam_client.setup.configuration`::

    cbt-kiosk-setup card --host 192.168.1.10 --port 8443 --fingerprint HEX \\
        --room-config room.json --out room-kiosk.json --qr room-kiosk.png
    cbt-kiosk-setup install --from room-kiosk.json --workstation 05 \\
        --data-dir /var/lib/cbt-kiosk --out /etc/cbt-kiosk/kiosk.json
    cbt-kiosk-setup install --from - ...        # one line from a USB QR scanner (it types)
    cbt-kiosk-setup show FILE                   # checks a file and prints it and its QR text
    cbt-kiosk-setup check --config /etc/cbt-kiosk/kiosk.json   # the dry run on one PC
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

DESCRIPTION = """Set the kiosks up from one room card (JSON or QR code): card, install, show, check.

The same commands run from source (a console script) and in the frozen build. Exit codes: 0 done,
1 a check failed, 2 wrong argument or card, 5 no such file, 70 internal error."""

from common.cli import errors
from common.cli.errors import CliError
from common.cli.runner import Parser, add_command, run
from exam_client.setup.configuration import (
    DEFAULT_PORT,
    LANGUAGES,
    KioskConfigError,
    KioskSetup,
    check_fingerprint,
    load,
    parse_text,
    qr_png,
    room_card,
    write,
)


def build_parser() -> Parser:
    from common.build_info import VersionAction

    parser = Parser(prog="cbt-kiosk-setup", description=DESCRIPTION)
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    card = add_command(sub, "card", "make the room's card: a JSON file and its QR code", [
        "cbt-kiosk-setup card --host 192.168.1.10 --cert room/tls/room-cert.pem "
        "--room-config kit/room.json --out room-card.json --qr room-card.png"])
    card.add_argument("--host", required=True, help="the room server's LAN address")
    card.add_argument("--port", type=int, default=DEFAULT_PORT)
    card.add_argument("--fingerprint", help="SHA-256 of the room server's certificate")
    card.add_argument("--cert", type=Path, help="... or the certificate itself (PEM)")
    card.add_argument("--room-config", type=Path,
                      help="the room's configuration (the kit's room.json): the centre's keys and "
                           "the room id are taken from it")
    card.add_argument("--centre-keys", type=Path,
                      help="... or a JSON file with centre_sign_keys (the kit's centre-keys.json)")
    card.add_argument("--room-id")
    card.add_argument("--language", choices=LANGUAGES, default="kk")
    card.add_argument("--exit-code-env", metavar="VAR",
                      help="read the proctor's exit code from this environment variable; only its "
                           "Argon2id hash goes on the card")
    card.add_argument("--out", type=Path, required=True, help="the card as JSON")
    card.add_argument("--qr", type=Path, help="the card as a QR code (PNG)")
    card.set_defaults(handler=_cmd_card)

    install = add_command(sub, "install", "write this PC's configuration from a room card", [
        "cbt-kiosk-setup install --from room-card.json --workstation 05 "
        "--data-dir /var/lib/cbt-kiosk --out /etc/cbt-kiosk/kiosk.json",
        "cbt-kiosk-setup install --from - --workstation 05 ...   # a USB QR scanner types the card"])
    install.add_argument("--from", dest="source", required=True,
                         help="the room card (JSON or QR text file), or '-' to read one line "
                              "(a USB QR scanner types it)")
    install.add_argument("--workstation", help="this PC's seat (unless the card names it)")
    install.add_argument("--workstation-key",
                         help="this PC's enrolment credential, printed once by the room when the "
                              "representative enrolled the seat (proctor-console enrol)")
    install.add_argument("--data-dir", required=True, help="where this PC keeps its journals and log")
    install.add_argument("--out", type=Path, required=True)
    install.add_argument("--no-create-data-dir", action="store_true",
                         help="leave the data folder to the installer (it sets its owner)")
    install.set_defaults(handler=_cmd_install)

    show = add_command(sub, "show", "check a card or a PC's file; print it and its QR text", [
        "cbt-kiosk-setup show /etc/cbt-kiosk/kiosk.json"])
    show.add_argument("path", type=Path)
    show.set_defaults(handler=_cmd_show)

    check = add_command(sub, "check", "the dry run on one PC: configuration, build, data folder, "
                                      "and the room server (pinned certificate)", [
        "cbt-kiosk-setup check --config /etc/cbt-kiosk/kiosk.json"])
    check.add_argument("--config", type=Path, required=True)
    check.add_argument("--timeout", type=float, default=5.0)
    check.set_defaults(handler=_cmd_check)
    return parser


def translate(exc: BaseException) -> CliError | None:
    if isinstance(exc, KioskConfigError):
        return CliError("invalid", errors.USAGE, code="bad_card", reason=str(exc))
    return None


def main(argv: list[str] | None = None) -> int:
    return run(build_parser(), argv, translate=translate)


def _cmd_card(args: argparse.Namespace) -> int:
    keys: dict[str, str] = {}
    room_id = args.room_id
    for path in (args.room_config, args.centre_keys):
        if path is None:
            continue
        try:
            data = json.loads(path.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise KioskConfigError(str(path), None, f"not valid JSON at line {exc.lineno}: "
                                                    f"{exc.msg}") from None
        if not isinstance(data, dict) or not isinstance(data.get("centre_sign_keys"), dict):
            raise KioskConfigError(str(path), "centre_sign_keys", "missing")
        keys.update(data["centre_sign_keys"])
        room_id = room_id or data.get("room_id")
    if not keys:
        raise KioskConfigError("card", "centre_sign_keys",
                               "give --room-config or --centre-keys (the centre's public keys)")
    fingerprint = args.fingerprint
    if args.cert is not None:
        from common.crypto.tls import fingerprint_of_pem

        from_cert = fingerprint_of_pem(args.cert.read_bytes())
        if fingerprint and check_fingerprint(fingerprint, "card") != from_cert:
            raise KioskConfigError("card", "fingerprint", f"does not match {args.cert}")
        fingerprint = from_cert
    exit_hash = None
    if args.exit_code_env:
        code = os.environ.get(args.exit_code_env, "")
        if len(code) < 6:
            raise KioskConfigError("card", "exit_code_hash", f"${args.exit_code_env} should hold "
                                                             "the proctor's code (6 or more characters)")
        from common.crypto.passwords import hash_password

        exit_hash = hash_password(code)
    setup = room_card(args.host, args.port, fingerprint, keys, room_id, args.language, exit_hash)
    write(setup, args.out)
    result = {"card": str(args.out), "qr_text": setup.to_qr()}
    if args.qr is not None:
        result["qr"] = str(qr_png(setup.to_qr(), args.qr))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _cmd_install(args: argparse.Namespace) -> int:
    if args.source == "-":
        line = sys.stdin.readline()
        setup = parse_text(line, "scanned code")
    else:
        setup = load(Path(args.source))
    pc = setup.for_workstation(args.workstation, args.data_dir, args.workstation_key)
    if not args.no_create_data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    write(pc, args.out)
    shown = {**pc.to_dict(), "workstation_key": "(written, not shown)"}
    print(json.dumps({"written": str(args.out), **shown}, ensure_ascii=False, indent=2))
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    setup = load(args.path)
    print(json.dumps({**setup.to_dict(), "qr_text": setup.to_qr()}, ensure_ascii=False, indent=2))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """Each line a finding; exit 0 only when all are fine (what the dry run before the day asks)."""
    from common.build_info import build_hash, bundle_root, verify

    checks: list[dict[str, Any]] = []

    def note(name: str, ok: bool, detail: Any) -> None:
        checks.append({"check": name, "ok": ok, "detail": detail})

    setup = load(args.config)
    note("configuration", setup.workstation_id is not None and setup.data_dir is not None,
         {"workstation_id": setup.workstation_id, "room_id": setup.room_id,
          "server": f"{setup.host}:{setup.port}"})
    root = bundle_root()
    if root is not None:
        result = verify(root)
        note("build", result["ok"], result)
    else:
        note("build", True, {"build_hash": build_hash(), "from": "source"})
    if setup.data_dir:
        data = Path(setup.data_dir)
        try:
            data.mkdir(parents=True, exist_ok=True)
            probe = data / ".write-test"
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"ok")
                os.fsync(fd)  # the journal fsyncs every answer: the disk must take it
            finally:
                os.close(fd)
            probe.unlink()
            free_mb = shutil.disk_usage(data).free // (1024 * 1024)
            note("data_dir", free_mb >= 200, {"path": str(data), "free_mb": free_mb})
        except OSError as exc:
            note("data_dir", False, {"path": str(data), "error": str(exc)})
    note("room_server", *_probe_room(setup, args.timeout))
    note("kiosk_lock", os.environ.get("CBT_KIOSK_LOCKED") == "1",
         "CBT_KIOSK_LOCKED=1 is set by the kiosk session (cage / Shell Launcher); a check run "
         "from an administrator's shell shows false")
    for row in checks:
        print(json.dumps(row, ensure_ascii=False))
    essential = [c for c in checks if c["check"] != "kiosk_lock"]
    return 0 if all(c["ok"] for c in essential) else 1


def _probe_room(setup: KioskSetup, timeout: float) -> tuple[bool, Any]:
    import httpx

    from common.crypto.tls import CertificatePinMismatch, pinned_context

    try:
        ctx = pinned_context(setup.host, setup.port, setup.fingerprint, timeout=timeout)
        with httpx.Client(base_url=f"https://{setup.host}:{setup.port}", verify=ctx,
                          timeout=timeout) as client:
            status = client.get("/api/v1/status").json()
    except CertificatePinMismatch as exc:
        return False, {"error": "pin_mismatch", "message": str(exc)}
    except (OSError, httpx.HTTPError, ValueError) as exc:
        return False, {"error": "unreachable", "message": str(exc) or type(exc).__name__}
    if setup.room_id and status.get("room_id") != setup.room_id:
        return False, {"error": "other_room", "room_id": status.get("room_id")}
    return True, status


if __name__ == "__main__":
    sys.exit(main())
