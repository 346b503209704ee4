"""Frozen entry point: `exam_client.setup.command.main`, the `cbt-kiosk-setup` console script
(PyInstaller needs a script, not a module)."""

import sys

from exam_client.setup.command import main

sys.exit(main())
