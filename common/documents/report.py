"""The results of the monitoring for one education organisation, as a PDF (§27 of the rules).

The report lists every student of the organisation's roster, by surname: scored (score / max and
percent), absent (with the §12 reason), exempt (§12: schooled at home for health reasons or in a
sanatorium-type institution — outside the tested population, not counted as absent) or voided
(confiscation, Appendix 1, or outside person, Appendix 2). The test's name and the grade are
printed in the report's language; the issuer (the National Testing Centre) is named.
Words come from the i18n catalogue (keys ``report.*``, ``status.*``, ``absence.*``, ``void.*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, LongTable, Paragraph, Spacer, Table

from common.documents.pdf import (
    CONTENT_WIDTH,
    FONT,
    build_pdf,
    check_language,
    format_date,
    format_datetime,
    format_number,
    label_value_table,
    para,
    styles,
    table_style,
)
from common.domain.absence import ABSENCE_REASONS, EXEMPT_REASONS
from common.i18n import catalogue, t

__all__ = ["STATUSES", "VOID_REASONS", "OrganisationReport", "ReportRow",
           "render_organisation_report"]

STATUSES = ("scored", "absent", "voided")
VOID_REASONS = ("confiscation", "impostor")


@dataclass(frozen=True)
class ReportRow:
    individual_code: str
    full_name: str
    status: str  # "scored" | "absent" | "voided"
    score: float | None  # None unless scored
    max_score: float | None
    absence_reason: str | None = None  # code from GLOSSARY when absent
    void_reason: str | None = None  # "confiscation" | "impostor" when voided


@dataclass(frozen=True)
class DirectionComparison:
    """Mean percent in one direction: the organisation against its region and the republic (None
    where the figure is withheld: too few students besides the organisation's own)."""

    direction: str  # reading_literacy | mathematical_literacy | science_literacy | ...
    organisation: float | None
    region: float | None
    country: float | None


@dataclass(frozen=True)
class OrganisationReport:
    organisation_code: str
    organisation_name: str
    grade: str  # 4 | 9 | college-2 | college-3
    language_of_instruction: str  # kk | ru
    monitoring_date: date
    due_date: date  # results due to the organisation (3 working days)
    generated_at: datetime
    rows: tuple[ReportRow, ...]
    directions: tuple[DirectionComparison, ...] = ()
    region: str | None = None  # None: the centre has no campaign record of it (no region column)
    year: int | None = None


def render_organisation_report(report: OrganisationReport, lang: str) -> bytes:
    """The organisation's results as an A4 PDF in ``lang``; the table runs on over as many pages as needed."""
    check_language(lang)
    for row in report.rows:
        _check_row(row)
    st = styles()
    story: list[Flowable] = [
        para(t("report.title", lang), st.title),
        para(t("report.subtitle", lang), st.subtitle),
        Spacer(1, 5 * mm),
        _details(report, lang),
        para(t("report.summary", lang), st.heading),
        _summary(report.rows, lang),
        *_comparison(report, lang),
        para(t("report.results", lang), st.heading),
        _rows_table(report.rows, lang),
        Spacer(1, 4 * mm),
        para(t("report.note_legal", lang), st.note),
        para(t("report.issuer", lang), st.note),
    ]
    footer = t("report.footer_id", lang, organisation_code=report.organisation_code,
               date=report.monitoring_date.isoformat())
    return build_pdf(story, lang=lang, title=t("report.title", lang), footer_left=footer)


def _direction_label(direction: str, lang: str) -> str:
    key = f"direction.{direction}"
    return t(key, lang) if key in catalogue() else direction


def _comparison(report: OrganisationReport, lang: str) -> list[Flowable]:
    """Scores by direction: a table and a bar chart, organisation vs region vs country."""
    if not report.directions:
        return []
    st = styles()
    with_region = report.region is not None
    heads = [t("report.compare.direction", lang), t("report.compare.organisation", lang)]
    if with_region:
        heads.append(t("report.compare.region", lang, region=report.region))
    heads.append(t("report.compare.country", lang))

    def cell(value: float | None) -> str:
        return "—" if value is None else format_number(value, lang)

    data = [[para(h, st.cell_bold) for h in heads]] + [
        [para(_direction_label(d.direction, lang), st.cell), para(cell(d.organisation), st.cell),
         *([para(cell(d.region), st.cell)] if with_region else []), para(cell(d.country), st.cell)]
        for d in report.directions]
    widths = [70 * mm, 34 * mm, 36 * mm, 34 * mm] if with_region else [70 * mm, 40 * mm, 40 * mm]
    table = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6"))))
    notes = [para(t("report.compare.withheld", lang), st.note)] if any(
        d.region is None and with_region or d.country is None for d in report.directions) else []
    return [para(t("report.compare.title", lang), st.heading), table, *notes, Spacer(1, 3 * mm),
            _comparison_chart(report, lang, heads[1:])]


def _comparison_chart(report: OrganisationReport, lang: str, series_names: list[str]) -> Drawing:
    drawing = Drawing(CONTENT_WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 14 * mm, CONTENT_WIDTH - 60 * mm, 44 * mm
    series = ("organisation", "region", "country") if report.region is not None else ("organisation", "country")
    chart.data = [[(getattr(d, attr) or 0.0) for d in report.directions] for attr in series]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.categoryNames = [_direction_label(d.direction, lang) for d in report.directions]
    for i, colour in enumerate(("#2f6f9f", "#9fbfd6", "#c9c9c9")[:len(series)]):
        chart.bars[i].fillColor = colors.HexColor(colour)
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = CONTENT_WIDTH - 44 * mm, 52 * mm
    legend.fontName, legend.fontSize = FONT, 7
    legend.colorNamePairs = [(chart.bars[i].fillColor, name) for i, name in enumerate(series_names)]
    drawing.add(legend)
    return drawing


def _check_row(row: ReportRow) -> None:
    if row.status not in STATUSES:
        raise ValueError(f"{row.individual_code}: unknown status {row.status!r}; expected one of {STATUSES}")
    if row.status == "scored" and (row.score is None or row.max_score is None):
        raise ValueError(f"{row.individual_code}: a scored row needs score and max_score")
    if row.absence_reason is not None and row.absence_reason not in ABSENCE_REASONS:
        raise ValueError(f"{row.individual_code}: unknown absence reason {row.absence_reason!r}")
    if row.void_reason is not None and row.void_reason not in VOID_REASONS:
        raise ValueError(f"{row.individual_code}: unknown void reason {row.void_reason!r}")


def _percent(row: ReportRow) -> float | None:
    if row.status != "scored" or not row.max_score:
        return None
    return 100.0 * (row.score or 0.0) / row.max_score


def _details(report: OrganisationReport, lang: str) -> Table:
    language = report.language_of_instruction
    language_text = t(f"language.{language}", lang) if language in ("kk", "ru", "en") else language
    grade_key = f"public.grade.{report.grade}"
    return label_value_table([
        (t("report.organisation", lang), f"{report.organisation_code} — {report.organisation_name}"),
        (t("report.test", lang), t("report.test_name", lang)
         + (f", {report.year}" if report.year else "")),
        (t("report.grade", lang), t(grade_key, lang) if grade_key in catalogue() else report.grade),
        (t("report.language", lang), language_text),
        (t("report.monitoring_date", lang), format_date(report.monitoring_date, lang)),
        (t("report.due_date", lang), format_date(report.due_date, lang)),
        (t("report.generated_at", lang), format_datetime(report.generated_at, lang)),
    ], label_width=88 * mm)


def exempt(row: ReportRow) -> bool:
    return row.status == "absent" and row.absence_reason in EXEMPT_REASONS


def _summary(rows: tuple[ReportRow, ...], lang: str) -> Table:
    scored = [r for r in rows if r.status == "scored"]
    exempted = sum(exempt(r) for r in rows)
    percents = [p for p in (_percent(r) for r in scored) if p is not None]
    mean_score = sum(r.score or 0.0 for r in scored) / len(scored) if scored else None
    mean_percent = sum(percents) / len(percents) if percents else None
    dash = "—"
    return label_value_table([
        (t("report.summary.students", lang), str(len(rows))),
        (t("report.summary.absent", lang), str(sum(r.status == "absent" for r in rows) - exempted)),
        (t("report.summary.exempt", lang), str(exempted)),
        (t("report.summary.voided", lang), str(sum(r.status == "voided" for r in rows))),
        (t("report.summary.scored", lang), str(len(scored))),
        (t("report.summary.mean_score", lang), dash if mean_score is None else format_number(mean_score, lang)),
        (t("report.summary.mean_percent", lang),
         dash if mean_percent is None else f"{format_number(mean_percent, lang)} %"),
    ], label_width=88 * mm)


def _status_cell(row: ReportRow, lang: str) -> Paragraph:
    st = styles()
    text = escape(t("status.exempt" if exempt(row) else f"status.{row.status}", lang))
    reason = None
    if row.status == "absent" and row.absence_reason:
        reason = t(f"absence.{row.absence_reason}", lang)
    elif row.status == "voided" and row.void_reason:
        reason = t(f"void.{row.void_reason}", lang)
    if reason:
        text += f'<br/><font size="7" color="#444444">{escape(reason)}</font>'
    return Paragraph(text, st.cell)


def _rows_table(rows: tuple[ReportRow, ...], lang: str) -> LongTable:
    st = styles()
    header = [para(t(f"report.col.{k}", lang), st.cell_bold)
              for k in ("no", "code", "name", "status", "score", "percent")]
    body = []
    for i, row in enumerate(rows, 1):
        percent = _percent(row)
        score = (f"{format_number(row.score or 0.0, lang)} / {format_number(row.max_score or 0.0, lang)}"
                 if row.status == "scored" else "—")
        body.append([
            para(str(i), st.cell_right),
            para(row.individual_code, st.cell),
            para(row.full_name, st.cell),
            _status_cell(row, lang),
            para(score, st.cell_right),
            para("—" if percent is None else format_number(percent, lang), st.cell_right),
        ])
    widths = [10 * mm, 31 * mm, None, 44 * mm, 20 * mm, 14 * mm]
    widths[2] = CONTENT_WIDTH - sum(w for w in widths if w is not None)
    table = LongTable([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F7F7")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ))
    return table
