"""QR codes drawn as vector squares in our PDFs (no bitmap, so they print sharp at any size).

The matrix comes from the `qrcode` package (error correction M: a slip that is folded or
smudged still reads); reportlab only draws it.
"""

from __future__ import annotations

import qrcode
import qrcode.constants
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


# The mask pattern is fixed rather than chosen by scoring all eight: any mask reads the same in
# every reader (the code carries which one it uses), and scoring them was 70% of the time of a
# thousand credential slips (pyinstrument; bench/findings.md). The scans of our slips and acts in
# tests/proctor_console/test_console_documents.py read them back with OpenCV.
MASK_PATTERN = 2


def qr_matrix(payload: str) -> list[list[bool]]:
    """The modules of the smallest QR code (level M) that holds `payload` (UTF-8)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0,
                         mask_pattern=MASK_PATTERN)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


class QRFlowable(Flowable):
    """A square QR code `size` points wide, including its quiet zone.

    Drawn as one path: a rectangle per run of dark modules in the code's own grid (integer
    coordinates under one scale), filled once. One `rect` call per run formatted every number
    of a thousand slips' codes and was most of their time (bench/findings.md).
    """

    def __init__(self, payload: str, size: float = 30 * mm):
        super().__init__()
        self.payload = payload
        self.size = size
        self.matrix = qr_matrix(payload)
        self.path = module_path(self.matrix)
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        n = len(self.matrix)
        module = self.size / (n + 2 * QUIET_ZONE)
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        # The code's grid: one unit per module, rows downwards from the top left of the code.
        canvas.translate(QUIET_ZONE * module, self.size - QUIET_ZONE * module)
        canvas.scale(module, -module)
        canvas.addLiteral(self.path)
        canvas.restoreState()


def module_path(matrix: list[list[bool]]) -> str:
    """PDF path operators for the dark modules (one rectangle per run in a row), then one fill."""
    ops = []
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:  # one rectangle per run of dark modules: smaller files, no hairlines
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start} {r} {c - start} 1 re")
            else:
                c += 1
    ops.append("f")
    return "\n".join(ops)
