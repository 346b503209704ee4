"""The staff dashboard's page: each organisation's report per year and grade — due, overdue or
delivered (downloaded through the portal) by the working-day calendar (§27)."""

from __future__ import annotations

from html import escape

from common.i18n import LANGUAGES, t
from central_scorer.reports.due import DueReport
from central_scorer.web.public_page import grade_label


def _when(moment: str | None) -> str:
    return (moment or "")[:16].replace("T", " ")


def render(rows: list[DueReport], lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    counts = {status: sum(r.status == status for r in rows) for status in ("overdue", "due", "delivered")}
    summary = " · ".join(f'<span class="{s}">{escape(t("dashboard.status." + s, lang))}: <b>{n}</b></span>'
                         for s, n in counts.items())
    body = "".join(
        f'<tr class="{r.status}"><td>{escape(r.organisation_code)}</td><td>{r.year}</td>'
        f'<td>{escape(grade_label(r.grade, lang))}</td><td>{r.monitoring_ended}</td>'
        f'<td>{r.due}</td><td>{escape(t("dashboard.status." + r.status, lang))}</td>'
        f'<td>{_when(r.made_at)}</td><td>{_when(r.delivered_at)}</td></tr>' for r in rows)
    heads = "".join(f"<th>{escape(t('dashboard.col.' + c, lang))}</th>"
                    for c in ("organisation", "year", "grade", "ended", "due", "status", "made", "delivered"))
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>{escape(t("dashboard.title", lang))}</title>
<style>body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; }} th, td {{ border-bottom: 1px solid #ccc; padding: .3rem .7rem; }}
tr.overdue td {{ background: #fde2e2; }} tr.due td {{ background: #fff4d6; }}</style></head>
<body><h1>{escape(t("dashboard.title", lang))}</h1><p id="summary">{summary}</p>
<form method="post" action="/signout"><button type="submit">{escape(t("portal.signout", lang))}</button></form>
<table><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></body></html>"""
