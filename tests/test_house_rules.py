"""The house rules, enforced: programs never import each other; common/ imports no Qt widgets."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ("exam_client", "proctor_console", "central_scorer")
PACKAGES = (*PROGRAMS, "common", "cbt_demo")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_no_program_imports_another(package: str) -> None:
    others = [p for p in PROGRAMS if p != package]
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(package)
        for name in imports_of(path)
        if name.split(".")[0] in others
    ]
    assert not offenders, offenders


def test_common_imports_no_qt_widgets_and_no_program() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("common")
        for name in imports_of(path)
        if name.split(".")[0] in PROGRAMS or name.startswith(("PySide6.QtWidgets", "PySide6.QtGui"))
        or name == "PySide6"
    ]
    assert not offenders, offenders


def test_the_rule_checker_sees_imports(tmp_path: Path) -> None:
    """The checker itself must catch both import forms, or the rules above prove nothing."""
    sample = tmp_path / "x.py"
    sample.write_text("import proctor_console.room\nfrom exam_client import engine\n")
    assert imports_of(sample) == {"proctor_console.room", "exam_client"}
