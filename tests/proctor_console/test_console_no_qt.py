"""The room server and the room's commands run without Qt: on a server with no display libraries,
`proctor-console serve` (and init, seal, roster, act, audit, export) must start."""

from __future__ import annotations

import subprocess
import sys

IMPORT_ALL = """
import pkgutil, sys
import proctor_console.room
from proctor_console import cli
for info in pkgutil.walk_packages(proctor_console.room.__path__, "proctor_console.room."):
    __import__(info.name)
try:
    cli.main(["serve", "--help"])
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print("Qt modules loaded:", ",".join(loaded))
"""


def test_the_room_server_and_its_commands_load_no_qt() -> None:
    done = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.splitlines()[-1] == "Qt modules loaded: ", done.stdout
