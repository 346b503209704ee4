"""Credential slips (§19): each test-taker's login, one-time password and seat, to cut and hand out.

Eight slips to an A4 page, with dashed cut lines. Each slip carries a QR code with the connection
details a kiosk needs to reach the room server — host, port, the SHA-256 fingerprint of the room's
certificate, and the seat (= workstation id) — so a kiosk can be set up, or checked, by scanning it:

    cbt-room:1;host=<host>;port=<port>;fp=<64 hex>;ws=<seat>

The password is printed, never put in the QR code (a photo of a desk should not give a login away).
The slips exist only on paper: the room keeps nothing but the password's Argon2id hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from common.documents.pdf import (
    CONTENT_WIDTH,
    FONT_BOLD,
    build_pdf,
    check_language,
    format_date,
    para,
    styles,
    table_style,
)
from common.documents.qr import QRFlowable
from common.i18n import t

__all__ = ["Connection", "Slip", "connection_payload", "render_slips"]

SLIP_HEIGHT = 62 * mm
QR_SIZE = 26 * mm
COLUMNS = 2


@dataclass(frozen=True)
class Connection:
    """Where the kiosks find the room server and how they know it is the right one."""

    host: str
    port: int
    fingerprint: str  # SHA-256 of the room's certificate, hex


@dataclass(frozen=True)
class Slip:
    full_name: str
    individual_code: str
    seat: str
    login: str
    password: str


def connection_payload(connection: Connection, seat: str) -> str:
    fingerprint = connection.fingerprint.replace(":", "").lower()
    if len(fingerprint) != 64 or any(c not in "0123456789abcdef" for c in fingerprint):
        raise ValueError("the certificate fingerprint must be 64 hex digits (SHA-256)")
    return f"cbt-room:1;host={connection.host};port={connection.port};fp={fingerprint};ws={seat}"


def render_slips(slips: list[Slip], connection: Connection, room: str, day: date, lang: str) -> bytes:
    lang = check_language(lang)
    cells = [_slip(slip, connection, room, day, lang) for slip in slips]
    if not cells:
        raise ValueError("no slips to print")
    while len(cells) % COLUMNS:
        cells.append("")
    rows = [cells[i:i + COLUMNS] for i in range(0, len(cells), COLUMNS)]
    width = CONTENT_WIDTH / COLUMNS
    table = Table(rows, colWidths=[width] * COLUMNS, rowHeights=[SLIP_HEIGHT] * len(rows),
                  hAlign="CENTER")
    table.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#777777"), None, (3, 3)),  # cut here
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
    ))
    story: list[Flowable] = [table]
    return build_pdf(story, lang=lang, title=t("console.slip.title", lang),
                     footer_left=t("console.slip.footer", lang, room=room, date=format_date(day, lang)))


def _slip(slip: Slip, connection: Connection, room: str, day: date, lang: str) -> Table:
    st = styles()
    big = _big_style()
    credentials = [
        para(t("console.slip.login", lang, login=slip.login), big),
        para(t("console.slip.password", lang, password=slip.password), big),
        para(f"{connection.host}:{connection.port}", st.cell),
        para(format_date(day, lang), st.cell),
    ]
    inner_width = CONTENT_WIDTH / COLUMNS - 5 * mm
    inner = Table([
        [para(t("console.slip.title", lang), st.cell_bold), ""],
        [para(slip.full_name, st.body), ""],
        [para(t("console.slip.code", lang, code=slip.individual_code), st.cell), ""],
        [para(t("console.slip.room_seat", lang, room=room, seat=slip.seat), big), ""],
        [credentials, QRFlowable(connection_payload(connection, slip.seat), QR_SIZE)],
    ], colWidths=[inner_width - QR_SIZE, QR_SIZE])
    inner.setStyle(_slip_style())
    return inner


# The slip's style and its table's are the same on every slip: made once, not a thousand times.


@cache
def _big_style() -> ParagraphStyle:
    return ParagraphStyle("slip_big", parent=styles().body, fontName=FONT_BOLD, fontSize=11.5,
                          leading=15)


@cache
def _slip_style() -> TableStyle:
    return table_style(
        *[("SPAN", (0, r), (1, r)) for r in range(4)],
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 4), (-1, 4), 2),
    )
