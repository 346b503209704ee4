"""The kiosk's configuration, set up from one file or one QR code per room.

What a lab PC needs to know to sit a test: where the room server is (host and port), how to know it
is the right one (the SHA-256 fingerprint of its certificate), which seat it is (the workstation
id), and the centre's public signing keys. The representative makes one *room card* (a JSON file and
the same content as a QR code); the school's IT teacher installs each PC from it, adding the seat.

Two forms, one meaning:

* a JSON file (``format: "cbt-kiosk/1"``) with the fields of `KioskSetup`;
* a QR text ``cbt-kiosk:1;host=…;port=…;fp=…;room=…;lang=kk;ws=…;keys=<key id>:<base64>,…;exit=…``
  (fields separated by ``;``, each ``name=value``). The credential slips' shorter
  ``cbt-room:1;host=…;port=…;fp=…;ws=…`` (common/documents/slips.py) is read as well.

The PC's own file (written by ``install``) is the same JSON plus ``workstation_id`` and
``data_dir``: exactly what ``exam_client.engine.KioskConfig.load`` reads.

Command line (frozen as ``cbt-kiosk-setup`` next to ``exam-client`` and ``proctor-console``)::

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
import base64
import binascii
import ipaddress
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "cbt-kiosk/1"
QR_PREFIX = "cbt-kiosk:1"
SLIP_PREFIX = "cbt-room:1"  # the credential slips' QR (no keys): common/documents/slips.py
LANGUAGES = ("kk", "ru", "en")
DEFAULT_PORT = 8443
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_WORKSTATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
# The order of the QR fields (shorter names, so the code stays small and easy to scan).
_QR_FIELDS = (("host", "host"), ("port", "port"), ("fp", "fingerprint"), ("room", "room_id"),
              ("lang", "language"), ("ws", "workstation_id"), ("keys", "centre_sign_keys"),
              ("exit", "exit_code_hash"))


class KioskConfigError(ValueError):
    """A configuration that cannot be used; the message names the source and the field."""

    def __init__(self, source: str, field_name: str | None, problem: str):
        where = f"{source}: field {field_name!r}: " if field_name else f"{source}: "
        super().__init__(where + problem)
        self.source = source
        self.field = field_name
        self.problem = problem


@dataclass(frozen=True)
class KioskSetup:
    """One room's kiosk settings (and, on a PC, its seat and where its journals go)."""

    host: str
    port: int
    fingerprint: str  # SHA-256 of the room server's certificate, 64 lowercase hex digits
    centre_sign_keys: dict[str, str] = field(default_factory=dict)  # key id -> base64 Ed25519 key
    room_id: str | None = None
    language: str = "kk"
    workstation_id: str | None = None
    exit_code_hash: str | None = None  # Argon2id hash of the proctor's code that closes the kiosk
    data_dir: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (what `exam_client.engine.KioskConfig.load` reads once a PC has its seat
        and data directory)."""
        data: dict[str, Any] = {"format": FORMAT, "host": self.host, "port": self.port,
                                "fingerprint": self.fingerprint,
                                "centre_sign_keys": dict(sorted(self.centre_sign_keys.items())),
                                "language": self.language}
        for name in ("room_id", "workstation_id", "exit_code_hash", "data_dir"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_qr(self) -> str:
        """The QR text (no data directory: that is the PC's business)."""
        parts = [QR_PREFIX]
        for short, name in _QR_FIELDS:
            value = getattr(self, name)
            if name == "centre_sign_keys":
                if value:
                    parts.append("keys=" + ",".join(f"{k}:{v}" for k, v in sorted(value.items())))
            elif name == "language":
                parts.append(f"lang={value}")
            elif value is not None:
                parts.append(f"{short}={value}")
        return ";".join(parts)

    def for_workstation(self, workstation_id: str | None, data_dir: str | Path) -> "KioskSetup":
        """This room's settings for one PC: its seat and its journal directory."""
        ws = workstation_id if workstation_id is not None else self.workstation_id
        if ws is None:
            raise KioskConfigError("install", "workstation_id",
                                   "this PC's seat is needed (--workstation), the room card has none")
        checked = _check(dict(self.to_dict(), workstation_id=ws, data_dir=str(data_dir)), "install",
                         need_data_dir=True)
        return checked


# --- reading ---------------------------------------------------------------------------------------


def parse_qr(text: str, source: str = "QR code") -> KioskSetup:
    """Read a QR text (``cbt-kiosk:1;…`` or the slips' ``cbt-room:1;…``)."""
    text = text.strip().lstrip("\ufeff")
    head, _, rest = text.partition(";")
    if head not in (QR_PREFIX, SLIP_PREFIX):
        raise KioskConfigError(source, None, f"not a kiosk configuration code (it should start "
                                             f"with {QR_PREFIX!r}); read {text[:24]!r}")
    names = dict(_QR_FIELDS)
    raw: dict[str, Any] = {}
    for number, part in enumerate(filter(None, rest.split(";")), start=2):
        short, sep, value = part.partition("=")
        if not sep or short not in names:
            raise KioskConfigError(source, None, f"part {number} ({part[:20]!r}) is not one of "
                                                 f"{', '.join(names)} followed by '='")
        name = names[short]
        if name in raw:
            raise KioskConfigError(source, name, "given twice")
        if name == "centre_sign_keys":
            keys: dict[str, str] = {}
            for item in filter(None, value.split(",")):
                kid, colon, key = item.partition(":")
                if not colon:
                    raise KioskConfigError(source, name, f"{item[:20]!r} should be '<key id>:<key>'")
                keys[kid] = key
            raw[name] = keys
        else:
            raw[name] = value
    return _check(raw, source)


def parse_json(text: str, source: str = "kiosk configuration") -> KioskSetup:
    try:
        raw = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise KioskConfigError(source, None, f"not valid JSON at line {exc.lineno}, column "
                                             f"{exc.colno}: {exc.msg}") from None
    if not isinstance(raw, dict):
        raise KioskConfigError(source, None, "expected a JSON object { ... }")
    fmt = raw.get("format", FORMAT)
    if fmt != FORMAT:
        raise KioskConfigError(source, "format", f"expected {FORMAT!r}, found {fmt!r}")
    return _check(raw, source)


def parse_text(text: str, source: str = "kiosk configuration") -> KioskSetup:
    """A file's or a scanner's text: JSON, or a QR text."""
    stripped = text.strip().lstrip("\ufeff")
    if stripped.startswith("{"):
        return parse_json(stripped, source)
    return parse_qr(stripped, source)


def load(path: Path) -> KioskSetup:
    """Read a room card or a PC's configuration file (JSON or QR text)."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise KioskConfigError(str(path), None, "not a UTF-8 text file") from None
    return parse_text(text, str(path))


def _check(raw: dict[str, Any], source: str, need_data_dir: bool = False) -> KioskSetup:
    known = {"format", *(name for _, name in _QR_FIELDS), "data_dir"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise KioskConfigError(source, unknown[0], f"unknown field (expected some of "
                                                   f"{', '.join(sorted(known))})")
    host = _check_host(raw.get("host"), source)
    port = _check_port(raw.get("port", DEFAULT_PORT), source)
    fingerprint = _check_fingerprint(raw.get("fingerprint"), source)
    keys = _check_keys(raw.get("centre_sign_keys") or {}, source)
    language = raw.get("language") or "kk"
    if language not in LANGUAGES:
        raise KioskConfigError(source, "language", f"{language!r} is not one of {', '.join(LANGUAGES)}")
    room_id = _optional_text(raw, "room_id", source, 64)
    ws = raw.get("workstation_id")
    if ws is not None:
        ws = str(ws).strip()
        if not _WORKSTATION.match(ws):
            raise KioskConfigError(source, "workstation_id", f"{ws!r} should be 1-64 letters, digits, "
                                                            "'.', '_' or '-' (the seat, e.g. 05)")
    exit_hash = _optional_text(raw, "exit_code_hash", source, 256)
    if exit_hash is not None and not exit_hash.startswith("argon2id$"):
        raise KioskConfigError(source, "exit_code_hash", "expected an Argon2id hash "
                                                         "('argon2id$t=…'), never the code itself")
    data_dir = _optional_text(raw, "data_dir", source, 4096)
    if need_data_dir and not data_dir:
        raise KioskConfigError(source, "data_dir", "the folder for this PC's journals is needed")
    return KioskSetup(host=host, port=port, fingerprint=fingerprint, centre_sign_keys=keys,
                      room_id=room_id, language=language, workstation_id=ws,
                      exit_code_hash=exit_hash, data_dir=data_dir)


def _check_host(value: Any, source: str) -> str:
    if value is None or str(value).strip() == "":
        raise KioskConfigError(source, "host", "the room server's address is missing")
    host = str(value).strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if len(host) > 253 or not _HOST.match(host):
            raise KioskConfigError(source, "host", f"{host!r} is neither an IP address nor a host "
                                                   "name") from None
        return host.lower()
    if address.is_unspecified:
        raise KioskConfigError(source, "host", f"{host} is the address the server listens on, not "
                                               "one a kiosk can reach: use the PC's LAN address")
    return str(address)


def _check_port(value: Any, source: str) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        port = -1
    if not 1 <= port <= 65535 or isinstance(value, bool):
        raise KioskConfigError(source, "port", f"should be a whole number from 1 to 65535, not {value!r}")
    return port


def _check_fingerprint(value: Any, source: str) -> str:
    if not value:
        raise KioskConfigError(source, "fingerprint", "the room server's certificate fingerprint "
                                                      "(SHA-256) is missing")
    fp = str(value).strip().lower().replace(":", "").replace(" ", "")
    if len(fp) != 64 or any(c not in "0123456789abcdef" for c in fp):
        raise KioskConfigError(source, "fingerprint", f"should be 64 hexadecimal digits (SHA-256), "
                                                      f"got {len(fp)} characters")
    return fp


def _check_keys(value: Any, source: str) -> dict[str, str]:
    from common.crypto.signing import key_id

    if not isinstance(value, dict):
        raise KioskConfigError(source, "centre_sign_keys", "expected {key id: base64 public key}")
    keys = {}
    for kid, b64 in value.items():
        kid = str(kid).strip().lower()
        if not _KEY_ID.match(kid):
            raise KioskConfigError(source, "centre_sign_keys", f"key id {kid!r} should be 16 "
                                                               "hexadecimal digits")
        try:
            raw = base64.b64decode(str(b64), validate=True)
        except (binascii.Error, ValueError):
            raise KioskConfigError(source, "centre_sign_keys",
                                   f"key {kid} is not valid base64") from None
        if len(raw) != 32:
            raise KioskConfigError(source, "centre_sign_keys",
                                   f"key {kid} should be 32 bytes (Ed25519), not {len(raw)}")
        if key_id(raw) != kid:
            raise KioskConfigError(source, "centre_sign_keys",
                                   f"key {kid} does not match its id (a mistyped or mixed-up key)")
        keys[kid] = base64.b64encode(raw).decode()
    return keys


def _optional_text(raw: dict[str, Any], name: str, source: str, limit: int) -> str | None:
    value = raw.get(name)
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if len(text) > limit or ";" in text or "\n" in text:
        raise KioskConfigError(source, name, f"should be at most {limit} characters on one line, "
                                             "without ';'")
    return text


# --- producing -------------------------------------------------------------------------------------


def room_card(host: str, port: int, fingerprint: str, centre_sign_keys: dict[str, str],
              room_id: str | None = None, language: str = "kk",
              exit_code_hash: str | None = None, workstation_id: str | None = None) -> KioskSetup:
    """The room's card (or one PC's, with its seat), checked as a kiosk will check it."""
    raw = {"host": host, "port": port, "fingerprint": fingerprint,
           "centre_sign_keys": centre_sign_keys, "room_id": room_id, "language": language,
           "exit_code_hash": exit_code_hash, "workstation_id": workstation_id}
    return _check(raw, "room card")


def qr_png(text: str, path: Path, box_size: int = 8) -> Path:
    """The QR code as a PNG (level M, 4-module quiet zone), written durably."""
    import io

    import qrcode
    import qrcode.constants

    from common.durable import write_durably

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size,
                         border=4)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    write_durably(Path(path), buffer.getvalue())
    return Path(path)


def write(setup: KioskSetup, path: Path) -> Path:
    from common.durable import write_durably

    write_durably(Path(path), setup.to_json().encode("utf-8"))
    return Path(path)


# --- the command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from common.build_info import VersionAction

    parser = argparse.ArgumentParser(prog="cbt-kiosk-setup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)

    card = sub.add_parser("card", help="make the room's card: a JSON file and its QR code")
    card.add_argument("--host", required=True, help="the room server's LAN address")
    card.add_argument("--port", type=int, default=DEFAULT_PORT)
    card.add_argument("--fingerprint", help="SHA-256 of the room server's certificate")
    card.add_argument("--cert", type=Path, help="... or the certificate itself (PEM)")
    card.add_argument("--room-config", type=Path,
                      help="the room's configuration (proctor-console init --config): the centre's "
                           "keys and the room id are taken from it")
    card.add_argument("--centre-keys", type=Path,
                      help="... or a JSON file with centre_sign_keys (central-scorer init prints it)")
    card.add_argument("--room-id")
    card.add_argument("--language", choices=LANGUAGES, default="kk")
    card.add_argument("--exit-code-env", metavar="VAR",
                      help="read the proctor's exit code from this environment variable; only its "
                           "Argon2id hash goes on the card")
    card.add_argument("--out", type=Path, required=True, help="the card as JSON")
    card.add_argument("--qr", type=Path, help="the card as a QR code (PNG)")

    install = sub.add_parser("install", help="write this PC's configuration from a room card")
    install.add_argument("--from", dest="source", required=True,
                         help="the room card (JSON or QR text file), or '-' to read one line "
                              "(a USB QR scanner types it)")
    install.add_argument("--workstation", help="this PC's seat (unless the card names it)")
    install.add_argument("--data-dir", required=True, help="where this PC keeps its journals")
    install.add_argument("--out", type=Path, required=True)
    install.add_argument("--no-create-data-dir", action="store_true",
                         help="leave the data folder to the installer (it sets its owner)")

    show = sub.add_parser("show", help="check a card or a PC's file; print it and its QR text")
    show.add_argument("path", type=Path)

    check = sub.add_parser("check", help="the dry run on one PC: configuration, build, data "
                                         "folder, and the room server (pinned certificate)")
    check.add_argument("--config", type=Path, required=True)
    check.add_argument("--timeout", type=float, default=5.0)

    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except KioskConfigError as exc:
        print(f"cbt-kiosk-setup: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cbt-kiosk-setup: error: {exc}", file=sys.stderr)
        return 2


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
        if fingerprint and _check_fingerprint(fingerprint, "card") != from_cert:
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
    pc = setup.for_workstation(args.workstation, args.data_dir)
    if not args.no_create_data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    write(pc, args.out)
    print(json.dumps({"written": str(args.out), **pc.to_dict()}, ensure_ascii=False, indent=2))
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


_COMMANDS = {"card": _cmd_card, "install": _cmd_install, "show": _cmd_show, "check": _cmd_check}


if __name__ == "__main__":
    sys.exit(main())
