"""Each program's data folder: where it is (the option, then an environment variable, then the
platform's place for user data) and whether it was ever set up. A mistyped folder is refused, never
silently created empty (a new room certificate no kiosk trusts, an empty centre)."""

from __future__ import annotations

import os
from pathlib import Path

from common.cli import errors
from common.cli.errors import CliError

APP = "bbzhm-cbt"

# Program → (environment variable, sub-folder of the platform's user data folder).
PROGRAMS = {
    "proctor-console": ("CBT_ROOM_DIR", "room"),
    "central-scorer": ("CBT_CENTRE_DIR", "centre"),
    "exam-client": ("CBT_KIOSK_DIR", "kiosk"),
}


def default_dir(program: str, env: dict[str, str] | None = None) -> Path:
    """The folder used when no --data-dir is given: $VAR, else the platform's user data folder
    (Linux ~/.local/share/bbzhm-cbt/…, Windows %LOCALAPPDATA%\\bbzhm-cbt\\…)."""
    env = os.environ if env is None else env
    variable, sub = PROGRAMS[program]
    if env.get(variable):
        return Path(env[variable])
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / sub


def describe_default(program: str) -> str:
    variable, _ = PROGRAMS[program]
    return f"default: ${variable}, else {default_dir(program, {})}"


def require(folder: Path, marker: str, program: str, init_hint: str) -> Path:
    """`folder` if `marker` (a file `init` writes) is in it; else stop with exit code 4."""
    folder = Path(folder)
    if not (folder / marker).is_file():
        raise CliError("not_initialised", errors.NOT_INITIALISED, code="not_initialised",
                       path=str(folder.absolute()), init=init_hint)
    return folder
