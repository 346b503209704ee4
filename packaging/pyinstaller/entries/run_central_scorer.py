"""Frozen entry point: `central_scorer.cli.main` (PyInstaller needs a script, not a module)."""

import sys

from central_scorer.cli.main import main

sys.exit(main())
