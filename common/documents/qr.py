"""QR codes drawn as vector squares in our PDFs (no bitmap, so they print sharp at any size).

The matrix comes from our encoder (common/documents/qr_encoder.py: error correction M, so a slip
that is folded or smudged still reads); reportlab only draws it.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from common.documents.qr_encoder import qr_matrix

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


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
