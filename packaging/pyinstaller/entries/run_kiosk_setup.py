"""Frozen entry point: `common.kiosk_config.main` (PyInstaller needs a script, not a module)."""

import sys

from common.kiosk_config import main

sys.exit(main())
