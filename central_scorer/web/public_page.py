"""The public results page (§28): aggregated results in kk, ru and en, with bar charts drawn as
inline SVG — one self-contained HTML page, no scripts, no personal data, small groups suppressed."""

from __future__ import annotations

from html import escape
from typing import Any

from common.i18n import LANGUAGES, catalogue, t

DIMENSIONS = ("direction", "region", "type", "language")
_BAR_W, _ROW_H, _LABEL_W = 360, 26, 330


def _label(dimension: str, key: str, lang: str) -> str:
    if key == "unknown":
        return t("public.unknown", lang)
    candidate = {"direction": f"direction.{key}", "type": f"public.type.{key}",
                 "language": f"public.language.{key}"}.get(dimension)
    return t(candidate, lang) if candidate and candidate in catalogue() else key


def _chart(rows: list[tuple[str, dict[str, Any]]], lang: str, title: str) -> str:
    shown = [(label, g) for label, g in rows if not g["suppressed"]]
    height = _ROW_H * max(1, len(shown)) + 10
    bars = []
    for i, (label, g) in enumerate(shown):
        y = 5 + i * _ROW_H
        width = _BAR_W * g["mean_percent"] / 100
        bars.append(
            f'<text x="{_LABEL_W - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{_ROW_H - 8}" class="bar"/>'
            f'<text x="{_LABEL_W + width + 6:.1f}" y="{y + 17}">{g["mean_percent"]:.1f}%</text>')
    return (f'<svg role="img" aria-label="{escape(title)}" width="{_LABEL_W + _BAR_W + 70}" '
            f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


def _table(dimension: str, groups: list[dict[str, Any]], lang: str) -> str:
    rows = [(_label(dimension, g["key"], lang), g) for g in groups]
    title = t(f"public.by.{dimension}", lang)
    body = "".join(
        f"<tr><td>{escape(label)}</td>"
        + (f'<td colspan="2" class="suppressed">{escape(t("public.suppressed", lang))}</td>'
           if g["suppressed"] else f'<td class="num">{g["students"]}</td>'
                                   f'<td class="num">{g["mean_percent"]:.1f}</td>')
        + "</tr>"
        for label, g in rows)
    return (f'<section id="by-{dimension}"><h2>{escape(title)}</h2>{_chart(rows, lang, title)}'
            f'<table><thead><tr><th>{escape(t("public.group", lang))}</th>'
            f'<th>{escape(t("public.students", lang))}</th>'
            f'<th>{escape(t("public.mean_percent", lang))}</th></tr></thead>'
            f'<tbody>{body}</tbody></table></section>')


def render(aggregates: dict[str, Any], lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    current = ' aria-current="page"'
    switch = " · ".join(
        f'<a href="?lang={code}" lang="{code}"{current if code == lang else ""}>{code.upper()}</a>'
        for code in LANGUAGES)
    overall = aggregates["overall"]
    if overall["suppressed"]:
        content = f'<p class="none">{escape(t("public.none", lang))}</p>'
    else:
        content = (f'<p class="overall">{escape(t("public.overall", lang))}: '
                   f'{escape(t("public.students", lang))} — <b>{overall["students"]}</b>, '
                   f'{escape(t("public.mean_percent", lang))} — <b>{overall["mean_percent"]:.1f}</b></p>'
                   + "".join(_table(dim, aggregates["by"].get(dim, []), lang) for dim in DIMENSIONS))
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("public.title", lang))}</title>
<style>
body {{ font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; margin: 2rem auto; max-width: 60rem;
       color: #1b1b1b; padding: 0 1rem; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.2rem; margin-top: 2rem; }}
nav {{ float: right; }} nav a[aria-current] {{ font-weight: bold; text-decoration: none; color: #1b1b1b; }}
table {{ border-collapse: collapse; margin-top: .5rem; min-width: 30rem; }}
th, td {{ border-bottom: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }}
td.num {{ text-align: right; }} td.suppressed {{ color: #666; font-style: italic; }}
svg text {{ font-size: 13px; fill: #1b1b1b; }} svg .bar {{ fill: #2f6f9f; }}
</style></head>
<body><nav aria-label="{escape(t("public.switch", lang))}">{switch}</nav>
<h1>{escape(t("public.title", lang))}</h1>
<p>{escape(t("public.intro", lang, min_group=aggregates["min_group"]))}</p>
{content}
</body></html>"""
