"""Setting a room up from the centre's kit (common/room_kit.py): the configuration, the PIN the
representative chooses, and the sealed package. One way, used by `proctor-console init` and by the
desk's first run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common.room_kit import PACKAGE_FILE, read_kit
from proctor_console.room.errors import RoomError

MIN_PIN = 4


def set_up(folder: Path, config: dict[str, Any], pin: str, password_params: Any = None,
           package: bytes | None = None) -> dict[str, Any]:
    """Configure the room in `folder`; the PIN comes from the representative unless the
    configuration carries one (scripted trials). Returns what the centre must trust."""
    from proctor_console.room.room import Room

    rep = dict(config["representative"])
    if not rep.get("pin"):
        if len(pin) < MIN_PIN:
            raise RoomError(f"the PIN must have at least {MIN_PIN} characters")
        rep["pin"] = pin
    kwargs = {"password_params": password_params} if password_params else {}
    room = Room(folder, **kwargs)
    result = room.configure({**{k: v for k, v in config.items()
                                if k not in ("schema", "version", "language")}, "representative": rep})
    if package is not None:
        result["package"] = room.import_package(package, rep["login"])
    result["data_dir"] = str(folder)
    return result


def set_up_from_kit(folder: Path, kit: Path, pin: str, password_params: Any = None) -> dict[str, Any]:
    """`set_up` from a kit's folder (checked whole first: `KitInvalid` names the damaged file)."""
    config = read_kit(kit)
    package = (kit / PACKAGE_FILE).read_bytes() if (kit / PACKAGE_FILE).is_file() else None
    return set_up(folder, config, pin, password_params, package)
