"""How a typed answer is read: text as it is compared, numbers as a student writes them.

Shared by the content model (a text item needs an accepted answer that is not blank once
normalised) and by scoring (`common.domain.scoring`).
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any


def normalise_text(text: str, *, case_sensitive: bool = False, keep_yo: bool = False) -> str:
    """A typed answer as it is compared: NFKC, trimmed, inner spaces collapsed, case-folded
    (unless case-sensitive), ё read as е (unless kept), a trailing full stop or ! dropped."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    text = text.rstrip(".!").rstrip()
    if not case_sensitive:
        text = text.casefold()
    if not keep_yo:
        text = text.replace("ё", "е").replace("Ё", "Е")
    return text


def parse_number(answer: Any) -> float | None:
    """Read a typed number the way a student writes it: '3,5', ' 3.5 ', '−2'."""
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        try:
            return float(answer) if math.isfinite(answer) else None
        except OverflowError:  # an int past float range, e.g. 10**400 from JSON
            return None
    if not isinstance(answer, str):
        return None
    text = (answer.strip().replace(",", ".").replace("\u2212", "-")
            .replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
