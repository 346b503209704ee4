"""The statistical analysis of the monitoring's results (§26, §29) as an A4 PDF in kk, ru or en.

One section per direction and grade: the distribution of results (by language of instruction), the
results by region, the item map (abilities and item difficulties on one scale), the item analysis of
each variant, DIF by language, and the items flagged for review with the reasons.

The document is plain data in, bytes out: the centre computes the figures (``central_scorer.stats``)
and fills the dataclasses below. Plots are reportlab graphics drawn with the embedded font.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, LongTable, Spacer, Table

from common.documents.pdf import (
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    build_pdf,
    check_language,
    format_datetime,
    format_number,
    label_value_table,
    para,
    styles,
    table_style,
)
from common.documents.recommendations import Recommendations, recommendation_flowables
from common.i18n import catalogue, t

DIRECTION_KEYS = ("reading_literacy", "mathematical_literacy", "science_literacy")
MODELS = ("rasch", "1pl", "2pl")
FLAG_KEYS = ("p_low", "p_high", "rpbis_low", "omit_high", "not_reached_high", "distractor_positive",
             "distractor_unused", "alpha_if_deleted", "dif_c")

_BAR_COLOURS = ("#2F5D8C", "#C0504D", "#6A9C4F", "#8064A2", "#D08A2E")
_GRID = colors.HexColor("#BBBBBB")
_TEXT = colors.HexColor("#222222")
_FLAGGED = colors.HexColor("#B22222")


@dataclass(frozen=True)
class GroupRow:
    """Results of one group: ``key`` is a language code or a region's name ("" when not known)."""

    key: str
    n: int
    mean_percent: float
    sd_percent: float | None


@dataclass(frozen=True)
class ItemRow:
    id: str
    n: int
    p: float | None
    rpbis: float | None
    omitted: float
    not_reached: float
    alpha_if_deleted: float | None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormAnalysis:
    """Item analysis of one variant in one language of instruction."""

    variant: str
    language: str
    n_students: int
    alpha: float | None
    mean_percent: float
    sd_percent: float | None
    items: tuple[ItemRow, ...]


@dataclass(frozen=True)
class IrtItem:
    id: str
    a: float
    b: float
    se_b: float | None
    flagged: bool = False


@dataclass(frozen=True)
class IrtSummary:
    model: str  # rasch | 1pl | 2pl
    n_students: int
    loglik: float
    iterations: int
    converged: bool
    items: tuple[IrtItem, ...]
    theta_edges: tuple[float, ...]  # histogram of the students' EAP abilities
    theta_counts: tuple[int, ...]
    excluded: tuple[str, ...] = ()  # items left out (nobody or everybody right)


@dataclass(frozen=True)
class DifRow:
    id: str
    variant: str
    reference: str  # language codes
    focal: str
    n_reference: int
    n_focal: int
    delta_mh: float | None
    p_value: float | None
    category: str  # A | B | C


@dataclass(frozen=True)
class UnitAnalysis:
    """One direction of one grade."""

    direction: str
    grade: str
    n_students: int
    mean_percent: float
    sd_percent: float | None
    percent_edges: tuple[float, ...]
    # language code → counts per bin of percent_edges
    percent_counts: dict[str, tuple[int, ...]]
    by_language: tuple[GroupRow, ...]
    by_region: tuple[GroupRow, ...]
    forms: tuple[FormAnalysis, ...]
    irt: IrtSummary | None
    irt_note: str | None = None  # why there is no IRT: "too_few_students" | "too_few_items" | "failed"
    irt_note_values: dict[str, str] = field(default_factory=dict)
    dif: tuple[DifRow, ...] = ()
    dif_note: str | None = None  # "one_language" | "too_few_students" | "no_common_variant"
    recommendations: Recommendations | None = None  # §29: common/documents/recommendations.py


@dataclass(frozen=True)
class AnalysisReport:
    generated_at: datetime
    scope: dict[str, str]  # the filters this report was made for: grade, direction, region, language
    n_results: int  # scored results read
    units: tuple[UnitAnalysis, ...]


# --- words -----------------------------------------------------------------------------------------


def direction_name(code: str, lang: str) -> str:
    key = f"analysis.direction.{code}"
    return t(key, lang) if key in catalogue() else code


def language_name(code: str, lang: str) -> str:
    return t(f"language.{code}", lang) if code in ("kk", "ru", "en") else code


def region_name(name: str, lang: str) -> str:
    return name if name else t("analysis.region.unknown", lang)


def _num(value: float | None, lang: str, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang in ("kk", "ru") else text


def _pct(value: float | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang)


# --- the document ----------------------------------------------------------------------------------


def render_analysis_report(report: AnalysisReport, lang: str) -> bytes:
    check_language(lang)
    st = styles()
    story: list[Flowable] = [
        para(t("analysis.title", lang), st.title),
        para(t("analysis.subtitle", lang), st.subtitle),
        Spacer(1, 4 * mm),
        _scope_table(report, lang),
        Spacer(1, 2 * mm),
        para(t("analysis.method_note", lang), st.note),
    ]
    if not report.units:
        story += [Spacer(1, 4 * mm), para(t("analysis.no_data", lang), st.body)]
    for unit in report.units:
        story += _unit(unit, lang)
    footer = t("analysis.footer", lang, date=report.generated_at.date().isoformat())
    return build_pdf(story, lang=lang, title=t("analysis.title", lang), footer_left=footer)


def _scope_table(report: AnalysisReport, lang: str) -> Table:
    every = t("analysis.scope.all", lang)
    scope = report.scope
    direction = scope.get("direction")
    language = scope.get("language")
    region = scope.get("region")
    return label_value_table([
        (t("analysis.scope.generated_at", lang), format_datetime(report.generated_at, lang)),
        (t("analysis.scope.results", lang), str(report.n_results)),
        (t("analysis.grade", lang), scope.get("grade") or every),
        (t("analysis.direction", lang), direction_name(direction, lang) if direction else every),
        (t("analysis.language", lang), language_name(language, lang) if language else every),
        (t("analysis.region", lang), region if region else every),
    ], label_width=70 * mm)


def _grid_table(header: list[str], rows: list[list[str]], widths: list[float | None],
                right_from: int = 1, flagged_rows: set[int] | None = None) -> LongTable:
    st = styles()
    free = [i for i, w in enumerate(widths) if w is None]
    fixed = sum(w for w in widths if w is not None)
    widths = [((CONTENT_WIDTH - fixed) / len(free)) if w is None else w for w in widths]
    body = [[para(h, st.cell_bold) for h in header]]
    for row in rows:
        body.append([para(v, st.cell if i < right_from else st.cell_right) for i, v in enumerate(row)])
    table = LongTable(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for r in sorted(flagged_rows or ()):
        commands.append(("BACKGROUND", (0, r + 1), (-1, r + 1), colors.HexColor("#FBE3E3")))
    table.setStyle(table_style(*commands))
    return table


def _unit(unit: UnitAnalysis, lang: str) -> list[Flowable]:
    st = styles()
    title = t("analysis.unit.title", lang, direction=direction_name(unit.direction, lang), grade=unit.grade)
    out: list[Flowable] = [CondPageBreak(80 * mm), Spacer(1, 3 * mm), para(title, st.title)]
    out.append(label_value_table([
        (t("analysis.col.students", lang), str(unit.n_students)),
        (t("analysis.col.mean_percent", lang), _pct(unit.mean_percent, lang)),
        (t("analysis.col.sd_percent", lang), _pct(unit.sd_percent, lang)),
    ], label_width=70 * mm))

    # distribution of results by language
    out.append(KeepTogether([para(t("analysis.distribution", lang), st.heading), _histogram(unit, lang),
                             para(t("analysis.distribution.caption", lang), st.caption)]))
    out.append(Spacer(1, 2 * mm))
    out.append(_groups_table(unit.by_language, lang, t("analysis.language", lang),
                             lambda k: language_name(k, lang)))

    # by region
    if unit.by_region:
        out.append(KeepTogether([para(t("analysis.by_region", lang), st.heading),
                                 _region_bars(unit.by_region, lang)]))
        out.append(Spacer(1, 2 * mm))
        out.append(_groups_table(unit.by_region, lang, t("analysis.region", lang), lambda k: region_name(k, lang)))

    # item map and IRT estimates
    heading = para(t("analysis.item_map", lang), st.heading)
    if unit.irt is None:
        note = t(f"analysis.irt_note.{unit.irt_note or 'failed'}", lang, **unit.irt_note_values)
        out.append(KeepTogether([heading, para(note, st.note)]))
    else:
        irt = unit.irt
        out.append(KeepTogether([heading, _item_map(irt, lang),
                                 para(t("analysis.item_map.caption", lang), st.caption)]))
        out.append(Spacer(1, 2 * mm))
        state = t("analysis.irt.converged" if irt.converged else "analysis.irt.not_converged", lang)
        out.append(para(t("analysis.irt.summary", lang, model=t(f"analysis.model.{irt.model}", lang),
                          n=irt.n_students, loglik=_num(irt.loglik, lang, 1),
                          iterations=irt.iterations, state=state), st.note))
        if irt.excluded:
            out.append(para(t("analysis.irt.excluded", lang, items=", ".join(irt.excluded)), st.note))
        out.append(Spacer(1, 1.5 * mm))
        rows = [[i.id, _num(i.a, lang), _num(i.b, lang), _num(i.se_b, lang)] for i in irt.items]
        out.append(_grid_table([t("analysis.col.item", lang), t("analysis.col.a", lang),
                                t("analysis.col.b", lang), t("analysis.col.se_b", lang)],
                               rows, [None, 30 * mm, 30 * mm, 30 * mm],
                               flagged_rows={k for k, i in enumerate(irt.items) if i.flagged}))

    # classical item analysis per variant and language
    for form in unit.forms:
        heading = t("analysis.form.title", lang, variant=form.variant, language=language_name(form.language, lang))
        out.append(CondPageBreak(40 * mm))
        out.append(para(heading, st.heading))
        out.append(para(t("analysis.form.summary", lang, n=form.n_students,
                          alpha=_num(form.alpha, lang), mean=_pct(form.mean_percent, lang),
                          sd=_pct(form.sd_percent, lang)), st.note))
        out.append(Spacer(1, 1.5 * mm))
        rows = [[i.id, str(i.n), _num(i.p, lang), _num(i.rpbis, lang), _pct(100 * i.omitted, lang),
                 _pct(100 * i.not_reached, lang), _num(i.alpha_if_deleted, lang), str(len(i.flags) or "")]
                for i in form.items]
        out.append(_grid_table(
            [t(f"analysis.col.{k}", lang) for k in
             ("item", "n", "p", "rpbis", "omitted", "not_reached", "alpha_if_deleted", "flags")],
            rows, [None, 15 * mm, 15 * mm, 17 * mm, 22 * mm, 22 * mm, 24 * mm, 16 * mm],
            flagged_rows={k for k, i in enumerate(form.items) if i.flags}))

    # DIF by language of instruction
    out.append(para(t("analysis.dif", lang), st.heading))
    if unit.dif:
        rows = [[d.id, f"{d.variant}: {language_name(d.reference, lang)} / {language_name(d.focal, lang)}",
                 f"{d.n_reference} / {d.n_focal}", _num(d.delta_mh, lang), _num(d.p_value, lang, 3), d.category]
                for d in unit.dif]
        out.append(_grid_table([t(f"analysis.col.{k}", lang) for k in
                                ("item", "groups", "n", "delta_mh", "p_value", "dif_category")],
                               rows, [None, 46 * mm, 26 * mm, 20 * mm, 18 * mm, 18 * mm], right_from=2,
                               flagged_rows={k for k, d in enumerate(unit.dif) if d.category == "C"}))
        out.append(para(t("analysis.dif.caption", lang), st.caption))
    else:
        out.append(para(t(f"analysis.dif_note.{unit.dif_note or 'one_language'}", lang), st.note))

    # flagged items
    out.append(para(t("analysis.flagged", lang), st.heading))
    flagged = _flagged(unit)
    if not flagged:
        out.append(para(t("analysis.flagged.none", lang), st.note))
    else:
        rows = [[item, ", ".join(dict.fromkeys(where)),
                 "; ".join(t(f"analysis.flag.{f}", lang) for f in dict.fromkeys(flags))]
                for item, (where, flags) in flagged.items()]
        out.append(_grid_table([t("analysis.col.item", lang), t("analysis.col.where", lang),
                                t("analysis.col.reasons", lang)], rows, [25 * mm, 40 * mm, None],
                               right_from=99))
    return out + (recommendation_flowables(unit.recommendations, lang) if unit.recommendations else [])


def _flagged(unit: UnitAnalysis) -> dict[str, tuple[list[str], list[str]]]:
    """item → (variants/languages where flagged, flag codes), in item order."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for form in unit.forms:
        for item in form.items:
            if item.flags:
                where, flags = out.setdefault(item.id, ([], []))
                where.append(f"{form.variant} ({form.language})")
                flags.extend(item.flags)
    for d in unit.dif:
        if d.category == "C":
            where, flags = out.setdefault(d.id, ([], []))
            where.append(f"{d.variant} ({d.reference}/{d.focal})")
            flags.append("dif_c")
    return out


def _groups_table(rows: tuple[GroupRow, ...], lang: str, label: str, name) -> LongTable:
    body = [[name(g.key), str(g.n), _pct(g.mean_percent, lang), _pct(g.sd_percent, lang)] for g in rows]
    return _grid_table([label, t("analysis.col.students", lang), t("analysis.col.mean_percent", lang),
                        t("analysis.col.sd_percent", lang)], body, [None, 30 * mm, 34 * mm, 34 * mm])


# --- plots -----------------------------------------------------------------------------------------


def _canvas(width: float, height: float) -> Drawing:
    """A drawing whose initial font is the embedded one (reportlab would start it in Helvetica)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    drawing.initialFontSize = 7
    return drawing


def _axis_text(x: float, y: float, text: str, size: float = 7, anchor: str = "middle",
               colour=_TEXT, bold: bool = False) -> String:
    return String(x, y, text, fontName=FONT_BOLD if bold else FONT, fontSize=size, fillColor=colour,
                  textAnchor=anchor)


def _histogram(unit: UnitAnalysis, lang: str) -> Drawing:
    """Grouped bars: the share of each language's students in each band of percent scored."""
    width, height = CONTENT_WIDTH, 62 * mm
    left, bottom, top, right = 14 * mm, 14 * mm, 10 * mm, 4 * mm
    drawing = _canvas(width, height)
    languages = list(unit.percent_counts)
    edges = unit.percent_edges
    bins = len(edges) - 1
    shares = {}
    for language in languages:
        counts = unit.percent_counts[language]
        total = sum(counts) or 1
        shares[language] = [100.0 * c / total for c in counts]
    peak = max([max(v) for v in shares.values()] + [1.0])
    ymax = min(100.0, (int(peak / 10) + 1) * 10.0)
    plot_w, plot_h = width - left - right, height - bottom - top
    for k in range(0, int(ymax) + 1, 10 if ymax > 30 else 5):
        y = bottom + plot_h * k / ymax
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=_GRID, strokeWidth=0.3))
        drawing.add(_axis_text(left - 2, y - 2.5, f"{k}", anchor="end"))
    slot = plot_w / bins
    bar = slot * 0.8 / max(len(languages), 1)
    for i in range(bins):
        for n, language in enumerate(languages):
            h = plot_h * shares[language][i] / ymax
            x = left + i * slot + slot * 0.1 + n * bar
            drawing.add(Rect(x, bottom, bar, h, fillColor=colors.HexColor(_BAR_COLOURS[n % len(_BAR_COLOURS)]),
                             strokeColor=None))
        label = f"{edges[i]:g}–{edges[i + 1]:g}"
        drawing.add(_axis_text(left + (i + 0.5) * slot, bottom - 9, label))
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=_TEXT, strokeWidth=0.6))
    drawing.add(Line(left, bottom, left, bottom + plot_h, strokeColor=_TEXT, strokeWidth=0.6))
    drawing.add(_axis_text(left + plot_w / 2, 2, t("analysis.axis.percent", lang)))
    drawing.add(_axis_text(2, bottom + plot_h + 8, t("analysis.axis.share", lang), anchor="start"))
    # legend
    x = left + plot_w
    for n, language in reversed(list(enumerate(languages))):
        label = language_name(language, lang)
        x -= 6 + len(label) * 3.6
        drawing.add(Rect(x, height - 6, 4, 4, fillColor=colors.HexColor(_BAR_COLOURS[n % len(_BAR_COLOURS)]),
                         strokeColor=None))
        drawing.add(_axis_text(x + 5.5, height - 6, label, anchor="start"))
        x -= 6
    return drawing


def _region_bars(rows: tuple[GroupRow, ...], lang: str) -> Drawing:
    """Horizontal bars: the mean percent of each region."""
    row_h = 11.0
    label_w = 62 * mm
    width = CONTENT_WIDTH
    height = row_h * len(rows) + 16
    drawing = _canvas(width, height)
    plot_w = width - label_w - 22 * mm
    base = 12
    for k in range(0, 101, 20):
        x = label_w + plot_w * k / 100
        drawing.add(Line(x, base, x, height, strokeColor=_GRID, strokeWidth=0.3))
        drawing.add(_axis_text(x, 2, f"{k}"))
    for i, row in enumerate(rows):
        y = height - (i + 1) * row_h
        name = region_name(row.key, lang)
        if len(name) > 40:
            name = name[:39] + "…"
        drawing.add(_axis_text(label_w - 3, y + 2.5, name, anchor="end"))
        w = plot_w * max(0.0, min(row.mean_percent, 100.0)) / 100
        drawing.add(Rect(label_w, y + 0.5, w, row_h - 3, fillColor=colors.HexColor(_BAR_COLOURS[0]),
                         strokeColor=None))
        drawing.add(_axis_text(label_w + w + 3, y + 2.5,
                               f"{format_number(row.mean_percent, lang)} (n={row.n})", anchor="start"))
    return drawing


def _item_map(irt: IrtSummary, lang: str) -> Drawing:
    """A Wright map: students' abilities (bars, left) and items at their difficulty b (right)."""
    width, height = CONTENT_WIDTH, 92 * mm
    bottom, top = 8, 14
    lo, hi = irt.theta_edges[0], irt.theta_edges[-1]
    plot_h = height - bottom - top
    axis_x = width * 0.42
    drawing = _canvas(width, height)

    def y_of(theta: float) -> float:
        return bottom + plot_h * (min(max(theta, lo), hi) - lo) / (hi - lo)

    total = sum(irt.theta_counts) or 1
    peak = max(irt.theta_counts) / total if irt.theta_counts else 1
    bar_room = axis_x - 16 * mm
    for k in range(len(irt.theta_counts)):
        y0, y1 = y_of(irt.theta_edges[k]), y_of(irt.theta_edges[k + 1])
        share = irt.theta_counts[k] / total
        w = bar_room * share / peak if peak else 0
        drawing.add(Rect(axis_x - w, y0 + 0.3, w, max(y1 - y0 - 0.6, 0.2),
                         fillColor=colors.HexColor(_BAR_COLOURS[0]), strokeColor=None))
    drawing.add(Line(axis_x, bottom, axis_x, bottom + plot_h, strokeColor=_TEXT, strokeWidth=0.8))
    for tick in range(int(lo), int(hi) + 1):
        y = y_of(tick)
        drawing.add(Line(axis_x - 2, y, axis_x + 2, y, strokeColor=_TEXT, strokeWidth=0.6))
        drawing.add(_axis_text(6 * mm, y - 2.5, f"{tick:+d}" if tick else "0", anchor="middle"))
    drawing.add(_axis_text(axis_x - bar_room / 2, height - 8, t("analysis.axis.students", lang), bold=True))
    drawing.add(_axis_text(axis_x + 4, height - 8, t("analysis.axis.items", lang), anchor="start", bold=True))
    drawing.add(_axis_text(6 * mm, height - 8, "θ", bold=True))
    # items: stacked sideways where their b round to the same row
    rows: dict[int, int] = {}
    step = 8.0
    for item in sorted(irt.items, key=lambda i: i.b):
        y = y_of(item.b)
        row = int(round(y / step))
        n = rows.get(row, 0)
        rows[row] = n + 1
        label = item.id if lo <= item.b <= hi else f"{item.id}{'↑' if item.b > hi else '↓'}"
        x = axis_x + 5 + n * 34
        if x > width - 30:
            continue
        drawing.add(_axis_text(x, row * step - 2.5, label, anchor="start", size=6.5,
                               colour=_FLAGGED if item.flagged else _TEXT, bold=item.flagged))
    return drawing
