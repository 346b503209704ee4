"""A guard against a reference-count bug of PySide6 6.12.0 on CPython 3.11.

In that binding a C++ method returning ``void`` hands Python ``None`` without taking a reference
to it, so every such call (``label.setText(...)``, ``widget.resize(...)``, ...) takes one
reference away from ``None``. CPython 3.11 counts references to ``None`` like any other object:
after a few thousand calls — a minute of a ticking clock on the screen — the count reaches zero
and the interpreter aborts with "Fatal Python error: none_dealloc: deallocating None". Since
CPython 3.12 ``None``, ``True`` and ``False`` are immortal and the bug is harmless.

Until a fixed PySide6 can be installed, every Qt program (the kiosk, the proctor's desk) gives those three singletons a reference count
that no process can use up (2**48 more). They are never freed anyway; nothing else changes.
`tests/exam_client/test_kiosk_screens_qt.py` checks that the guard is in place and still needed.
"""

from __future__ import annotations

import ctypes
import sys

EXTRA_REFERENCES = 1 << 48
_protected = False


def needed() -> bool:
    """Whether this interpreter counts references to None (before 3.12, not a debug build)."""
    return sys.version_info < (3, 12) and not hasattr(sys, "gettotalrefcount")


def protect_singletons() -> bool:
    """Raise the reference counts of None, True and False once; returns whether it did."""
    global _protected
    if _protected or not needed():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11.
        ctypes.c_ssize_t.from_address(id(obj)).value += EXTRA_REFERENCES
    _protected = True
    return True
