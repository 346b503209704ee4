"""The published selection of organisations (§14) as a PDF: parameters, method, strata, the list.

It prints what an auditor needs to redo the draw: the share, the seed, the SHA-256 of the working
list, the contingent bands and the rule, then one row per stratum (in the list, excluded,
eligible, quota, drawn) and every selected organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, LongTable, Spacer, Table

from common.documents.pdf import CONTENT_WIDTH, build_pdf, check_language, para, styles, table_style
from common.i18n import t

_PAD = 3  # points either side of a cell's text

__all__ = ["SelectedRow", "SelectionDocument", "StratumRow", "render_selection", "value_label"]


@dataclass(frozen=True)
class StratumRow:
    territory: str
    type: str
    language: str
    band: str
    organisations: int
    excluded: int
    eligible: int
    quota: str
    drawn: int


@dataclass(frozen=True)
class SelectedRow:
    code: str
    name: str
    region: str
    district: str
    territory: str
    type: str
    language: str
    band: str


@dataclass(frozen=True)
class SelectionDocument:
    year: int
    grade: str  # 4 | 9 | college-2 | college-3, or "" when the list mixes them
    share: str  # decimal text
    seed: int
    list_sha256: str
    bands: tuple[int, ...]
    organisations: int
    excluded: int
    eligible: int
    target: int
    strata: tuple[StratumRow, ...]
    selected: tuple[SelectedRow, ...]


def value_label(field: str, value: str, lang: str) -> str:
    """A territory, type or language code in words (``city`` → ``қала``)."""
    if field == "language" and value in ("kk", "ru"):
        return t(f"language.{value}", lang)
    return t(f"campaign.{field}.{value}", lang)


def _number(value: str, lang: str) -> str:
    return value.replace(".", ",") if lang in ("kk", "ru") else value


def render_selection(doc: SelectionDocument, lang: str) -> bytes:
    """The selection as an A4 PDF in ``lang`` (same document, same bytes)."""
    check_language(lang)
    st = styles()
    heading = ParagraphStyle("selection_heading", parent=st.heading, keepWithNext=1)
    story: list[Flowable] = [
        para(t("campaign.selection.title", lang, year=doc.year), st.title),
        para(t("campaign.selection.subtitle", lang), st.subtitle),
        Spacer(1, 4 * mm),
        _parameters(doc, lang),
        para(t("campaign.selection.method", lang), heading),
        *[para(line, st.note) for line in t("campaign.selection.method_text", lang).split("\n")],
        para(t("campaign.selection.strata", lang), heading),
        _strata(doc, lang),
        para(t("campaign.selection.selected", lang), heading),
    ]
    story.append(_selected(doc.selected, lang) if doc.selected else para(t("campaign.selection.none", lang)))
    footer = t("campaign.selection.footer", lang, year=doc.year, seed=doc.seed)
    return build_pdf(story, lang=lang, title=t("campaign.selection.title", lang, year=doc.year),
                     footer_left=footer)


def _parameters(doc: SelectionDocument, lang: str) -> Table:
    st = styles()
    bands = ", ".join(str(b) for b in doc.bands)
    pairs = [
        (t("campaign.selection.share", lang), f"{_number(doc.share, lang)}"),
        (t("campaign.selection.seed", lang), str(doc.seed)),
        (t("campaign.selection.list_sha256", lang), doc.list_sha256),
        (t("campaign.selection.bands", lang), bands),
        (t("campaign.selection.counts", lang), t(
            "campaign.selection.counts_value", lang, organisations=doc.organisations,
            excluded=doc.excluded, eligible=doc.eligible, target=doc.target)),
    ]
    if doc.grade:
        pairs.insert(0, (t("campaign.selection.grade", lang), t(f"campaign.grade.{doc.grade}", lang)))
    label = 62 * mm
    table = Table([[para(k, st.cell_bold), para(v, st.cell)] for k, v in pairs],
                  colWidths=[label, CONTENT_WIDTH - label], hAlign="LEFT")
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ))
    return table


def _grid(rows: list[list[object]], widths: Sequence[float], total_row: bool = False) -> LongTable:
    table = LongTable(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F7F7")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
    ]
    if total_row:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#E6E6E6")))
    table.setStyle(table_style(*commands))
    return table


def _strata(doc: SelectionDocument, lang: str) -> LongTable:
    st = styles()
    keys = ("territory", "type", "language", "band", "organisations", "excluded", "eligible",
            "quota", "drawn")
    small = ParagraphStyle("selection_header", parent=st.cell_bold, fontSize=7.5, leading=9)
    header = [para(t(f"campaign.selection.col.{k}", lang), small) for k in keys]
    body = []
    for s in doc.strata:
        body.append([
            para(value_label("territory", s.territory, lang), st.cell),
            para(value_label("type", s.type, lang), st.cell),
            para(value_label("language", s.language, lang), st.cell),
            para(s.band, st.cell),
            para(str(s.organisations), st.cell_right),
            para(str(s.excluded), st.cell_right),
            para(str(s.eligible), st.cell_right),
            para(_number(s.quota, lang), st.cell_right),
            para(str(s.drawn), st.cell_right),
        ])
    total = [para(t("campaign.selection.col.total", lang), st.cell_bold), "", "", "",
             para(str(doc.organisations), st.cell_right), para(str(doc.excluded), st.cell_right),
             para(str(doc.eligible), st.cell_right), "", para(str(doc.target), st.cell_right)]
    # Column widths follow the words they must hold in this language: a number column is as wide
    # as its header's longest word; the territory column as its longest value; the rest share.
    def fit(words: list[str], style: ParagraphStyle) -> float:
        return max(stringWidth(w, style.fontName, style.fontSize) for w in words) + 2 * _PAD + 1

    numbers = [fit(t(f"campaign.selection.col.{k}", lang).split() + ["0000"], small) for k in keys[4:]]
    territory = fit([value_label("territory", v, lang) for v in ("city", "village")]
                    + t("campaign.selection.col.territory", lang).split(), st.cell)
    band = fit(["121+", "61-120"] + t("campaign.selection.col.band", lang).split(), small)
    rest = CONTENT_WIDTH - sum(numbers) - territory - band
    widths = [territory, rest * 0.58, rest * 0.42, band, *numbers]
    table = _grid([header, *body, total], widths, total_row=True)
    table.setStyle(table_style(("SPAN", (0, -1), (3, -1))))
    return table


def _selected(rows: Sequence[SelectedRow], lang: str) -> LongTable:
    st = styles()
    header = [para(t(f"campaign.selection.col.{k}", lang), st.cell_bold)
              for k in ("no", "code", "name", "region", "district")]
    body = [[para(str(i), st.cell_right), para(r.code, st.cell), para(r.name, st.cell),
             para(r.region, st.cell), para(r.district, st.cell)] for i, r in enumerate(rows, 1)]
    widths = [10 * mm, 22 * mm, None, 36 * mm, 34 * mm]
    widths[2] = CONTENT_WIDTH - sum(w for w in widths if w is not None)
    return _grid([header, *body], widths)
