"""The two acts of the rules (order No. 204) as PDFs, laid out field for field as the appendices.

* Appendix 1 — act of confiscation of a forbidden item and removal of the test-taker from the room.
* Appendix 2 — act of detection of an outside person at admission to the test / during the test.

Every word comes from the i18n catalogue (keys ``act.*``, ``act1.*``, ``act2.*``), so the Kazakh,
Russian and English forms stay parallel.

Each act carries a QR code at the top left with its number and the SHA-256 of its data (the
canonical JSON of the act's fields, `act_sha256`), and the same hash in the footer: a printed act
can be matched to the record the room keeps and sends to the centre. (The hash is of the data, not
of the PDF: a file cannot contain its own hash.)
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from common.documents.pdf import (
    CONTENT_WIDTH,
    Blank,
    appendix_header,
    blank_line,
    build_pdf,
    check_language,
    datetime_parts,
    inline_fields,
    para,
    signature_line,
    styles,
    table_style,
)
from common.canonical import canonical_bytes, sha256_hex
from common.documents.qr import QRFlowable
from common.domain.acts import ConfiscationAct, FoundItem, ImpostorAct, ImpostorStage, Organisation
from common.i18n import t

__all__ = ["act_data", "act_qr_payload", "act_sha256", "render_confiscation_act",
           "render_impostor_act"]

QR_SIZE = 27 * mm


def act_data(act: ConfiscationAct | ImpostorAct) -> dict[str, Any]:
    """The act's fields as plain JSON values (times as ISO 8601), the form the room stores."""
    return _jsonable(dataclasses.asdict(act))


def act_sha256(act: ConfiscationAct | ImpostorAct) -> str:
    """SHA-256 of the canonical JSON of `act_data(act)`."""
    return sha256_hex(canonical_bytes(act_data(act)))


def act_qr_payload(act: ConfiscationAct | ImpostorAct) -> str:
    """What the act's QR code says: ``cbt-act:1;number=<number>;sha256=<hex>``."""
    return f"cbt-act:1;number={act.number};sha256={act_sha256(act)}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _fingerprint(act: ConfiscationAct | ImpostorAct) -> list[Flowable]:
    """The act's number and data hash in print, under the signatures (what the QR code says)."""
    return [_gap(4), para(f"{act.number} · SHA-256: {act_sha256(act)}", styles().note)]


def render_confiscation_act(act: ConfiscationAct, lang: str | None = None) -> bytes:
    """Appendix 1 as a one-page A4 PDF in ``lang`` (default: the act's own language)."""
    lang = check_language(lang or act.language)
    st = styles()
    person = act.test_taker
    story: list[Flowable] = [
        *_head(lang, 1, "act1.title", act),
        _organisation_line(act.organisation, lang),
        *inline_fields("act1.datetime", lang, datetime_parts(act.drawn_up_at, lang)),
        _gap(1),
        blank_line(t("act1.representative", lang), Blank(act.representative, t("act.caption.full_name", lang))),
        _gap(1),
        *inline_fields("act1.room_seat", lang, {"room": act.room, "seat": act.seat}),
        *inline_fields(
            "act1.test_taker", lang,
            {"full_name": person.full_name, "code": person.individual_code, "variant": act.variant},
        ),
        *inline_fields("act1.items_found", lang),
        _gap(1),
        _items_table(act.items, lang),
        para(t("act1.caption.items", lang), st.caption),
        _gap(2),
        *inline_fields(
            "act1.decision", lang,
            {"full_name": person.full_name, "code": person.individual_code, "room": act.room},
        ),
        _gap(2),
    ]
    # The appendix has two lines for the persons who drew up the act; blank ones are signed by hand.
    drawn_up_by = tuple(act.drawn_up_by) + ("",) * max(0, 2 - len(act.drawn_up_by))
    for i, name in enumerate(drawn_up_by):
        last = i == len(drawn_up_by) - 1
        story.append(signature_line(name, t("act1.caption.drawn_up_by", lang) if last else ""))
    story += [
        _gap(2),
        para(t("act1.acquainted", lang)),
        signature_line(person.full_name, t("act1.caption.sign_test_taker", lang)),
        signature_line(act.representative, t("act.caption.sign_representative", lang)),
        *_fingerprint(act),
    ]
    return build_pdf(story, lang=lang, title=t("act1.title", lang),
                     footer_left=t("act.footer_id", lang, number=act.number))


def render_impostor_act(act: ImpostorAct, lang: str | None = None) -> bytes:
    """Appendix 2 as a one-page A4 PDF in ``lang`` (default: the act's own language).

    Only the alternative that applies is printed: at entry to the building (not admitted) or during
    the test (exam material taken, removed from the room, results voided).
    """
    lang = check_language(lang or act.language)
    person = act.test_taker
    subject = f"{person.full_name}, {person.individual_code}"
    at_entry = act.stage is ImpostorStage.AT_ENTRY
    story: list[Flowable] = [
        *_head(lang, 2, "act2.title", act),
        _organisation_line(act.organisation, lang),
        *inline_fields("act2.datetime", lang, datetime_parts(act.drawn_up_at, lang)),
        _gap(1),
        blank_line(t("act2.representative", lang), Blank(act.representative, t("act.caption.full_name", lang))),
        _gap(2),
        para(t("act2.stage.at_entry" if at_entry else "act2.stage.during_test", lang)),
        *_who_came_instead(act, subject, lang),
        _gap(2),
        para(t("act2.decision.intro", lang)),
        blank_line(t("act2.decision.subject", lang), Blank(subject, t("act2.caption.subject", lang))),
        *(inline_fields("act2.decision.at_entry", lang) if at_entry
          else inline_fields("act2.decision.during_test", lang, {"room": act.room})),
        _gap(1),
        *inline_fields("act2.code", lang, {"code": person.individual_code}),
        _gap(3),
        para(t("act2.acquainted", lang)),
        signature_line("", t("act2.caption.sign_subject", lang)),
        signature_line(act.representative, t("act.caption.sign_representative", lang)),
        *_fingerprint(act),
    ]
    return build_pdf(story, lang=lang, title=t("act2.title", lang),
                     footer_left=t("act.footer_id", lang, number=act.number))


def _who_came_instead(act: ImpostorAct, subject: str, lang: str) -> list[Flowable]:
    """The test-taker and the outside person in the order of the language's sentence: Kazakh
    names the test-taker first («тестіленуші [X] орнына бөгде тұлға [Y] кіру фактісі
    анықталды»); Russian and English the outside person («выявлен факт прохода постороннего
    лица [Y] вместо тестируемого [X]»)."""
    test_taker = Blank(subject, t("act2.caption.test_taker", lang))
    impostor = Blank(act.impostor_full_name, t("act2.caption.impostor", lang))
    if lang == "kk":
        return [blank_line("", test_taker), blank_line(t("act2.impostor", lang), impostor),
                para(t("act2.fact_found", lang))]
    return [blank_line(t("act2.impostor", lang), impostor),
            blank_line(t("act2.instead_of", lang), test_taker)]


# --- pieces shared by both acts ---------------------------------------------------------------------


def _gap(units: float) -> Spacer:
    return Spacer(1, units * 2 * mm)


def _head(lang: str, appendix: int, title_key: str, act: ConfiscationAct | ImpostorAct) -> list[Flowable]:
    st = styles()
    # The QR code at the top left, the appendix's header block at the top right (as printed).
    top = Table([[QRFlowable(act_qr_payload(act), QR_SIZE),
                  appendix_header(t("act.appendix_header", lang, n=appendix))]],
                colWidths=[QR_SIZE, CONTENT_WIDTH - QR_SIZE], hAlign="LEFT")
    top.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ))
    return [
        top,
        _gap(1),
        para(t(title_key, lang), st.title),
        para(t("act.number", lang, number=act.number), st.subtitle),
        _gap(3),
    ]


def _organisation_line(org: Organisation, lang: str) -> Table:
    return blank_line(
        t("act.organisation", lang),
        Blank(org.code, t("act.caption.code", lang), width=24 * mm),
        Blank(org.name, t("act.caption.org_name", lang)),
    )


def _items_table(items: tuple[FoundItem, ...], lang: str) -> Table:
    st = styles()
    header = [para(t(f"act1.items.{k}", lang), st.cell_bold) for k in ("no", "name", "brand", "count")]
    rows = [[para(str(i), st.cell), para(item.name, st.cell), para(item.brand, st.cell), para(str(item.count), st.cell)]
            for i, item in enumerate(items, 1)]
    if not rows:  # nothing recorded: an empty row to fill by hand
        rows = [["", "", "", ""]]
    widths = [10 * mm, CONTENT_WIDTH * 0.5, None, 28 * mm]
    widths[2] = CONTENT_WIDTH - sum(w for w in widths if w is not None)
    table = Table([header, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ))
    return table
