"""Shared base for every PDF the system prints: embedded font, A4 page, styles, form helpers, footer.

* The font (DejaVu Sans, in ``fonts/``) is embedded from this package, never taken from the system,
  so Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) print the same on any PC.
* Output is deterministic: reportlab's ``invariant`` mode fixes the creation date and the file id,
  so the same input gives the same bytes.
* Times are printed in Kazakhstan's local time (Asia/Almaty, UTC+5 since 2024-03-01).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache, partial
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from common.i18n import LANGUAGES, t

FONTS_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

PAGE_SIZE = A4
MARGIN_LEFT = 25 * mm
MARGIN_RIGHT = 15 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 18 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT

_PDF_LANG = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en"}

# Compressed streams stay binary, without reportlab's ASCII85 layer over them: the same pages in
# files a fifth smaller, and its pure-Python encoder took 0.12 s of the ~1.6 s of a thousand
# credential slips (bench/findings.md). Every reportlab document in the process is made here.
rl_config.useA85 = 0
_NBSP = "\u00a0"
_EMPTY_BLANK = _NBSP * 24  # an unfilled blank: an underlined run of spaces


# --- fonts and styles ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the embedded DejaVu Sans (regular and bold) with reportlab, once per process."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    caption: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    header_block: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    note: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, alignment=TA_LEFT)
    return Styles(
        body=body,
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=9 * mm, firstLineIndent=-3 * mm),
        caption=ParagraphStyle("caption", parent=body, fontSize=7, leading=8.5, alignment=TA_CENTER,
                               textColor=colors.HexColor("#333333")),
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=12, leading=15,
                             alignment=TA_CENTER, spaceAfter=2 * mm),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=10.5, leading=13, alignment=TA_CENTER),
        heading=ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=13,
                               spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        header_block=ParagraphStyle("header_block", parent=body, fontSize=8, leading=10, alignment=TA_CENTER),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        cell_bold=ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=8.5, leading=10.5),
        cell_right=ParagraphStyle("cell_right", parent=body, fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        note=ParagraphStyle("note", parent=body, fontSize=8.5, leading=11),
    )


def markup(text: str) -> str:
    """Plain text to reportlab paragraph markup: escape ``<>&`` and keep line breaks."""
    return escape(text).replace("\n", "<br/>")


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain text (escaped; ``\\n`` breaks the line)."""
    return Paragraph(markup(text), style or styles().body)


def filled(value: str | None) -> str:
    """Markup for a filled-in blank: the value underlined, with a little air on both sides.

    Short values are kept on one line (non-breaking spaces); an empty value gives an empty blank.
    """
    if not value:
        return f"<u>{_EMPTY_BLANK}</u>"
    text = escape(value)
    if len(value) <= 40:
        text = text.replace(" ", _NBSP)
    return f"<u>{_NBSP}{text}{_NBSP}</u>"


def inline_fields(key: str, lang: str, values: dict[str, str | None] | None = None,
                  style: ParagraphStyle | None = None) -> list[Paragraph]:
    """Paragraphs for catalogue text ``key`` whose ``{placeholders}`` are blanks filled with ``values``.

    Each ``\\n`` line of the text becomes its own paragraph; lines starting with a dash are indented.
    """
    st = styles()
    values = values or {}
    marked = escape(t(key, lang, **{name: f"\x00{name}\x00" for name in values}))
    for name, value in values.items():
        # the word before a blank stays with it ("ТЖК ____", "№ ____")
        marked = marked.replace(f" \x00{name}\x00", f"{_NBSP}\x00{name}\x00")
        marked = marked.replace(f"\x00{name}\x00", filled(value))
    return [
        Paragraph(line, style or (st.bullet if line.startswith("–") else st.body))
        for line in marked.split("\n")
    ]


def table_style(*commands: tuple) -> TableStyle:
    """A TableStyle whose plain-text cells (even empty ones) use the embedded font, not Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def label_value_table(pairs: list[tuple[str, str]], label_width: float) -> Table:
    """Two columns across the page: a bold label, its value (report headers and summaries)."""
    st = styles()
    table = Table([[para(k, st.cell_bold), para(v, st.cell)] for k, v in pairs],
                  colWidths=[label_width, CONTENT_WIDTH - label_width], hAlign="LEFT")
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ))
    return table


# --- form lines: a label, blanks to fill, small captions under the blanks ---------------------------


@dataclass(frozen=True)
class Blank:
    """One blank of a form line: the value printed on it and the small caption under it."""

    value: str | None
    caption: str = ""
    width: float | None = None  # points; None shares what the labels leave


_GAP = 3 * mm


def blank_line(label: str, *blanks: Blank, suffix: str = "", width: float = CONTENT_WIDTH) -> Table:
    """A form line as in the appendices: ``label ____value____ ____value____ suffix``, captions below.

    Labels take the width their text needs (at most 60 % of the line, then they wrap); blanks without a
    width share the rest.
    """
    st = styles()
    cols: list[float | None] = []
    top: list[object] = []
    bottom: list[object] = []
    blank_cols: list[int] = []

    def text_width(text: str) -> float:
        return min(pdfmetrics.stringWidth(text, FONT, st.body.fontSize) + 3, width * 0.6)

    if label:
        cols.append(text_width(label))
        top.append(para(label))
        bottom.append("")
    for i, blank in enumerate(blanks):
        if i:
            cols.append(_GAP)
            top.append("")
            bottom.append("")
        blank_cols.append(len(cols))
        cols.append(blank.width)
        top.append(blank.value or "")  # made a paragraph below, once its width is known
        bottom.append(para(blank.caption, st.caption) if blank.caption else "")
    if suffix:
        cols.append(text_width(suffix))
        top.append(para(suffix))
        bottom.append("")

    fixed = sum(c for c in cols if c is not None)
    flexible = [i for i, c in enumerate(cols) if c is None]
    share = max((width - fixed) / max(len(flexible), 1), 20 * mm)
    widths = [share if c is None else c for c in cols]
    for col in blank_cols:
        top[col] = _fitted(str(top[col]), widths[col] - 4)

    has_captions = any(b.caption for b in blanks)
    rows = [top, bottom] if has_captions else [top]
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, 0), 2),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
    ]
    if has_captions:
        commands += [("TOPPADDING", (0, 1), (-1, 1), 1), ("BOTTOMPADDING", (0, 1), (-1, 1), 2)]
    for col in blank_cols:
        commands += [
            ("LINEBELOW", (col, 0), (col, 0), 0.5, colors.black),
            ("LEFTPADDING", (col, 0), (col, 0), 3),
        ]
    table.setStyle(table_style(*commands))
    return table


def _fitted(value: str, width: float) -> Paragraph:
    """The value of a blank; a value a little too long for one line is set smaller (down to 8 pt)."""
    body = styles().body
    needed = pdfmetrics.stringWidth(value, FONT, body.fontSize)
    if needed <= width:
        return Paragraph(escape(value), body)
    size = max(8.0, body.fontSize * width / needed)
    return Paragraph(escape(value), ParagraphStyle("fitted", parent=body, fontSize=size, leading=size * 1.3))


def signature_line(name: str | None, caption: str, width: float = CONTENT_WIDTH) -> Table:
    """A blank for a signature and a blank with the signer's printed name, one caption under both."""
    st = styles()
    sign_w = 50 * mm
    gap = 8 * mm
    table = Table(
        [["", "", Paragraph(escape(name or ""), st.body)], [para(caption, st.caption), "", ""]],
        colWidths=[sign_w, gap, width - sign_w - gap],
        rowHeights=[9 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(table_style(
        ("SPAN", (0, 1), (-1, 1)),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEBELOW", (0, 0), (0, 0), 0.5, colors.black),
        ("LINEBELOW", (2, 0), (2, 0), 0.5, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (2, 0), (2, 0), 3),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
        ("TOPPADDING", (0, 1), (-1, 1), 1),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 3),
    ))
    return table


def appendix_header(text: str, width: float = 68 * mm) -> Table:
    """The block at the top right of an appendix: «... қағидаларына 1-қосымша»."""
    table = Table([[para(text, styles().header_block)]], colWidths=[width], hAlign="RIGHT")
    table.setStyle(table_style(("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)))
    return table


# --- dates and numbers in the document's language ---------------------------------------------------

_UTC5 = timezone(timedelta(hours=5), "UTC+05")
_NATIONWIDE_UTC5_SINCE = datetime(2024, 3, 1, tzinfo=_UTC5)


@lru_cache(maxsize=1)
def _almaty() -> tzinfo | None:
    try:
        return ZoneInfo("Asia/Almaty")
    except ZoneInfoNotFoundError:
        return None


def local_time(moment: datetime) -> datetime:
    """``moment`` (timezone-aware) in Kazakhstan's local time.

    Uses the Asia/Almaty zone; without tzdata, or with tzdata older than 2024a (which still says
    UTC+6), times from 2024-03-01 on use UTC+5, Kazakhstan's single time zone since then.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("document times must be timezone-aware")
    zone = _almaty()
    if moment >= _NATIONWIDE_UTC5_SINCE or zone is None:
        return moment.astimezone(_UTC5)
    return moment.astimezone(zone)


def month_name(month: int, lang: str) -> str:
    """Month name as used in a date (kk nominative, ru genitive, en)."""
    return t(f"month.{month}", lang)


def date_parts(day: date, lang: str) -> dict[str, str]:
    return {"day": f"{day.day:02d}", "month": month_name(day.month, lang), "year": str(day.year)}


def datetime_parts(moment: datetime, lang: str) -> dict[str, str]:
    local = local_time(moment)
    return {**date_parts(local.date(), lang), "hour": f"{local.hour:02d}", "minute": f"{local.minute:02d}"}


def format_date(day: date, lang: str) -> str:
    """``2026 жылғы 22 қараша`` / ``22 ноября 2026 г.`` / ``22 November 2026``."""
    parts = date_parts(day, lang)
    parts["day"] = str(day.day)
    return t("date.long", lang, **parts)


def format_datetime(moment: datetime, lang: str) -> str:
    """A timezone-aware moment in local time, e.g. ``2026 жылғы 22 қараша, 10:35``."""
    parts = datetime_parts(moment, lang)
    parts["day"] = str(local_time(moment).day)
    return t("datetime.long", lang, **parts)


def format_number(value: float, lang: str, digits: int = 1) -> str:
    """A number with ``digits`` decimals (none when whole), decimal comma in kk and ru."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.{digits}f}"
    return text.replace(".", ",") if lang in ("kk", "ru") else text


# --- the document: A4, footer with the document id and "page N of M" --------------------------------


class _FooterCanvas(Canvas):
    """Holds pages back until the end so each footer can say "page N of M"."""

    def __init__(self, *args, footer_left: str, page_label: Callable[[int, int], str], **kwargs):
        super().__init__(*args, **kwargs)
        self._footer_left = footer_left
        self._page_label = page_label
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setFillColor(colors.HexColor("#555555"))
        y = MARGIN_BOTTOM - 9 * mm
        self.drawString(MARGIN_LEFT, y, self._footer_left)
        self.drawRightString(PAGE_SIZE[0] - MARGIN_RIGHT, y, self._page_label(self._pageNumber, total))
        self.restoreState()


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def build_pdf(story: Sequence[Flowable], *, lang: str, title: str, footer_left: str) -> bytes:
    """Lay ``story`` out on A4 pages and return the PDF bytes (same story, same bytes)."""
    check_language(lang)
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author="",
        subject="",
        creator="bbzhm-cbt",
        lang=_PDF_LANG[lang],
        invariant=1,
        initialFontName=FONT,
    )
    maker = partial(
        _FooterCanvas,
        footer_left=footer_left,
        page_label=lambda page, total: t("doc.page", lang, page=page, pages=total),
    )
    doc.build(list(story), canvasmaker=maker)
    return buffer.getvalue()
