"""The public results page (§28): one page per year, grade and language (kk, ru, en), with bar
charts drawn as inline SVG — self-contained HTML, no scripts, no personal data, small groups
withheld — and an index of the years and grades published. Rendered to files by
`web/publish.py`; the server only hands the files out."""

from __future__ import annotations

from html import escape
from typing import Any

from common.i18n import LANGUAGES, catalogue, t

TABLES = ("region", "territory", "type", "language")
_BAR_W, _ROW_H, _LABEL_W = 360, 26, 330

_STYLE = """
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; margin: 2rem auto; max-width: 64rem;
       color: #1b1b1b; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
nav { margin: .4rem 0; } nav a { margin-right: .6rem; }
nav a[aria-current] { font-weight: bold; text-decoration: none; color: #1b1b1b; }
nav.lang { float: right; }
table { border-collapse: collapse; margin-top: .5rem; min-width: 30rem; }
th, td { border-bottom: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }
td.num { text-align: right; } td.suppressed { color: #666; font-style: italic; }
tfoot td { font-weight: bold; }
svg text { font-size: 13px; fill: #1b1b1b; } svg .bar { fill: #2f6f9f; }
"""


def _label(dimension: str, key: str, lang: str) -> str:
    if key == "unknown":
        return t("public.unknown", lang)
    candidate = {"direction": f"direction.{key}", "type": f"public.type.{key}",
                 "language": f"public.language.{key}", "territory": f"public.territory.{key}"}.get(dimension)
    return t(candidate, lang) if candidate and candidate in catalogue() else key


def grade_label(grade: str, lang: str) -> str:
    key = f"public.grade.{grade}"
    return t(key, lang) if key in catalogue() else grade


def _chart(rows: list[tuple[str, float]], title: str) -> str:
    height = _ROW_H * max(1, len(rows)) + 10
    bars = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * _ROW_H
        width = _BAR_W * value / 100
        bars.append(
            f'<text x="{_LABEL_W - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{_ROW_H - 8}" class="bar"/>'
            f'<text x="{_LABEL_W + width + 6:.1f}" y="{y + 17}">{value:.1f}%</text>')
    return (f'<svg role="img" aria-label="{escape(title)}" width="{_LABEL_W + _BAR_W + 70}" '
            f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


def _row(label: str, g: dict[str, Any], directions: list[str], lang: str, tag: str = "td") -> str:
    if g["suppressed"]:
        return (f'<tr class="suppressed"><td>{escape(label)}</td><td colspan="{2 + len(directions)}" '
                f'class="suppressed">{escape(t("public.suppressed", lang))}</td></tr>')
    cells = "".join(f'<td class="num">{g["directions"][d]:.1f}</td>' if d in g["directions"]
                    else '<td class="num">—</td>' for d in directions)
    return (f'<tr><td>{escape(label)}</td><td class="num students">{g["students"]}</td>'
            f'<td class="num">{g["mean_percent"]:.1f}</td>{cells}</tr>')


def _table(dimension: str, groups: list[dict[str, Any]], overall: dict[str, Any],
           directions: list[str], lang: str) -> str:
    title = t(f"public.by.{dimension}", lang)
    heads = "".join(f"<th>{escape(_label('direction', d, lang))}, %</th>" for d in directions)
    body = "".join(_row(_label(dimension, g["key"], lang), g, directions, lang) for g in groups)
    shown = [(_label(dimension, g["key"], lang), g["mean_percent"]) for g in groups if not g["suppressed"]]
    return (f'<section id="by-{dimension}"><h2>{escape(title)}</h2>{_chart(shown, title)}'
            f'<table class="groups"><thead><tr><th>{escape(t("public.group", lang))}</th>'
            f'<th>{escape(t("public.students", lang))}</th>'
            f'<th>{escape(t("public.mean_percent", lang))}</th>{heads}</tr></thead>'
            f'<tbody>{body}</tbody>'
            f'<tfoot>{_row(t("public.overall", lang), overall, directions, lang)}</tfoot></table></section>')


def _page(lang: str, title: str, switch: str, body: str, home: str) -> str:
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_STYLE}</style></head>
<body><nav class="lang" aria-label="{escape(t("public.switch", lang))}">{switch}</nav>
<h1><a href="{home}" style="color:inherit;text-decoration:none">{escape(t("public.title", lang))}</a></h1>
{body}
</body></html>"""


def _switch(lang: str, href_of) -> str:
    current = ' aria-current="page"'
    return " · ".join(f'<a href="{href_of(code)}" lang="{code}"{current if code == lang else ""}>'
                      f'{code.upper()}</a>' for code in LANGUAGES)


def render_cohort(cohort: dict[str, Any], cohorts: list[tuple[int, str]], lang: str) -> str:
    """The page of one year and grade, at `{lang}/{year}/{grade}.html`."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    year, grade = cohort["year"], cohort["grade"]
    years = sorted({y for y, g in cohorts if g == grade})
    grades = sorted({g for y, g in cohorts if y == year})
    current = ' aria-current="page"'
    nav = (f'<nav class="year" aria-label="{escape(t("public.year", lang))}">'
           f'{escape(t("public.year", lang))}: '
           + "".join(f'<a href="../{y}/{grade}.html"{current if y == year else ""}>{y}</a>' for y in years)
           + f'</nav><nav class="grade" aria-label="{escape(t("public.grade", lang))}">'
           f'{escape(t("public.grade", lang))}: '
           + "".join(f'<a href="{g}.html"{current if g == grade else ""}>{escape(grade_label(g, lang))}</a>'
                     for g in grades) + "</nav>")
    heading = f'<h2 id="cohort">{year} · {escape(grade_label(grade, lang))}</h2>'
    intro = f'<p>{escape(t("public.intro", lang, min_group=cohort["min_group"]))}</p>'
    overall = cohort["overall"]
    if overall["suppressed"]:
        content = f'<p class="none">{escape(t("public.none", lang))}</p>'
    else:
        directions = cohort["directions"]
        by_direction = [(_label("direction", d, lang), overall["directions"][d]) for d in directions]
        content = (f'<p class="overall">{escape(t("public.overall", lang))}: '
                   f'{escape(t("public.students", lang))} — <b>{overall["students"]}</b>, '
                   f'{escape(t("public.mean_percent", lang))} — <b>{overall["mean_percent"]:.1f}</b></p>'
                   f'<section id="by-direction"><h2>{escape(t("public.by.direction", lang))}</h2>'
                   f'{_chart(by_direction, t("public.by.direction", lang))}</section>'
                   + "".join(_table(dim, cohort["by"].get(dim, []), overall, directions, lang)
                             for dim in TABLES))
    data = f'<p><a rel="alternate" type="application/json" href="../../data/{year}-{grade}.json">' \
           f'{escape(t("public.open_data", lang))}</a></p>'
    return _page(lang, f'{t("public.title", lang)} — {year}, {grade_label(grade, lang)}',
                 _switch(lang, lambda code: f"../../{code}/{year}/{grade}.html"),
                 nav + heading + intro + content + data, "../index.html")


def render_index(cohorts: list[tuple[int, str]], lang: str) -> str:
    """The list of years and grades published, at `{lang}/index.html`."""
    if not cohorts:
        body = f'<p class="none">{escape(t("public.none", lang))}</p>'
    else:
        items = []
        for year in sorted({y for y, _ in cohorts}, reverse=True):
            links = " · ".join(f'<a href="{year}/{g}.html">{escape(grade_label(g, lang))}</a>'
                               for g in sorted(g for y, g in cohorts if y == year))
            items.append(f"<li><b>{year}</b>: {links}</li>")
        body = f'<ul class="cohorts">{"".join(items)}</ul>'
    return _page(lang, t("public.title", lang), _switch(lang, lambda code: f"../{code}/index.html"),
                 body, "index.html")
