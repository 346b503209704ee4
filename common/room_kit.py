"""The room kit: what the centre sends a school for one room (docs/room-kit.md).

A folder, written by `central-scorer room-kit` and read by `proctor-console init --kit` and the
desk's first run::

    kit.json           this manifest: schema, version, the files and their SHA-256
    room.json          the room configuration (ROOM_SCHEMA below; docs/schemas/room-config.schema.json)
    package.cbtpkg     the sealed exam package (opened on the day with the start code)
    centre-keys.json   the centre's public keys (for the kiosks' room card)
    guide-kk.pdf …     the representative's printable guide, one per language

The start code is never in the kit: it travels separately (`central-scorer start-code`), as §16
expects. The representative's PIN is not in it either: they choose it when the room is set up.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

KIT_SCHEMA, ROOM_SCHEMA, VERSION = "bbzhm-cbt/room-kit", "bbzhm-cbt/room-config", 1
MANIFEST, ROOM_FILE, PACKAGE_FILE, KEYS_FILE = "kit.json", "room.json", "package.cbtpkg", "centre-keys.json"

# The room configuration's fields: name → (required, JSON type, what it is).
ROOM_FIELDS: dict[str, tuple[bool, str, str]] = {
    "schema": (False, "string", f'always "{ROOM_SCHEMA}"'),
    "version": (False, "integer", f"the format's version ({VERSION})"),
    "room_id": (True, "string", "the room's id at the centre, e.g. R190745-12"),
    "organisation_code": (True, "string", "the organisation's code in the centre's records"),
    "organisation_name": (True, "string", "its name as printed on acts and sheets"),
    "room_no": (True, "string", "the room's number in the building"),
    "centre_id": (True, "string", "the centre's id"),
    "centre_sign_keys": (True, "object", "key id → Ed25519 public key (base64): whose packages to trust"),
    "centre_recipient_key": (True, "string", "X25519 public key (base64): to whom results are sealed"),
    "representative": (True, "object", "login and full_name of the representative (pin: chosen at set-up)"),
    "centre_url": (False, "string", "where results are uploaded (https://…)"),
    "centre_tls_ca": (False, "string", "PEM certificate that vouches for centre_url"),
    "language": (False, "string", "the representative's language: kk or ru (en for trials)"),
}
_TYPES = {"string": str, "integer": int, "object": dict}


class KitInvalid(ValueError):
    """The kit or its room configuration is not usable; the message names the field or file."""


def room_problems(config: Any) -> list[str]:
    """Every problem of a room configuration, each naming its field (empty: it is usable)."""
    if not isinstance(config, dict):
        return ["the room configuration must be a JSON object"]
    problems = []
    if config.get("schema", ROOM_SCHEMA) != ROOM_SCHEMA:
        problems.append(f"schema: expected {ROOM_SCHEMA!r}")
    if config.get("version", VERSION) != VERSION:
        problems.append(f"version: {config.get('version')!r} is not supported (this program reads {VERSION})")
    for name, (required, kind, _) in ROOM_FIELDS.items():
        if name not in config:
            if required:
                problems.append(f"{name}: missing")
            continue
        if not isinstance(config[name], _TYPES[kind]) or (kind == "string" and not config[name].strip()):
            problems.append(f"{name}: must be a non-empty {kind}")
    rep = config.get("representative")
    if isinstance(rep, dict):
        for name in ("login", "full_name"):
            if not isinstance(rep.get(name), str) or not rep[name].strip():
                problems.append(f"representative.{name}: missing")
    unknown = sorted(set(config) - set(ROOM_FIELDS))
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    return problems


def json_schema() -> dict[str, Any]:
    """The room configuration as JSON Schema (docs/schemas/room-config.schema.json; a test keeps
    the file current)."""
    props: dict[str, Any] = {name: {"type": kind, "description": text}
                             for name, (_, kind, text) in ROOM_FIELDS.items()}
    props["schema"]["const"] = ROOM_SCHEMA
    props["version"]["const"] = VERSION
    props["representative"].update(required=["login", "full_name"], properties={
        "login": {"type": "string"}, "full_name": {"type": "string"},
        "pin": {"type": "string", "description": "only for scripted trials; a kit never carries it"}})
    props["language"]["enum"] = ["kk", "ru", "en"]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Room configuration",
            "type": "object", "additionalProperties": False, "properties": props,
            "required": [n for n, (req, _, _) in ROOM_FIELDS.items() if req]}


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest(folder: Path, files: list[str], **about: Any) -> dict[str, Any]:
    return {"schema": KIT_SCHEMA, "version": VERSION, **about,
            "files": {name: sha256_file(folder / name) for name in sorted(files)}}


def read_kit(folder: Path) -> dict[str, Any]:
    """The kit's room configuration, after every file was found whole (a damaged copy is refused)."""
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        raise KitInvalid(f"{folder}: not a room kit (no {MANIFEST})")
    try:
        head = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise KitInvalid(f"{folder / MANIFEST}: not JSON ({exc})") from None
    if not isinstance(head, dict) or head.get("schema") != KIT_SCHEMA or head.get("version") != VERSION:
        raise KitInvalid(f"{folder / MANIFEST}: not a room kit of version {VERSION}")
    for name, digest in head.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise KitInvalid(f"{path}: missing from the kit")
        if sha256_file(path) != digest:
            raise KitInvalid(f"{path}: damaged (its SHA-256 differs from {MANIFEST}); copy the kit again")
    return read_room_config(folder / ROOM_FILE)


def read_room_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(Path(path).read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise KitInvalid(f"{path}: not JSON ({exc})") from None
    problems = room_problems(config)
    if problems:
        raise KitInvalid(f"{path}: {'; '.join(problems)}")
    return config
