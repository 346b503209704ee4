"""A window's cell on the screen, given as fractions of the screen's free area: how the demo lays
the desk and its kiosks side by side on any screen (a 1366×768 laptop included).

`--place 0.5,0,0.25,0.5` means: from half the width, at the top, a quarter wide, half high.
Neighbouring cells share their edges exactly (both are rounded from the same fraction), and the
window manager's frame is taken off the window's size, so no two windows overlap.
"""

from __future__ import annotations

import math

Rect = tuple[int, int, int, int]  # x, y, width, height


def parse_place(text: str) -> tuple[float, float, float, float]:
    """`X,Y,W,H` as fractions of the free area; ValueError with the reason otherwise."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError("--place is X,Y,WIDTH,HEIGHT as fractions of the screen, like 0.5,0,0.25,0.5")
    x, y, w, h = (float(p) for p in parts)
    if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
        raise ValueError("--place must lie within the screen: 0 ≤ X < 1, 0 < WIDTH ≤ 1 − X (Y, HEIGHT alike)")
    return x, y, w, h


def cell(place: tuple[float, float, float, float], area: Rect) -> Rect:
    """The cell's pixels within the free area (x, y, width, height)."""
    ax, ay, aw, ah = area
    fx, fy, fw, fh = place
    left, right = ax + round(fx * aw), ax + round(min(1.0, fx + fw) * aw)
    top, bottom = ay + round(fy * ah), ay + round(min(1.0, fy + fh) * ah)
    return left, top, right - left, bottom - top


def client_rect(place: tuple[float, float, float, float], area: Rect,
                frame: tuple[int, int, int, int] = (0, 0, 0, 0), scale: float = 1.0) -> Rect:
    """Where the window's content goes so that its frame (left, top, right, bottom margins the
    window manager adds) fills the cell and no more.

    All in the window's own (logical) pixels. Drawn at a `scale` that is not whole (Qt's
    QT_SCALE_FACTOR), Qt rounds the position and the size each to screen pixels, which may take
    one pixel more than the cell: the window then gives up one screen pixel at its right and
    bottom edges."""
    x, y, width, height = cell(place, area)
    left, top, right, bottom = frame
    spare = 0 if float(scale).is_integer() else math.ceil(1 / scale)
    return (x + left, y + top, max(1, width - left - right - spare),
            max(1, height - top - bottom - spare))


def place_window(window, place: tuple[float, float, float, float]) -> None:
    """Put a Qt window (any QWidget, taken as it is: this module imports no Qt) in its cell of its
    screen's free area, its frame included; call it again once the window manager has framed it."""
    area = window.screen().availableGeometry()
    handle = window.windowHandle()
    m = handle.frameMargins() if handle is not None else None
    frame = (m.left(), m.top(), m.right(), m.bottom()) if m is not None else (0, 0, 0, 0)
    x, y, width, height = client_rect(place, (area.x(), area.y(), area.width(), area.height()), frame,
                                      window.devicePixelRatioF())
    window.setGeometry(x, y, width, height)
