"""The `sh` blocks of a Markdown guide, as one script (tests/test_exam_day_guide.py, make rehearsal)."""

from __future__ import annotations

import re
from pathlib import Path

BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)


def sh_blocks(path: Path) -> list[str]:
    return BLOCK.findall(Path(path).read_text("utf-8"))


def script(path: Path) -> str:
    """Every block in order, each announced on stderr (a failure names the step it stopped at)."""
    parts = ["#!/usr/bin/env bash"]
    for number, block in enumerate(sh_blocks(path), start=1):
        parts.append(f"echo '--- guide step {number}' >&2")
        parts.append(block)
    return "\n".join(parts) + "\n"
