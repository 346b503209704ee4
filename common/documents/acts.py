"""The two acts of the rules (order No. 204) as PDFs, laid out field for field as the appendices.

* Appendix 1 — act of confiscation of a forbidden item and removal of the test-taker from the room.
* Appendix 2 — act of detection of an outside person at admission to the test / during the test.

Every word comes from the i18n catalogue (keys ``act.*``, ``act1.*``, ``act2.*``), so the Kazakh,
Russian and English forms stay parallel.
"""

from __future__ import annotations

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
from common.domain.acts import ConfiscationAct, FoundItem, ImpostorAct, ImpostorStage, Organisation
from common.i18n import t

__all__ = ["render_confiscation_act", "render_impostor_act"]


def render_confiscation_act(act: ConfiscationAct, lang: str | None = None) -> bytes:
    """Appendix 1 as a one-page A4 PDF in ``lang`` (default: the act's own language)."""
    lang = check_language(lang or act.language)
    st = styles()
    person = act.test_taker
    story: list[Flowable] = [
        *_head(lang, 1, "act1.title", act.number),
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
    drawn_up_by = act.drawn_up_by or ("", "")
    for i, name in enumerate(drawn_up_by):
        last = i == len(drawn_up_by) - 1
        story.append(signature_line(name, t("act1.caption.drawn_up_by", lang) if last else ""))
    story += [
        _gap(2),
        para(t("act1.acquainted", lang)),
        signature_line(person.full_name, t("act1.caption.sign_test_taker", lang)),
        signature_line(act.representative, t("act.caption.sign_representative", lang)),
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
        *_head(lang, 2, "act2.title", act.number),
        _organisation_line(act.organisation, lang),
        *inline_fields("act2.datetime", lang, datetime_parts(act.drawn_up_at, lang)),
        _gap(1),
        blank_line(t("act2.representative", lang), Blank(act.representative, t("act.caption.full_name", lang))),
        _gap(2),
        para(t("act2.stage.at_entry" if at_entry else "act2.stage.during_test", lang)),
        blank_line("", Blank(subject, t("act2.caption.test_taker", lang))),
        blank_line(t("act2.impostor", lang), Blank(act.impostor_full_name, t("act2.caption.impostor", lang))),
        para(t("act2.fact_found", lang)),
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
    ]
    return build_pdf(story, lang=lang, title=t("act2.title", lang),
                     footer_left=t("act.footer_id", lang, number=act.number))


# --- pieces shared by both acts ---------------------------------------------------------------------


def _gap(units: float) -> Spacer:
    return Spacer(1, units * 2 * mm)


def _head(lang: str, appendix: int, title_key: str, number: str) -> list[Flowable]:
    st = styles()
    return [
        appendix_header(t("act.appendix_header", lang, n=appendix)),
        _gap(4),
        para(t(title_key, lang), st.title),
        para(t("act.number", lang, number=number), st.subtitle),
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
