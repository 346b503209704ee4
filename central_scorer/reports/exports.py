"""Files of results: an organisation's own (CSV, XLSX; through the portal) and the analysts'
(long and wide, CSV / XLSX / SPSS .sav; `central-scorer export`).

One convention for every CSV the centre writes (docs/scaling.md, "Exports"): UTF-8 without a
byte-order mark, comma-delimited, fields quoted only when needed (RFC 4180), a decimal point, no
thousands separator, empty for "no value", and a header of stable ASCII names (the same in every
language); values are codes (``scored``, ``absent``, ``exempt``, ``voided``; the §12 reasons; the
directions), explained in each XLSX's "legend" sheet and in the .sav's value labels (kk or ru).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from common.domain.absence import EXEMPT_REASONS
from common.durable import write_durably
from common.i18n import t

ORGANISATION_COLUMNS = ("individual_code", "full_name", "status", "score", "max_score", "percent",
                        "absence_reason", "void_reason")


def status_code(status: str, absence_reason: str | None) -> str:
    return "exempt" if status == "absent" and absence_reason in EXEMPT_REASONS else status


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else (f"{v:.10g}" if isinstance(v, float) else v) for v in row])
    return text.getvalue().encode("utf-8")


def write_csv_stream(out: Path, rows: Iterator[Sequence[Any]]) -> int:
    """Write rows as they come (bounded memory), then fsync; returns the rows written."""
    tmp = out.with_name(out.name + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for row in rows:
            writer.writerow(["" if v is None else (f"{v:.10g}" if isinstance(v, float) else v) for v in row])
            n += 1
        fh.flush()
        import os

        os.fsync(fh.fileno())
    tmp.replace(out)
    return n


def legend_rows(lang: str) -> list[list[str]]:
    rows = [["code", "meaning"]]
    for status in ("scored", "absent", "exempt", "voided"):
        rows.append([status, t(f"status.{status}", lang)])
    for reason in ("illness", "bereavement", "competition", "home_schooling", "sanatorium"):
        rows.append([reason, t(f"absence.{reason}", lang)])
    for reason in ("confiscation", "impostor"):
        rows.append([reason, t(f"void.{reason}", lang)])
    return rows


def xlsx_bytes(sheets: dict[str, Iterable[Sequence[Any]]]) -> bytes:
    """A workbook in write-only mode (rows streamed into it, not held as cells)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def organisation_table(results: Iterable[Any], directions: dict[int, dict[str, float]],
                       names: list[str]) -> list[list[Any]]:
    """The organisation's rows (by surname, as the report), with its directions' percents."""
    out: list[list[Any]] = [[*ORGANISATION_COLUMNS, *(f"percent_{d}" for d in names)]]
    for r in results:
        scored = r.status == "scored"
        percent = round(100 * r.score / r.max_score, 1) if scored and r.max_score else None
        mine = directions.get(r.id, {})
        out.append([r.individual_code, r.full_name, status_code(r.status, r.absence_reason),
                    r.score if scored else None, r.max_score if scored else None, percent,
                    r.absence_reason, r.void_reason if r.status == "voided" else None,
                    *(mine.get(d) for d in names)])
    return out


def write_table(out: Path, table: list[list[Any]], lang: str = "kk") -> Path:
    suffix = out.suffix.lower()
    if suffix == ".csv":
        write_durably(out, csv_bytes(table))
    elif suffix == ".xlsx":
        write_durably(out, xlsx_bytes({"results": table, "legend": legend_rows(lang)}))
    else:
        raise ValueError(f"{out.name}: export to .csv or .xlsx")
    return out
