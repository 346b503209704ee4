"""How every `central-scorer` sub-command prints a result: indented JSON, Kazakh and Russian
letters as they are."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
