"""The table of solubility of salts, acids and bases in water (the allowed reference of §20).

Written for this project after the usual school table. Each cell is one of:
``R`` soluble, ``M`` slightly soluble, ``N`` insoluble, ``-`` does not exist or is decomposed by
water. The letters shown on the screen come from the catalogue (kk, ru, en).
"""

from __future__ import annotations

# The ions as printed (subscripts and superscripts in Unicode, which DejaVu Sans draws).
CATIONS: tuple[str, ...] = (
    "H⁺", "Li⁺", "K⁺", "Na⁺", "NH₄⁺", "Ba²⁺", "Ca²⁺", "Mg²⁺", "Sr²⁺", "Al³⁺", "Cr³⁺", "Fe²⁺",
    "Fe³⁺", "Ni²⁺", "Co²⁺", "Mn²⁺", "Zn²⁺", "Ag⁺", "Hg²⁺", "Pb²⁺", "Sn²⁺", "Cu²⁺",
)
ANIONS: tuple[str, ...] = (
    "OH⁻", "F⁻", "Cl⁻", "Br⁻", "I⁻", "S²⁻", "SO₃²⁻", "SO₄²⁻", "NO₃⁻", "PO₄³⁻", "CO₃²⁻",
    "SiO₃²⁻", "CH₃COO⁻",
)

# One row per cation, one letter per anion, in the order above.
_ROWS = """\
H⁺     -RRRRRRRRRRNR
Li⁺    RMRRRRRRRMRRR
K⁺     RRRRRRRRRRRRR
Na⁺    RRRRRRRRRRRRR
NH₄⁺   RRRRRRRRRRR-R
Ba²⁺   RMRRRRNNRNNNR
Ca²⁺   MNRRRMNMRNNNR
Mg²⁺   NNRRR-MRRNNNR
Sr²⁺   MNRRRRNNRNNNR
Al³⁺   NMRRR--RRN-NM
Cr³⁺   NMRRR--RRN-NR
Fe²⁺   NMRRRNMRRNNNR
Fe³⁺   NMRR---RRN-NR
Ni²⁺   NRRRRNNRRNNNR
Co²⁺   NRRRRNNRRNNNR
Mn²⁺   NRRRRNNRRNNNR
Zn²⁺   NMRRRNMRRNNNR
Ag⁺    -RNNNNNMRNN-M
Hg²⁺   --RMNN--RN--R
Pb²⁺   NNMMNNNNRNNNR
Sn²⁺   NRRRMN-R-N---
Cu²⁺   NNRR-N-RRN-NR
"""

VALUES = ("R", "M", "N", "-")


def _table() -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for line in _ROWS.splitlines():
        cation, letters = line.split()
        if cation not in CATIONS or len(letters) != len(ANIONS):
            raise ValueError(f"solubility row {cation!r}: {len(letters)} cells for {len(ANIONS)} anions")
        for anion, value in zip(ANIONS, letters):
            if value not in VALUES:
                raise ValueError(f"solubility {cation} {anion}: unknown value {value!r}")
            table[(cation, anion)] = value
    return table


SOLUBILITY: dict[tuple[str, str], str] = _table()
