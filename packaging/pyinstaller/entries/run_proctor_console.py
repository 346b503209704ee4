"""Frozen entry point: `proctor_console.cli.main` (PyInstaller needs a script, not a module)."""

import sys

from proctor_console.cli import main

sys.exit(main())
