"""The seating sheet (отырғызу парағы / посадочный лист, §19) as a PDF.

The representative identifies each test-taker against the organisation's list with this sheet: one
row per seat with the test-taker's full name and individual code (ТЖК / ИКТ), and a column to tick
when the person in front of them is the one on the list. The sheet is signed by the representative
at the end. Every word comes from the i18n catalogue (``console.sheet.*``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from common.documents.pdf import (
    CONTENT_WIDTH,
    Blank,
    blank_line,
    build_pdf,
    check_language,
    format_date,
    para,
    signature_line,
    styles,
    table_style,
)
from common.domain.acts import Organisation
from common.i18n import t

__all__ = ["SeatingRow", "SeatingSheet", "render_seating_sheet"]


@dataclass(frozen=True)
class SeatingRow:
    seat: str
    full_name: str
    individual_code: str
    class_name: str = ""
    language: str = ""


@dataclass(frozen=True)
class SeatingSheet:
    organisation: Organisation
    room: str
    day: date
    representative: str
    rows: tuple[SeatingRow, ...] = field(default=())


def render_seating_sheet(sheet: SeatingSheet, lang: str) -> bytes:
    """The sheet as A4 pages; the header row repeats on every page."""
    lang = check_language(lang)
    st = styles()
    story: list[Flowable] = [
        para(t("console.sheet.title", lang), st.title),
        para(t("console.sheet.subtitle", lang), st.subtitle),
        Spacer(1, 4 * mm),
        blank_line(t("act.organisation", lang),
                   Blank(sheet.organisation.code, t("act.caption.code", lang), width=24 * mm),
                   Blank(sheet.organisation.name, t("act.caption.org_name", lang))),
        blank_line(t("console.sheet.room", lang), Blank(sheet.room, width=20 * mm),
                   suffix=t("console.sheet.date", lang, date=format_date(sheet.day, lang))),
        blank_line(t("console.sheet.representative", lang),
                   Blank(sheet.representative, t("act.caption.full_name", lang))),
        Spacer(1, 4 * mm),
        _table(sheet.rows, lang),
        Spacer(1, 2 * mm),
        para(t("console.sheet.total", lang, count=len(sheet.rows)), st.note),
        Spacer(1, 6 * mm),
        signature_line(sheet.representative, t("act.caption.sign_representative", lang)),
    ]
    return build_pdf(story, lang=lang, title=t("console.sheet.title", lang),
                     footer_left=t("console.sheet.footer", lang, room=sheet.room,
                                   date=format_date(sheet.day, lang)))


def _table(rows: tuple[SeatingRow, ...], lang: str) -> Table:
    st = styles()
    keys = ("no", "seat", "full_name", "code", "class", "language", "identified")
    header = [para(t(f"console.sheet.col.{k}", lang), st.cell_bold) for k in keys]
    body = [[para(str(i), st.cell), para(r.seat, st.cell_bold), para(r.full_name, st.cell),
             para(r.individual_code, st.cell_bold), para(r.class_name, st.cell),
             para(_language(r.language, lang), st.cell), ""]
            for i, r in enumerate(rows, 1)]
    # Wide enough that no header word breaks inside itself («Сәйкестендірілді», «Язык»).
    widths = [8 * mm, 15 * mm, None, 22 * mm, 15 * mm, 21 * mm, 36 * mm]
    widths[2] = CONTENT_WIDTH - sum(w for w in widths if w is not None)
    table = Table([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 5),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F7F7")]),
    ))
    return table


def _language(code: str, lang: str) -> str:
    """The language of instruction in words of the sheet's language («қазақ тілі»), never the
    code («kk») the roster stores."""
    return t(f"language.{code}", lang) if code in ("kk", "ru", "en") else code
