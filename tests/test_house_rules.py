"""The house rules, enforced (issue 21): programs never import each other; common/ imports no Qt
widgets; Qt only in the desk and the kiosk's ui; the room server and the kiosk's engine import no Qt,
not even through what they import; no import circle anywhere; files and classes of a readable size;
docs/architecture.md names every package and only packages that exist."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ("exam_client", "proctor_console", "central_scorer")
PACKAGES = (*PROGRAMS, "common", "cbt_demo")
# Where Qt may be imported at all: the two GUIs, and common/'s QtCore-only helpers.
QT_HOMES = ("exam_client/ui/", "proctor_console/desk/", "common/qt_")
# What must run without Qt, whatever it imports on the way.
QT_FREE = ("proctor_console/room", "exam_client/engine")
MAX_FILE_LINES = 500
MAX_CLASS_LINES = 300


def imports_of(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved), at any depth of the
    file: module level or inside a function."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    here = module_name(path) if path.is_relative_to(ROOT) else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".")
                is_pkg = path.name == "__init__.py"
                anchor = parts[: len(parts) - node.level + (1 if is_pkg else 0)]
                base = ".".join(anchor + ([base] if base else []))
            if not base:
                continue
            names.add(base)
            # `from a.b import c` imports the module a.b.c when there is one.
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@cache
def graph() -> dict[str, set[str]]:
    """Our own modules and the modules of ours each one imports (third-party names dropped)."""
    files = {module_name(p): p for package in PACKAGES for p in modules(package)}
    edges: dict[str, set[str]] = {}
    for name, path in files.items():
        edges[name] = {n for n in imports_of(path) if n in files and n != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def reachable(start: str, edges: dict[str, set[str]]) -> dict[str, str]:
    """Every module reachable from `start`, each with the module that first led to it."""
    seen = {start: ""}
    todo = [start]
    while todo:
        node = todo.pop()
        for child in sorted(edges.get(node, ())):
            if child not in seen:
                seen[child] = node
                todo.append(child)
    return seen


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("package", PACKAGES)
def test_no_program_imports_another(package: str) -> None:
    others = [p for p in PROGRAMS if p != package]
    offenders = [
        f"{rel(path)} imports {name}"
        for path in modules(package)
        for name in imports_of(path)
        if name.split(".")[0] in others
    ]
    assert not offenders, offenders


def test_common_imports_no_qt_widgets_and_no_program() -> None:
    offenders = [
        f"{rel(path)} imports {name}"
        for path in modules("common")
        for name in imports_of(path)
        if name.split(".")[0] in PROGRAMS or name.startswith(("PySide6.QtWidgets", "PySide6.QtGui"))
        or name == "PySide6"
    ]
    assert not offenders, offenders


def test_qt_is_imported_only_by_the_desk_and_the_kiosk_ui() -> None:
    offenders = [
        f"{rel(path)} imports {name}"
        for package in PACKAGES
        for path in modules(package)
        for name in imports_of(path)
        if name.split(".")[0] in ("PySide6", "pytestqt") and not rel(path).startswith(QT_HOMES)
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("folder", QT_FREE)
def test_the_room_server_and_the_kiosk_engine_reach_no_qt(folder: str) -> None:
    """Not even through a module they import (a function-level import counts)."""
    edges = graph()
    starts = [module_name(p) for p in (ROOT / folder).rglob("*.py")]
    assert starts, f"{folder} has no modules"
    offenders = []
    for start in starts:
        seen = reachable(start, edges)
        for name, via in seen.items():
            path = ROOT / (name.replace(".", "/") + ".py")
            if not path.exists():
                path = ROOT / name.replace(".", "/") / "__init__.py"
            if any(n.split(".")[0] == "PySide6" for n in imports_of(path)):
                chain = [name]
                while seen[chain[-1]]:
                    chain.append(seen[chain[-1]])
                offenders.append(" <- ".join(chain))
    assert not offenders, sorted(set(offenders))


def test_no_import_circle_anywhere() -> None:
    found = cycles(graph())
    assert not found, found


def test_files_and_classes_stay_readable() -> None:
    offenders = []
    for package in PACKAGES:
        for path in modules(package):
            if "/migrations/" in rel(path):
                continue  # generated by Alembic, one revision each
            text = path.read_text("utf-8")
            lines = text.count("\n")
            if lines > MAX_FILE_LINES:
                offenders.append(f"{rel(path)}: {lines} lines")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.ClassDef):
                    length = node.end_lineno - node.lineno + 1
                    if length > MAX_CLASS_LINES:
                        offenders.append(f"{rel(path)}: class {node.name} is {length} lines")
    assert not offenders, offenders


def packages_on_disk() -> set[str]:
    return {rel(p.parent) + "/" for package in PACKAGES for p in (ROOT / package).rglob("__init__.py")
            if "/migrations/" not in rel(p)}


def packages_in_docs() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    named = re.findall(r"`((?:%s)(?:/[a-z0-9_]+)*/)`" % "|".join(PACKAGES), text)
    return set(named)


def test_architecture_doc_names_every_package_and_only_real_ones() -> None:
    on_disk, in_docs = packages_on_disk(), packages_in_docs()
    missing = sorted(name for name in in_docs - on_disk if not (ROOT / name).is_dir())
    assert not missing, f"docs/architecture.md names folders that do not exist: {missing}"
    assert not on_disk - in_docs, f"docs/architecture.md does not name: {sorted(on_disk - in_docs)}"


# --- the checkers themselves: a rule that cannot fail proves nothing ------------------------------

def test_the_rule_checker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import proctor_console.room\nfrom exam_client import engine\n"
                      "def f():\n    import PySide6.QtCore\n")
    assert imports_of(sample) == {"proctor_console.room", "exam_client", "exam_client.engine",
                                  "PySide6.QtCore"}


def test_the_circle_finder_finds_a_circle_and_nothing_else() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"b"}}) == []


def test_the_qt_reach_follows_a_chain() -> None:
    seen = reachable("room.a", {"room.a": {"room.b"}, "room.b": {"desk.c"}, "desk.c": set()})
    assert seen == {"room.a": "", "room.b": "room.a", "desk.c": "room.b"}
