"""A QR code as a PNG file's bytes: black and white, one bit a pixel, written with zlib alone.

For the kiosk's room card (exam_client/setup/configuration.py), which is shown on a screen or
printed as a picture; the documents draw their codes as vectors (common/documents/qr.py).
"""

from __future__ import annotations

import struct
import zlib

from common.documents.qr_encoder import qr_matrix

__all__ = ["qr_png_bytes"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def qr_png_bytes(payload: str, box_size: int = 8, border: int = 4) -> bytes:
    """The PNG of `payload`'s QR code: `box_size` pixels a module, `border` light modules around."""
    matrix = qr_matrix(payload)
    light_row = "1" * (len(matrix) + 2 * border)
    width = len(light_row) * box_size
    lines = []
    for modules in [light_row] * border + ["1" * border + "".join("0" if dark else "1" for dark in row)
                                           + "1" * border for row in matrix] + [light_row] * border:
        bits = "".join(bit * box_size for bit in modules)  # grey level 0 is black, 1 white
        bits += "0" * (-len(bits) % 8)
        line = b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")  # filter type 0: none
        lines.append(line * box_size)
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(lines), 9))
            + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
