"""The staff dashboard's page: which organisations' reports are due, overdue or delivered (§27)."""

from __future__ import annotations

from html import escape

from common.i18n import LANGUAGES, t
from central_scorer.reports.due import DueReport


def render(rows: list[DueReport], lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    body = "".join(
        f'<tr class="{r.status}"><td>{escape(r.organisation_code)}</td><td>{r.monitoring_ended}</td>'
        f'<td>{r.due}</td><td>{escape(t("dashboard.status." + r.status, lang))}</td>'
        f'<td>{(r.delivered_at or "")[:16].replace("T", " ")}</td></tr>' for r in rows)
    heads = "".join(f"<th>{escape(t('dashboard.col.' + c, lang))}</th>"
                    for c in ("organisation", "ended", "due", "status", "delivered"))
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>{escape(t("dashboard.title", lang))}</title>
<style>body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; }} th, td {{ border-bottom: 1px solid #ccc; padding: .3rem .7rem; }}
tr.overdue td {{ background: #fde2e2; }} tr.due td {{ background: #fff4d6; }}</style></head>
<body><h1>{escape(t("dashboard.title", lang))}</h1>
<table><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></body></html>"""
