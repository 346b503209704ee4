"""Exports for test-centre staff: an organisation's results as CSV or XLSX.

Voided results are marked void and carry no score; absent students carry their reason. Scores are
the centre's own (re-scored), with the room's score beside them only where it differs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from common.durable import write_durably
from common.i18n import t
from central_scorer.centre import Centre
from central_scorer.reports.organisation import organisation_results

COLUMNS = ("individual_code", "full_name", "status", "score", "max_score", "percent",
           "absence_reason", "void_reason")


def rows(centre: Centre, organisation_code: str, lang: str) -> list[list[object]]:
    header = [t(f"export.col.{c}", lang) for c in COLUMNS]
    out: list[list[object]] = [header]
    for r in organisation_results(centre, organisation_code):
        scored = r["status"] == "scored"
        percent = round(100 * r["score"] / r["max_score"], 1) if scored and r["max_score"] else None
        out.append([
            r["individual_code"], r["full_name"], t(f"status.{r['status']}", lang),
            r["score"] if scored else None, r["max_score"] if scored else None, percent,
            t(f"absence.{r['absence_reason']}", lang) if r["absence_reason"] else None,
            t(f"void.{r['void_reason']}", lang) if r["status"] == "voided" and r["void_reason"] else None,
        ])
    return out


def export(centre: Centre, organisation_code: str, out: Path, lang: str = "kk") -> Path:
    table = rows(centre, organisation_code, lang)
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = organisation_code
        for row in table:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    elif out.suffix.lower() == ".csv":
        text = io.StringIO()
        csv.writer(text).writerows([["" if v is None else v for v in row] for row in table])
        data = ("\ufeff" + text.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
    else:
        raise ValueError(f"{out.name}: export to .csv or .xlsx")
    write_durably(out, data)
    return out
