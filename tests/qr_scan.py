"""Reads the QR codes of a PDF page back as a scanner would: pdftoppm renders it, OpenCV reads it.

Shared by the proctor console's tests and the QR encoder's (tests/documents).
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def qr_codes(pdf: bytes | Path, tmp_path: Path, page: int = 1) -> list[str]:
    """The texts of the QR codes OpenCV finds on `page` of a PDF (its bytes or its file), sorted
    ([] when it finds none)."""
    import cv2

    if isinstance(pdf, Path):
        src = pdf
    else:
        src = tmp_path / "doc.pdf"
        src.write_bytes(pdf)
    out = tmp_path / f"{src.stem}-page{page}"
    # Scanned at 300 dpi, as a scanner would: at 150 dpi a 26 mm code's modules are 2.7 px and
    # OpenCV missed about one code in a hundred (payloads with random ports and fingerprints).
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", str(page), "-l", str(page),
                    "-singlefile", str(src), str(out)], check=True)
    ok, texts, _, _ = cv2.QRCodeDetectorAruco().detectAndDecodeMulti(cv2.imread(f"{out}.png"))
    return sorted(t for t in texts if t) if ok else []
