"""How the room's map draws each state: a glyph, the colours of the glyph and the text, the tile's
fill and edge. Each state differs in all three of colour, glyph and text; every glyph is one the
bundled DejaVu Sans draws."""

from __future__ import annotations

from dataclasses import dataclass

from proctor_console.desk.room_map.model import LinkState, Readiness, SeatState


@dataclass(frozen=True)
class StateLook:
    """How a state is drawn: a glyph, the colour of the glyph and state text, the tile's colours."""

    glyph: str
    ink: str
    fill: str
    edge: str


# Each state differs in all three of colour, glyph and text; the inks keep 4.5:1 contrast on fills.
LOOKS: dict[SeatState, StateLook] = {
    SeatState.EXPECTED: StateLook("◷", "#37474f", "#f5f7f8", "#90a4ae"),
    SeatState.PRESENT: StateLook("✓", "#0d47a1", "#e3f2fd", "#1e88e5"),
    SeatState.ABSENT: StateLook("✗", "#263238", "#cfd8dc", "#607d8b"),
    SeatState.NOT_ADMITTED: StateLook("⊘", "#6a1b9a", "#f3e5f5", "#8e24aa"),
    SeatState.SITTING: StateLook("▶", "#7a4100", "#fff3d6", "#f9a825"),
    SeatState.SUBMITTED: StateLook("⚑", "#1b5e20", "#e8f5e9", "#43a047"),
    SeatState.VOIDED: StateLook("⚠", "#b71c1c", "#ffebee", "#e53935"),
}
RESUMED_GLYPH = "⟳"
# Before the test the map shows the kiosks: ready, not ready (with why), or not registered.
READINESS_LOOKS: dict[Readiness, StateLook] = {
    Readiness.READY: StateLook("✓", "#1b5e20", "#e8f5e9", "#43a047"),
    Readiness.NOT_READY: StateLook("⚠", "#b71c1c", "#ffebee", "#e53935"),
    Readiness.NOT_REGISTERED: StateLook("○", "#37474f", "#f5f7f8", "#90a4ae"),
}
AWAY_GLYPH = "⇥"
HAND_GLYPH = "☝"
LOCKED_GLYPH = "⊗"  # a login or the seat's computer locked after failed logins
EXTENDED_GLYPH = "+"  # time extended
INTEGRITY_GLYPH = "⚠"  # the kiosk reported something about itself (focus lost, a second screen...)
BANNER_GLYPH = "⚠"
OPEN_GLYPHS = {True: "●", False: "○"}
FOCUS_EDGE = "#111111"

# Link states that need the proctor's eye, and the banner's colours for them.
BANNER_LOOKS = {
    LinkState.CONNECTING: ("#37474f", "#eceff1", "#90a4ae"),
    LinkState.OFFLINE: ("#7a4100", "#fff3d6", "#f9a825"),
    LinkState.REFUSED: ("#b71c1c", "#ffebee", "#e53935"),
    LinkState.UNTRUSTED: ("#ffffff", "#b71c1c", "#7f0000"),
}
