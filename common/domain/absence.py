"""§12 of the rules: who is not tested, and why — the one definition of the reasons, used by the
room's attendance, the desk's absence dialog, the organisation's report and the centre's
campaign figures (their words are in the catalogue: ``absence.<reason>``)."""

from __future__ import annotations

# Not part of the tested population at all: schooled at home for health reasons, or in a
# sanatorium-type institution.
EXEMPT_REASONS: tuple[str, ...] = ("home_schooling", "sanatorium")
# Absent on the day for an objective reason: health, the death of a close relative, a
# competition or an olympiad.
OBJECTIVE_ABSENCE_REASONS: tuple[str, ...] = ("illness", "bereavement", "competition")
# Every reason an absence may carry, in the order the desk offers them.
ABSENCE_REASONS: tuple[str, ...] = OBJECTIVE_ABSENCE_REASONS + EXEMPT_REASONS
