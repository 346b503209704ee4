"""A student's accommodations, set before the day on the roster and applied at login: more time
(a factor of the specification's time), large print, high contrast and read-aloud.

The roster carries them as optional columns (``extra_time``, ``large_print``, ``high_contrast``,
``read_aloud``; Kazakh and Russian header names too). A flag cell is yes or empty; the factor is
1 to 3 in steps of 0.05 ("1.5", "1,5", "x1.5", "150%", "+50%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FLAGS = ("large_print", "high_contrast", "read_aloud")
COLUMNS = ("extra_time", *FLAGS)
MIN_FACTOR, MAX_FACTOR = 1.0, 3.0
ALIASES = {
    "extra time": "extra_time", "extra time factor": "extra_time", "extra_time": "extra_time",
    "қосымша уақыт": "extra_time", "дополнительное время": "extra_time",
    "large print": "large_print", "large_print": "large_print", "ірі шрифт": "large_print",
    "крупный шрифт": "large_print",
    "high contrast": "high_contrast", "high_contrast": "high_contrast",
    "жоғары контраст": "high_contrast", "высокий контраст": "high_contrast",
    "read aloud": "read_aloud", "read_aloud": "read_aloud", "дауыстап оқу": "read_aloud",
    "чтение вслух": "read_aloud", "озвучивание": "read_aloud",
}
_YES = {"1", "yes", "y", "true", "+", "x", "✓", "иә", "ия", "да", "д", "бар", "есть"}
_NO = {"", "0", "no", "n", "false", "-", "жоқ", "нет"}
_FACTOR = re.compile(r"^[x×*]?\s*(\d+(?:[.,]\d+)?)\s*(%?)$")


class AccommodationInvalid(ValueError):
    """A cell that is not an accommodation; the message names what is allowed."""


@dataclass(frozen=True)
class Accommodations:
    extra_time_factor: float = 1.0
    large_print: bool = False
    high_contrast: bool = False
    read_aloud: bool = False

    def flags(self) -> tuple[str, ...]:
        return tuple(f for f in FLAGS if getattr(self, f))

    def to_dict(self) -> dict[str, object]:
        return {"extra_time_factor": self.extra_time_factor, "large_print": self.large_print,
                "high_contrast": self.high_contrast, "read_aloud": self.read_aloud}

    @classmethod
    def stored(cls, factor: float, flags: str) -> "Accommodations":
        """From the room's columns: the factor and the flags as a comma-separated text."""
        named = {f for f in (flags or "").split(",") if f}
        return cls(float(factor or 1.0), *(f in named for f in FLAGS))


def factor(raw: str) -> float:
    """The extra-time factor in a roster cell: empty is 1."""
    text = raw.strip().lower().replace(" ", "")
    if text in ("", "-", "0", "no", "жоқ", "нет"):
        return 1.0
    plus = text.startswith("+")
    match = _FACTOR.match(text.lstrip("+"))
    if not match:
        raise AccommodationInvalid(f"must be a factor from {MIN_FACTOR:g} to {MAX_FACTOR:g} (like 1.5)")
    value = float(match.group(1).replace(",", "."))
    if match.group(2) == "%":
        value = value / 100 + (1 if plus else 0)
    elif plus:
        raise AccommodationInvalid("write the factor (1.5) or the percent (+50%)")
    if not MIN_FACTOR <= value <= MAX_FACTOR:
        raise AccommodationInvalid(f"must be a factor from {MIN_FACTOR:g} to {MAX_FACTOR:g} (like 1.5)")
    return round(round(value * 20) / 20, 2)  # steps of 0.05: 1.33 is 1.35


def flag(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise AccommodationInvalid("must be yes (1, +, иә, да) or empty")
