"""The room kit's two printed papers: the representative's guide (what docs/proctor-guide.md says,
in the representative's languages) and the start-code notice, which travels apart from the kit in
a sealed envelope. Both A4, DejaVu embedded (Kazakh letters print on any PC)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from common.documents.pdf import build_pdf, check_language, label_value_table, para, styles
from common.i18n import t

SECTIONS = (("before", 3), ("morning", 5), ("test", 4), ("end", 3))


@dataclass(frozen=True)
class KitInfo:
    organisation_code: str
    organisation_name: str
    room_id: str
    room_no: str
    package_id: str
    centre_id: str
    representative: str


def _about(info: KitInfo, lang: str) -> Flowable:
    rows = [
        (t("kit.field.organisation", lang),
         " — ".join(v for v in (info.organisation_code, info.organisation_name) if v)),
        (t("kit.field.room", lang), f"{info.room_no} ({info.room_id})" if info.room_no else ""),
        (t("kit.field.package", lang), info.package_id),
        (t("kit.field.centre", lang), info.centre_id),
        (t("kit.field.representative", lang), info.representative),
    ]
    return label_value_table([(label, value) for label, value in rows if value], 45 * mm)


def render_guide(info: KitInfo, lang: str) -> bytes:
    """The representative's guide for this room, in `lang`."""
    check_language(lang)
    st = styles()
    story: list[Flowable] = [para(t("kit.guide.title", lang), st.title), Spacer(1, 3 * mm),
                             _about(info, lang), Spacer(1, 3 * mm), para(t("kit.guide.about", lang))]
    for section, steps in SECTIONS:
        story.append(para(t(f"kit.guide.section.{section}", lang), st.heading))
        story += [para(f"{n}. {t(f'kit.guide.{section}.{n}', lang)}", st.bullet)
                  for n in range(1, steps + 1)]
    return build_pdf(story, lang=lang, title=t("kit.guide.title", lang),
                     footer_left=t("kit.guide.footer", lang, room_id=info.room_id))


def render_start_code_notice(info: KitInfo, start_code: str, langs: tuple[str, ...]) -> bytes:
    """The start code on its own sheet (one page per language), printed and sealed in an envelope."""
    st = styles()
    story: list[Flowable] = []
    for lang in langs:
        check_language(lang)
        story += [PageBreak()] if story else []
        story += [para(t("kit.notice.title", lang), st.title), Spacer(1, 3 * mm), _about(info, lang),
                  Spacer(1, 4 * mm), para(t("kit.notice.sealed", lang)), Spacer(1, 8 * mm),
                  para(f"{t('kit.notice.code', lang)}: {start_code}", st.title)]
    return build_pdf(story, lang=langs[0], title=t("kit.notice.title", langs[0]),
                     footer_left=t("kit.notice.footer", langs[0], package_id=info.package_id))
