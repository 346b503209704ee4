"""What a seat on the room's map says, in the proctor's language: its state, the short second
fact, the flags that need the proctor's eye, its kiosk's readiness, and the reason in the order's
full wording (for tooltips)."""

from __future__ import annotations

from common.i18n import t
from proctor_console.desk.room_map.looks import (
    AWAY_GLYPH,
    EXTENDED_GLYPH,
    HAND_GLYPH,
    INTEGRITY_GLYPH,
    LOCKED_GLYPH,
)
from proctor_console.desk.room_map.model import SeatInfo, SeatState, readiness_of


def state_text(state: SeatState, lang: str) -> str:
    return t(f"room_view.state.{state.value}", lang)


def detail_text(info: SeatInfo, lang: str, compact: bool = False) -> str:
    """The short second fact of a tile: answers so far, the score, or why a seat is empty
    (compact: the time left alone; the answers are in the selected seat's panel)."""
    if info.state is SeatState.SITTING:
        if compact and info.time_left_s is not None:
            return t("room_view.time_left", lang, minutes=(info.time_left_s + 59) // 60)
        answers = t("room_view.answers", lang, answers=info.answers or 0)
        if info.time_left_s is None:
            return answers
        return f"{answers} · {t('room_view.time_left', lang, minutes=(info.time_left_s + 59) // 60)}"
    if info.state is SeatState.SUBMITTED and info.score is not None:
        return t("room_view.score", lang, score=info.score, max_score=info.max_score)
    if info.state is SeatState.VOIDED and info.void_reason:
        return t(f"room_view.void.{info.void_reason}", lang)
    if info.state is SeatState.ABSENT and info.absence_reason:
        return t(f"room_view.reason.{info.absence_reason}", lang)
    return ""


def flags_text(info: SeatInfo, lang: str) -> str:
    """What needs the proctor's eye at a seat during the test (out of the room, a raised hand...)."""
    flags = []
    if info.away:
        flags.append(f"{AWAY_GLYPH} {t('room_view.flag.away', lang)}")
    if info.hand_raised:
        flags.append(f"{HAND_GLYPH} {t('room_view.flag.hand', lang)}")
    if info.locked_out:
        flags.append(t("room_view.flag.locked_out", lang))
    if info.workstation_locked_out:
        flags.append(t("room_view.flag.workstation_locked_out", lang))
    if info.journal_lag:
        flags.append(t("room_view.flag.lag", lang, count=info.journal_lag))
    if info.extensions:
        flags.append(t("room_view.flag.extended", lang))
    if info.integrity_last:
        event = t(f"room_view.flag.integrity.{info.integrity_last}", lang)
        if info.integrity_alarms > 1:
            event = t("room_view.flag.integrity.count", lang, event=event,
                      count=info.integrity_alarms)
        flags.append(f"{INTEGRITY_GLYPH} {event}")
    return "\n".join(flags)


def readiness_text(info: SeatInfo, lang: str) -> tuple[str, str]:
    """(state, detail) of a seat's kiosk before the test."""
    state = readiness_of(info)
    detail = ", ".join(t(f"room_view.not_ready.{r}", lang) for r in info.reasons)
    return t(f"room_view.readiness.{state.value}", lang), detail


def official_reason(info: SeatInfo, lang: str) -> str:
    """The reason in the order's full wording (tooltips), where the tile shows a short form."""
    if info.state is SeatState.VOIDED and info.void_reason:
        return t(f"void.{info.void_reason}", lang)
    if info.state is SeatState.ABSENT and info.absence_reason:
        return t(f"absence.{info.absence_reason}", lang)
    return ""


def flag_glyphs(info: SeatInfo) -> str:
    """The flags of `flags_text` as glyphs only, for a compact tile (the words are in its tooltip
    and in the selected seat's panel)."""
    glyphs = [(info.away, AWAY_GLYPH), (info.hand_raised, HAND_GLYPH),
              (info.locked_out or info.workstation_locked_out, LOCKED_GLYPH),
              (bool(info.extensions), EXTENDED_GLYPH), (bool(info.integrity_last), INTEGRITY_GLYPH)]
    return "".join(glyph for shown, glyph in glyphs if shown)


def short_name(full_name: str) -> str:
    """«Бекмұқанбетов Айбын Ғабитұлы» → «Бекмұқанбетов А.»"""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return f"{parts[0]} {parts[1][0]}."
