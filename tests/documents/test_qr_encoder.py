"""Our QR encoder against the `qrcode` package, bit for bit, and read back by OpenCV from a PDF;
its PNG (the kiosk's room card) decoded pixel by pixel.

The reference is told to use byte mode: left to itself it would encode a digits-only payload, or
a run of 20 digits or capitals, in its numeric or alphanumeric mode, which our encoder never uses
(every reader reads both; our payloads are lowercase ASCII and Cyrillic).
"""

from __future__ import annotations

import io
import random
import string

import pytest
import qrcode
import qrcode.constants
import qrcode.util
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from common.documents.qr import QRFlowable
from common.documents.qr_image import qr_png_bytes
from common.documents.qr_encoder import MASK_PATTERN, MAX_VERSION, byte_capacity, qr_matrix
from qr_scan import qr_codes

KAZAKH = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"
CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
ALPHABET = string.ascii_letters + string.digits + string.punctuation + " " + KAZAKH + CYRILLIC


def reference(payload: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0,
                         mask_pattern=MASK_PATTERN)
    code.add_data(qrcode.util.QRData(payload.encode("utf-8"), mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def random_payload(rng: random.Random, max_bytes: int) -> str:
    """Text of 1..max_bytes bytes in UTF-8, mixing ASCII with Kazakh and Russian letters."""
    target = rng.randint(1, max_bytes)
    text = ""
    while len((text + "x").encode("utf-8")) <= target:
        text += rng.choice(ALPHABET)
    return text[:-1] if len(text.encode("utf-8")) > target else text


def real_payloads() -> list[str]:
    """The shapes our documents and kiosk cards carry (slips.connection_payload, acts.act_qr_payload,
    exam_client.setup.configuration's card), with hosts, ports and seats of every length."""
    rng = random.Random(20)
    payloads = []
    for host in ("192.0.2.10", "10.0.0.1", "room-12.school.kz", "fe80::1"):
        for seat in ("1", "07", "123", "A-17"):
            fingerprint = "".join(rng.choice("0123456789abcdef") for _ in range(64))
            payloads.append(f"cbt-room:1;host={host};port={rng.randint(1, 65535)};"
                            f"fp={fingerprint};ws={seat}")
    for number in ("A1-2026-0012", "A2-2026-0001", "A1-2027-12345"):
        digest = "".join(rng.choice("0123456789abcdef") for _ in range(64))
        payloads.append(f"cbt-act:1;number={number};sha256={digest}")
    payloads.append("cbt-kiosk:1;host=192.168.10.5;port=8443;fp=" + "0f" * 32
                    + ";keys=centre-2026:" + "A" * 43 + "=;room=12;lang=kk;ws=07")
    return payloads


def boundary_payloads() -> list[str]:
    """For every version, the longest payload it holds and one byte more (the next version's)."""
    payloads = []
    for version in range(1, MAX_VERSION + 1):
        for length in (byte_capacity(version), byte_capacity(version) + 1):
            if length <= byte_capacity(MAX_VERSION):
                payloads.append("q" * (length - 2) + "Ә" if length >= 2 else "q")
    return payloads


RANDOM = [random_payload(random.Random(seed), 300) for seed in range(300)]


@pytest.mark.parametrize("payloads", [RANDOM, real_payloads(), boundary_payloads()],
                         ids=["random-1-300-bytes", "real-shapes", "version-boundaries"])
def test_modules_are_those_of_the_qrcode_package(payloads: list[str]) -> None:
    differ = [p for p in payloads if qr_matrix(p) != reference(p)]
    assert not differ, f"{len(differ)} of {len(payloads)} differ, e.g. {differ[0]!r}"


def test_each_version_boundary_picks_the_smallest_version_that_holds_it() -> None:
    for version in range(1, MAX_VERSION + 1):
        assert len(qr_matrix("q" * byte_capacity(version))) == 17 + 4 * version
        if version < MAX_VERSION:
            assert len(qr_matrix("q" * (byte_capacity(version) + 1))) == 21 + 4 * version
    assert byte_capacity(1) == 14 and byte_capacity(MAX_VERSION) == 2331  # ISO/IEC 18004 table 7


def test_a_payload_longer_than_version_40_is_refused() -> None:
    qr_matrix("q" * byte_capacity(MAX_VERSION))
    with pytest.raises(ValueError, match="do not fit"):
        qr_matrix("q" * (byte_capacity(MAX_VERSION) + 1))


def test_opencv_reads_our_codes_back_from_a_pdf(tmp_path) -> None:
    """Drawn as the documents draw them (QRFlowable, 30 mm), rendered at 300 dpi, scanned."""
    payloads = real_payloads()[:5] + ["Әбілқасымова Ұлжан Нұрланқызы, 12-007",
                                      random_payload(random.Random(7), 120)]
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for i, payload in enumerate(payloads):
        QRFlowable(payload, 30 * mm).drawOn(canvas, 20 * mm + (i % 3) * 60 * mm,
                                            220 * mm - (i // 3) * 60 * mm)
    canvas.save()
    assert qr_codes(buffer.getvalue(), tmp_path) == sorted(payloads)


@pytest.mark.parametrize("box_size,border", [(8, 4), (3, 0), (1, 2)])
def test_the_png_shows_each_module_as_a_box_of_pixels(box_size: int, border: int) -> None:
    import cv2
    import numpy as np

    payload = real_payloads()[-1]
    matrix = np.array(qr_matrix(payload))
    image = cv2.imdecode(np.frombuffer(qr_png_bytes(payload, box_size, border), np.uint8),
                         cv2.IMREAD_UNCHANGED)
    expected = np.pad(matrix, border).repeat(box_size, axis=0).repeat(box_size, axis=1)
    assert image.shape == expected.shape
    assert ((image == 0) == expected).all() and set(np.unique(image)) <= {0, 255}
