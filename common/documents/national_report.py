"""The National report's chapter of population estimates (PDF) and the same tables as rows (for
the XLSX): every figure with its standard error, withheld cells marked ``x``. The data are plain
values made by ``central_scorer/stats/population``; nothing here names an organisation or a student.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, LongTable, Spacer

from common.documents.analysis_report import direction_name, language_name
from common.documents.pdf import (
    CONTENT_WIDTH,
    build_pdf,
    check_language,
    format_number,
    label_value_table,
    para,
    styles,
    table_style,
)
from common.i18n import catalogue, t

TOTAL = "*"


@dataclass(frozen=True)
class Row:
    key: tuple[str, ...]
    students: int
    mean: float | None
    se: float | None
    levels: tuple[tuple[float, float], ...]
    withheld: bool


@dataclass(frozen=True)
class Table:
    dimensions: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class TrendRow:
    group: str
    base_mean: float
    mean: float
    change: float
    se: float


@dataclass(frozen=True)
class GapRow:
    dimension: str
    first: str
    second: str
    difference: float
    se: float


@dataclass(frozen=True)
class NationalReport:
    year: int
    grade: str
    direction: str
    base_year: int
    students: int
    organisations: int
    linking_error: float
    cuts: tuple[float, ...]
    tables: tuple[Table, ...]
    trends: tuple[TrendRow, ...] = ()
    gaps: tuple[GapRow, ...] = ()
    min_group: int = 10
    min_organisations: int = 3
    generated_at: datetime = field(default_factory=datetime.now)


def level_names(n_levels: int, lang: str) -> list[str]:
    return [t("national.level.below", lang)] + [t("national.level.n", lang, n=k) for k in range(1, n_levels)]


def value_name(dimension: str, value: str, lang: str) -> str:
    if value == TOTAL:
        return t("national.total", lang)
    if dimension == "language":
        return language_name(value, lang)
    key = {"territory": f"public.territory.{value}", "type": f"public.type.{value}"}.get(dimension)
    return t(key, lang) if key and key in catalogue() else value


def _figure(value: float | None, se: float | None, lang: str, digits: int = 0) -> str:
    if value is None:
        return t("national.withheld", lang)
    spread = "—" if se is None or se != se else format_number(se, lang, 1)
    return f"{format_number(value, lang, digits)} ({spread})"


def table_rows(report: NationalReport, table: Table, lang: str) -> list[list[str]]:
    """Header and one row per cell, as the PDF and the XLSX print them."""
    n_levels = len(report.cuts) + 1
    header = [t(f"national.dim.{d}", lang) for d in table.dimensions]
    header += [t("national.col.students", lang), t("national.col.mean", lang)]
    header += [t("national.col.level", lang, level=name) for name in level_names(n_levels, lang)]
    out = [header]
    for row in table.rows:
        labels = [value_name(d, v, lang) for d, v in zip(table.dimensions, row.key)]
        if row.withheld:
            out.append(labels + [t("national.withheld", lang)] * (2 + n_levels))
            continue
        out.append(labels + [str(row.students), _figure(row.mean, row.se, lang)]
                   + [_figure(p, s, lang) for p, s in row.levels])
    return out


def trend_rows(report: NationalReport, lang: str) -> list[list[str]]:
    header = [t("national.dim.region", lang), t("national.trend.col.base", lang, year=report.base_year),
              t("national.trend.col.base", lang, year=report.year), t("national.trend.col.change", lang)]
    return [header] + [[value_name("region", r.group, lang), format_number(r.base_mean, lang, 0),
                        format_number(r.mean, lang, 0), _figure(r.change, r.se, lang)] for r in report.trends]


def gap_rows(report: NationalReport, lang: str) -> list[list[str]]:
    """Differences between groups: significant at 5 % when |difference| > 1.96 SE (marked *)."""
    header = [t("national.gap.col.groups", lang), t("national.gap.col.difference", lang)]
    return [header] + [[f"{value_name(g.dimension, g.first, lang)} − {value_name(g.dimension, g.second, lang)}",
                        _figure(g.difference, g.se, lang) + (" *" if abs(g.difference) > 1.96 * g.se else "")]
                       for g in report.gaps]


def table_title(table: Table, lang: str) -> str:
    return t("national.table.title", lang, dimensions=" × ".join(t(f"national.dim.{d}", lang) for d in table.dimensions))


def _grid(rows: list[list[str]], labels: int) -> LongTable:
    st = styles()
    n = len(rows[0])
    small = n > 8  # two dimensions and five levels: a smaller type so that words are not broken
    head = ParagraphStyle("national_head", parent=st.cell_bold, fontSize=6.8 if small else 8.5, leading=8 if small else 10.5)
    left = ParagraphStyle("national_left", parent=st.cell, fontSize=7.2 if small else 8.5, leading=8.8 if small else 10.5)
    right = ParagraphStyle("national_right", parent=st.cell_right, fontSize=7.2 if small else 8.5,
                           leading=8.8 if small else 10.5)
    widths = ([30 * mm, 16 * mm] if labels == 2 else [32 * mm] * labels)[:labels]
    rest = (CONTENT_WIDTH - sum(widths)) / (n - labels)
    body = [[para(h, head) for h in rows[0]]]
    body += [[para(v, left if i < labels else right) for i, v in enumerate(r)] for r in rows[1:]]
    table = LongTable(body, colWidths=widths + [rest] * (n - labels), repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)))
    return table


def render_national_report(report: NationalReport, lang: str) -> bytes:
    check_language(lang)
    st = styles()
    direction = direction_name(report.direction, lang)
    story: list[Flowable] = [
        para(t("national.title", lang), st.title),
        para(t("national.subtitle", lang, year=report.year, grade=report.grade, direction=direction), st.subtitle),
        Spacer(1, 4 * mm),
        label_value_table([
            (t("national.scope.students", lang), str(report.students)),
            (t("national.scope.organisations", lang), str(report.organisations)),
            (t("national.scope.base_year", lang), str(report.base_year)),
            (t("national.scope.linking_error", lang), format_number(report.linking_error, lang, 1)),
            (t("national.scope.cuts", lang), ", ".join(format_number(c, lang, 0) for c in report.cuts)),
        ], label_width=80 * mm),
        Spacer(1, 2 * mm),
        para(t("national.method", lang), st.note),
        para(t("national.withheld.note", lang, min_group=report.min_group,
               min_organisations=report.min_organisations), st.note),
    ]
    for table in report.tables:
        story += [CondPageBreak(50 * mm), para(table_title(table, lang), st.heading),
                  _grid(table_rows(report, table, lang), len(table.dimensions))]
    if report.gaps:
        story += [CondPageBreak(40 * mm), para(t("national.gap.title", lang), st.heading),
                  _grid(gap_rows(report, lang), 1), para(t("national.gap.note", lang), st.note)]
    if report.trends:
        story += [CondPageBreak(50 * mm), para(t("national.trend.title", lang), st.heading),
                  _grid(trend_rows(report, lang), 1), para(t("national.trend.note", lang), st.note)]
    footer = t("national.footer", lang, date=report.generated_at.date().isoformat())
    return build_pdf(story, lang=lang, title=t("national.title", lang), footer_left=footer)
