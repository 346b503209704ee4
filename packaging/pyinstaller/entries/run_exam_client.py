"""Frozen entry point of `exam-client` (PyInstaller needs a script, not a module).

`--kiosk-session` (first argument, frozen builds only) says that the operating system's kiosk set-up
started this program as the only thing on the screen (Windows Shell Launcher runs the command line it
was given and cannot set environment variables); the kiosk then reports its lock as on, exactly as
with ``CBT_KIOSK_LOCKED=1``, which the Linux cage unit sets.
"""

import os
import sys

if sys.argv[1:2] == ["--kiosk-session"]:
    del sys.argv[1]
    os.environ["CBT_KIOSK_LOCKED"] = "1"

from exam_client.cli import main  # noqa: E402

sys.exit(main())
