"""The room's attendance and outcomes as CSV or XLSX, for the test-centre staff.

Built from the room view (`overview.room_view` or the same dict over HTTP), so the console and the
headless command export the same table. A voided result is never exported as a result: its score
cells are empty and its outcome says it is void, with the act's number.

CSV is UTF-8 with a BOM and semicolons, as Excel opens it in Kazakh and Russian settings.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from common.durable import write_durably
from common.i18n import t
from proctor_console.room.overview import room_view
from proctor_console.room.store import RoomStore

COLUMNS = ("seat", "individual_code", "full_name", "grade", "class", "language", "attendance",
           "outcome", "score", "max_score", "percent", "act")


def outcome(seat: dict[str, Any], lang: str) -> str:
    attempt = seat.get("attempt")
    if attempt is not None:
        status = attempt["status"]
        if status == "voided":
            return f"{t('console.export.void', lang)}: {t('void.' + attempt['void_reason'], lang)}" \
                if attempt.get("void_reason") else t("console.export.void", lang)
        if status == "submitted":
            return t("status.scored", lang)
        return t("console.export.in_progress", lang)
    attendance = seat["attendance"]
    if attendance == "absent":
        reason = seat.get("absence_reason")
        text = t("status.absent", lang)
        return f"{text}: {t('absence.' + reason, lang)}" if reason else text
    if attendance == "not_admitted":
        return t("room_view.state.not_admitted", lang)
    return t("console.export.not_started", lang)


def results_table(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    header = [t(f"console.export.col.{c}", lang) for c in COLUMNS]
    acts_by_code: dict[str, list[str]] = {}
    for act in view.get("acts", []):
        acts_by_code.setdefault(act.get("individual_code") or "", []).append(act["number"])
    rows = []
    for seat in view["seats"]:
        attempt = seat.get("attempt") or {}
        voided = attempt.get("status") == "voided"
        scored = attempt.get("status") == "submitted" and attempt.get("score") is not None
        score = attempt.get("score") if scored and not voided else None
        max_score = attempt.get("max_score") if scored and not voided else None
        percent = round(100 * score / max_score, 1) if score is not None and max_score else None
        rows.append([
            seat["seat"], seat["individual_code"], seat["full_name"], seat.get("grade", ""),
            seat.get("class_name", ""), seat.get("language", ""),
            t(f"room_view.state.{seat['attendance']}", lang), outcome(seat, lang),
            score, max_score, percent, ", ".join(acts_by_code.get(seat["individual_code"], [])),
        ])
    return header, rows


def results_csv(view: dict[str, Any], lang: str) -> bytes:
    header, rows = results_table(view, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    """A CSV cell: no value is empty; 17.0 is "17", 17.5 is "17,5" (the decimal comma of kk/ru)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    return str(value)


def results_xlsx(view: dict[str, Any], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = results_table(view, lang)
    book = Workbook()
    sheet = book.active
    sheet.title = t("console.export.sheet", lang)[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJKL", (7, 12, 36, 10, 8, 6, 18, 44, 7, 7, 8, 16)):
        sheet.column_dimensions[column].width = width
    # Codes are text: keep their leading zeros.
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def results_bytes(view: dict[str, Any], fmt: str, lang: str) -> bytes:
    if fmt == "csv":
        return results_csv(view, lang)
    if fmt == "xlsx":
        return results_xlsx(view, lang)
    raise ValueError(f"unknown export format {fmt!r}: csv or xlsx")


def write_results(room: RoomStore, path: Path, lang: str) -> Path:
    """Export `room`'s table to `path` (.csv or .xlsx), durably."""
    fmt = Path(path).suffix.lower().lstrip(".")
    write_durably(Path(path), results_bytes(room_view(room), fmt, lang))
    return Path(path)
