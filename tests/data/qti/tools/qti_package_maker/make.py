"""Export our own items as a QTI 2.1 package with qti-package-maker (PyPI, LGPL-3.0).

Run by hand (needs the registry once, tests never do):
    python3 -m venv /tmp/qtitools
    /tmp/qtitools/bin/pip install qti-package-maker==26.7.14
    /tmp/qtitools/bin/python tests/data/qti/tools/qti_package_maker/make.py
Writes package.zip beside this file with the tool's engine `blackboard_qti_v2_1`, unchanged.
"""

from importlib.metadata import version
from pathlib import Path

from qti_package_maker.package_interface import QTIPackageInterface

assert version("qti-package-maker") == "26.7.14", version("qti-package-maker")
HERE = Path(__file__).resolve().parent


def ascii_html(text: str) -> str:
    """The tool hashes every string as ASCII and refuses any other: write Cyrillic as HTML
    character references, which its HTML reader turns back into characters. Answer strings are
    written as plain text (a reference would stay literal), so typed answers here are ASCII."""
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text)


def add(kind: str, *fields):
    def conv(value):
        if isinstance(value, str):
            return ascii_html(value)
        if isinstance(value, list):
            return [conv(v) for v in value]
        if isinstance(value, dict):
            return {k: conv(v) for k, v in value.items()}
        return value
    maker.add_item(kind, tuple(conv(f) for f in fields))


maker = QTIPackageInterface("bbzhm_tools", allow_mixed=True)
add("MC", "<p>Қазақстанның астанасы қай қала?</p>", ["Алматы", "Астана", "Шымкент"], "Астана")
add("MA", "<p>Выберите все чётные числа.</p>", ["4", "7", "10", "15"], ["4", "10"])
add("MATCH", "<p>Match each animal to its home.</p>", ["fish", "bird", "bee"],
    ["river", "nest", "hive"])
add("NUM", "<p>Сколько будет 7 × 8?</p>", 56.0, 0.5)
add("FIB", "<p>The Sun rises in the ____.</p>", ["east", "East"])
add("MULTI_FIB", "<p>[a] плюс [b] равно четырём.</p>", {"a": ["2", "two"], "b": ["2", "two"]})
add("ORDER", "<p>Put the numbers in order from the smallest.</p>", ["3", "7", "12"])
out = maker.save_package("blackboard_qti_v2_1", str(HERE / "package.zip"))
print(out)
