"""The analysis report's methodological recommendations for one direction (§29): the items most and
least solved, the content areas from weakest to strongest, the wrong options that drew many
students, and what follows from them — the words from the catalogue, the figures from
``central_scorer/stats/recommendations.py``."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Flowable, LongTable

from common.documents.pdf import CONTENT_WIDTH, format_number, para, styles, table_style
from common.i18n import t


@dataclass(frozen=True)
class SolvedItem:
    id: str
    content_area: str
    p: float
    omitted: float


@dataclass(frozen=True)
class AreaRow:
    content_area: str
    items: int
    mean_p: float


@dataclass(frozen=True)
class DistractorRow:
    id: str
    option: str
    share: float  # of the students shown the item
    key_share: float


@dataclass(frozen=True)
class Recommendations:
    most_solved: tuple[SolvedItem, ...]
    least_solved: tuple[SolvedItem, ...]
    areas: tuple[AreaRow, ...]  # weakest first
    distractors: tuple[DistractorRow, ...]


def _pct(value: float, lang: str) -> str:
    return format_number(100 * value, lang, 0)


def _table(header: list[str], rows: list[list[str]], first: float) -> LongTable:
    st = styles()
    n = len(header)
    widths = [first] + [(CONTENT_WIDTH - first) / (n - 1)] * (n - 1)
    body = [[para(h, st.cell_bold) for h in header]] + [
        [para(v, st.cell if i == 0 else st.cell_right) for i, v in enumerate(r)] for r in rows]
    table = LongTable(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")), ("VALIGN", (0, 0), (-1, -1), "TOP")))
    return table


def recommendation_flowables(rec: Recommendations, lang: str) -> list[Flowable]:
    st = styles()
    area = lambda a: a or t("recommend.area.unknown", lang)  # noqa: E731
    head = [t("analysis.col.item", lang), t("recommend.col.area", lang), t("recommend.col.p", lang),
            t("analysis.col.omitted", lang)]
    out: list[Flowable] = [para(t("recommend.title", lang), st.heading)]
    for key, items in (("recommend.least", rec.least_solved), ("recommend.most", rec.most_solved)):
        out.append(para(t(key, lang), st.body))
        out.append(_table(head, [[i.id, area(i.content_area), _pct(i.p, lang), _pct(i.omitted, lang)]
                                 for i in items], 85.0))
    if rec.areas:
        out.append(para(t("recommend.areas", lang), st.body))
        out.append(_table([t("recommend.col.area", lang), t("recommend.col.items", lang), t("recommend.col.p", lang)],
                          [[area(a.content_area), str(a.items), _pct(a.mean_p, lang)] for a in rec.areas], 227.0))
    advice = []
    if rec.areas and len(rec.areas) > 1:
        advice.append(t("recommend.advice.area", lang, area=area(rec.areas[0].content_area),
                        p=_pct(rec.areas[0].mean_p, lang)))
    for d in rec.distractors:
        advice.append(t("recommend.advice.distractor", lang, item=d.id, option=d.option.upper(),
                        share=_pct(d.share, lang), right=_pct(d.key_share, lang)))
    for i in rec.least_solved:
        if i.omitted >= 0.10:
            advice.append(t("recommend.advice.omitted", lang, item=i.id, share=_pct(i.omitted, lang)))
    out.append(para(t("recommend.advice", lang), st.body))
    out += [para("• " + a, st.bullet) for a in advice] or [para(t("recommend.advice.none", lang), st.note)]
    return out

