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
``data_dir``: exactly what ``exam_client.engine.config.KioskConfig.load`` reads.

The command that makes and installs these files is `exam_client.setup.command` (`cbt-kiosk-setup`).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
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
_WORKSTATION_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# The order of the QR fields (shorter names, so the code stays small and easy to scan).
_QR_FIELDS = (("host", "host"), ("port", "port"), ("fp", "fingerprint"), ("room", "room_id"),
              ("lang", "language"), ("ws", "workstation_id"), ("keys", "centre_sign_keys"),
              ("exit", "exit_code_hash"), ("wk", "workstation_key"))


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
    # The PC's credential from its enrolment at the room (proctor_console/room/enrolment.py):
    # on a PC's own file, never on the room card that every PC shares.
    workstation_key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (what `exam_client.engine.config.KioskConfig.load` reads once a PC has its seat
        and data directory)."""
        data: dict[str, Any] = {"format": FORMAT, "host": self.host, "port": self.port,
                                "fingerprint": self.fingerprint,
                                "centre_sign_keys": dict(sorted(self.centre_sign_keys.items())),
                                "language": self.language}
        for name in ("room_id", "workstation_id", "exit_code_hash", "data_dir", "workstation_key"):
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

    def for_workstation(self, workstation_id: str | None, data_dir: str | Path,
                        workstation_key: str | None = None) -> "KioskSetup":
        """This room's settings for one PC: its seat, its enrolment credential and its journal
        directory."""
        ws = workstation_id if workstation_id is not None else self.workstation_id
        if ws is None:
            raise KioskConfigError("install", "workstation_id",
                                   "this PC's seat is needed (--workstation), the room card has none")
        key = workstation_key if workstation_key is not None else self.workstation_key
        if key is None:
            raise KioskConfigError("install", "workstation_key", "this PC's enrolment credential is "
                                   "needed (--workstation-key): the representative enrols the seat")
        checked = _check(dict(self.to_dict(), workstation_id=ws, data_dir=str(data_dir),
                              workstation_key=key), "install", need_data_dir=True)
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
    fingerprint = check_fingerprint(raw.get("fingerprint"), source)
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
    key = raw.get("workstation_key")
    if key is not None and not _WORKSTATION_KEY.match(str(key)):
        raise KioskConfigError(source, "workstation_key", "should be the 20 characters the room "
                                                          "printed when it enrolled this seat")
    if need_data_dir and not data_dir:
        raise KioskConfigError(source, "data_dir", "the folder for this PC's journals is needed")
    return KioskSetup(host=host, port=port, fingerprint=fingerprint, centre_sign_keys=keys,
                      room_id=room_id, language=language, workstation_id=ws,
                      exit_code_hash=exit_hash, data_dir=data_dir,
                      workstation_key=None if key is None else str(key))


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


def check_fingerprint(value: Any, source: str) -> str:
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
    from common.documents.qr_image import qr_png_bytes
    from common.durable import write_durably

    write_durably(Path(path), qr_png_bytes(text, box_size=box_size, border=4))
    return Path(path)


def write(setup: KioskSetup, path: Path) -> Path:
    from common.durable import write_durably

    write_durably(Path(path), setup.to_json().encode("utf-8"))
    return Path(path)
