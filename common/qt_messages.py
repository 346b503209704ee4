"""Qt's own messages while the screens are drawn offscreen (screenshots): one known line dropped.

Only QtCore is used here (no widgets), so both Qt programs share it under the house rules.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

# The offscreen platform cannot pass a window's size hints on, and says so at every resize. The
# message means nothing for a picture drawn offscreen; this one alone is dropped while drawing.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


@contextmanager
def without_offscreen_noise() -> Iterator[None]:
    from PySide6.QtCore import qInstallMessageHandler

    def handler(kind, context, message: str) -> None:
        if message == OFFSCREEN_NOISE:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
