"""The notice to a selected organisation (§13): one month ahead, what, when, and what to prepare.

One PDF per organisation and language (kk, ru, en): the test day, the grade, the directions of the
complex test for that grade (§7-§10), the results' due date (§27), the notice's own date and its
deadline, and the list of what the organisation prepares (§12, §19, §20, §22, §25).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from common.documents.pdf import (
    CONTENT_WIDTH,
    build_pdf,
    check_language,
    format_date,
    para,
    signature_line,
    styles,
    table_style,
)
from common.i18n import t

__all__ = ["GRADES", "Notice", "render_notice"]

GRADES = ("4", "9", "college-2", "college-3")
PREPARE = ("rooms", "roster", "exempt", "rules", "access", "survey")


@dataclass(frozen=True)
class Notice:
    number: str  # e.g. "2026-4-100200"
    year: int
    organisation_code: str
    organisation_name: str
    region: str
    district: str
    grade: str  # 4 | 9 | college-2 | college-3
    language_of_instruction: str  # kk | ru | mixed
    contingent: int
    test_day: date
    results_due: date
    issued_on: date
    deadline: date  # the notice is due by this day (one month before the test day)


def _language(code: str, lang: str) -> str:
    return t(f"language.{code}", lang) if code in ("kk", "ru") else t(f"campaign.language.{code}", lang)


def render_notice(notice: Notice, lang: str) -> bytes:
    """The notice as an A4 PDF in ``lang`` (same notice, same bytes)."""
    check_language(lang)
    if notice.grade not in GRADES:
        raise ValueError(f"{notice.organisation_code}: unknown grade {notice.grade!r}; expected one of {GRADES}")
    st = styles()
    story: list[Flowable] = [
        para(t("campaign.notice.title", lang), st.title),
        para(t("campaign.notice.number", lang, number=notice.number), st.subtitle),
        Spacer(1, 4 * mm),
        _pairs([
            (t("campaign.notice.organisation", lang),
             f"{notice.organisation_code} — {notice.organisation_name}"),
            (t("campaign.notice.place", lang), f"{notice.region}, {notice.district}"),
            (t("campaign.notice.issued_on", lang), format_date(notice.issued_on, lang)),
        ]),
        Spacer(1, 3 * mm),
        para(t("campaign.notice.intro", lang, year=notice.year)),
        para(t("campaign.notice.details", lang), st.heading),
        _pairs([
            (t("campaign.notice.test_day", lang), format_date(notice.test_day, lang)),
            (t("campaign.notice.grade", lang), t(f"campaign.grade.{notice.grade}", lang)),
            (t("campaign.notice.language", lang), _language(notice.language_of_instruction, lang)),
            (t("campaign.notice.contingent", lang), str(notice.contingent)),
            (t("campaign.notice.form", lang), t("campaign.notice.form_value", lang)),
            (t("campaign.notice.directions", lang), t(f"campaign.directions.{notice.grade}", lang)),
            (t("campaign.notice.results_due", lang), format_date(notice.results_due, lang)),
            (t("campaign.notice.deadline", lang), format_date(notice.deadline, lang)),
        ]),
        para(t("campaign.notice.prepare", lang), st.heading),
        *[para(t(f"campaign.notice.prepare.{key}", lang), st.bullet) for key in PREPARE],
        Spacer(1, 3 * mm),
        para(t("campaign.notice.legal", lang), st.note),
        Spacer(1, 8 * mm),
        signature_line(None, t("campaign.notice.signature", lang)),
    ]
    return build_pdf(story, lang=lang, title=t("campaign.notice.title", lang),
                     footer_left=t("campaign.notice.footer", lang, number=notice.number))


def _pairs(pairs: list[tuple[str, str]]) -> Table:
    st = styles()
    label = 70 * mm
    table = Table([[para(k, st.cell_bold), para(v, st.cell)] for k, v in pairs],
                  colWidths=[label, CONTENT_WIDTH - label], hAlign="LEFT")
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ))
    return table
