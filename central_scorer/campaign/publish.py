"""The selection for publication (PDF and XLSX) and the notices, written durably to files."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from central_scorer.campaign import calendar as cal
from central_scorer.campaign.selection import Selection, band_of
from common.documents.notice import Notice, render_notice
from common.documents.selection import (
    SelectedRow,
    SelectionDocument,
    StratumRow,
    render_selection,
    value_label,
)
from common.durable import write_durably
from common.i18n import t

# A fixed time for every stamp inside the XLSX, so that the same selection gives the same bytes.
_FIXED = dt.datetime(2000, 1, 1)


def selection_document(selection: Selection, list_sha256: str, grade: str = "") -> SelectionDocument:
    data = selection.as_dict()
    return SelectionDocument(
        year=selection.year, grade=grade, share=str(data["share"]), seed=selection.seed,
        list_sha256=list_sha256, bands=selection.bands, organisations=selection.organisations,
        excluded=selection.excluded, eligible=selection.eligible, target=selection.target,
        strata=tuple(StratumRow(s.territory, s.type, s.language, s.band, s.organisations,
                                s.excluded, s.eligible, s.quota, s.drawn) for s in selection.strata),
        selected=tuple(SelectedRow(o.code, o.name, o.region, o.district, o.territory, o.type,
                                   o.language, band_of(o.contingent, selection.bands))
                       for o in selection.selected_organisations()),
    )


def selection_pdf(doc: SelectionDocument, lang: str) -> bytes:
    return render_selection(doc, lang)


def selection_xlsx(doc: SelectionDocument, lang: str) -> bytes:
    """Three sheets (parameters, strata, selected organisations); byte-identical for equal input."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.properties.creator = "bbzhm-cbt"
    book.properties.created = _FIXED
    book.properties.modified = _FIXED
    bold = Font(bold=True)

    params = book.active
    params.title = t("campaign.xlsx.parameters", lang)
    rows: list[tuple[str, Any]] = [
        (t("campaign.xlsx.parameter", lang), t("campaign.xlsx.value", lang)),
        (t("campaign.xlsx.year", lang), doc.year),
        (t("campaign.selection.share", lang), doc.share),
        (t("campaign.selection.seed", lang), str(doc.seed)),
        (t("campaign.selection.list_sha256", lang), doc.list_sha256),
        (t("campaign.selection.bands", lang), ", ".join(str(b) for b in doc.bands)),
        (t("campaign.selection.col.organisations", lang), doc.organisations),
        (t("campaign.selection.col.excluded", lang), doc.excluded),
        (t("campaign.selection.col.eligible", lang), doc.eligible),
        (t("campaign.selection.col.drawn", lang), doc.target),
    ]
    if doc.grade:
        rows.insert(1, (t("campaign.selection.grade", lang), t(f"campaign.grade.{doc.grade}", lang)))
    for row in rows:
        params.append(list(row))

    strata = book.create_sheet(t("campaign.xlsx.strata", lang))
    strata.append([t(f"campaign.selection.col.{k}", lang) for k in (
        "territory", "type", "language", "band", "organisations", "excluded", "eligible", "quota", "drawn")])
    for s in doc.strata:
        strata.append([value_label("territory", s.territory, lang), value_label("type", s.type, lang),
                       value_label("language", s.language, lang), s.band, s.organisations,
                       s.excluded, s.eligible, s.quota, s.drawn])

    chosen = book.create_sheet(t("campaign.xlsx.selected", lang))
    chosen.append([t(f"campaign.selection.col.{k}", lang) for k in (
        "no", "code", "name", "region", "district", "territory", "type", "language", "band")])
    for i, r in enumerate(doc.selected, 1):
        chosen.append([i, r.code, r.name, r.region, r.district,
                       value_label("territory", r.territory, lang), value_label("type", r.type, lang),
                       value_label("language", r.language, lang), r.band])
    for sheet in (params, strata, chosen):
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"

    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed member times, so that equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_FIXED.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" as it saves
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2000-01-01T00:00:00Z\2", data)
            dst.writestr(member, data)
    return out.getvalue()


def write_notices(rows: list[dict[str, Any]], *, year: int, grade: str, out_dir: Path,
                  langs: tuple[str, ...], issued_on: dt.date) -> list[dict[str, Any]]:
    """One notice per organisation and language; cancelled organisations get none."""
    written = []
    for row in rows:
        if row["status"] == "cancelled" or not row["test_day"]:
            continue
        test_day = dt.date.fromisoformat(row["test_day"])
        notice = Notice(
            number=f"{year}-{grade}-{row['code']}", year=year, organisation_code=row["code"],
            organisation_name=row["name"], region=row["region"], district=row["district"],
            grade=grade, language_of_instruction=row["language"], contingent=row["contingent"],
            test_day=test_day, results_due=cal.results_due(test_day), issued_on=issued_on,
            deadline=cal.notice_deadline(test_day))
        paths = []
        for lang in langs:
            path = out_dir / f"notice-{year}-{grade}-{row['code']}-{lang}.pdf"
            write_durably(path, render_notice(notice, lang))
            paths.append(str(path))
        written.append({"code": row["code"], "test_day": row["test_day"],
                        "deadline": notice.deadline.isoformat(),
                        "late": issued_on > notice.deadline, "files": paths})
    return written
