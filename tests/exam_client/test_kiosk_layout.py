"""The kiosk's folders say what runs where: `engine/` (and the headless runner, and
`cbt-kiosk-setup`) without Qt, and no import circle anywhere in `exam_client/`, counting imports
made inside functions."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT = ("PySide6", "shiboken6")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    return {module_name(p): p for package in ("exam_client", "common")
            for p in sorted((ROOT / package).rglob("*.py"))}


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """Every module `path` imports, at the top or inside a function; `from a import b` counts as
    `a.b` when that is a module. Importing a module imports its packages as well."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names
                         if f"{node.module}.{a.name}" in known)
    found = set()
    for name in names:
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return found


def import_graph() -> dict[str, set[str]]:
    known = our_modules()
    return {name: imports_of(path, known) for name, path in known.items()}


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(graph.get(name, ()))
    return seen


def circles(graph: dict[str, set[str]], package: str) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), and modules importing
    themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    nodes = [n for n in graph if n.split(".")[0] == package]

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node] & set(nodes)):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1 or node in graph[node]:
                found.append(sorted(group))

    for node in nodes:
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_in_the_kiosk() -> None:
    assert circles(import_graph(), "exam_client") == []


def test_the_circle_finder_finds_one() -> None:
    graph = {"exam_client.a": {"exam_client.b"}, "exam_client.b": {"exam_client.c"},
             "exam_client.c": {"exam_client.a"}, "exam_client.d": {"exam_client.a"}}
    assert circles(graph, "exam_client") == [["exam_client.a", "exam_client.b", "exam_client.c"]]


def test_function_level_imports_count(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from exam_client.ui import models\n", "utf-8")
    assert "exam_client.ui.models" in imports_of(sample, {"exam_client.ui.models": sample})


@pytest.mark.parametrize("package", ["exam_client.engine", "exam_client.setup"])
def test_no_qt_below_the_engine_and_the_setup(package: str) -> None:
    """Nothing the engine (or cbt-kiosk-setup) imports, directly or through another module,
    imports Qt; the set-up command also needs none of the kiosk (the proctor's bundle ships it)."""
    graph = import_graph()
    starts = [name for name in graph if name == package or name.startswith(package + ".")]
    offenders = {start: sorted(n for n in reachable(graph, start) if n.split(".")[0] in QT)
                 for start in starts}
    assert {k: v for k, v in offenders.items() if v} == {}
    if package == "exam_client.setup":
        kiosk = {n for start in starts for n in reachable(graph, start)
                 if n.startswith(("exam_client.engine", "exam_client.ui", "exam_client.cli"))}
        assert kiosk == set()


def test_the_headless_kiosk_runs_without_loading_qt(tmp_path: Path) -> None:
    """`exam-client --headless` (the scripted student) and the engine load no Qt at run time."""
    config = tmp_path / "kiosk.json"
    config.write_text(json.dumps({"host": "127.0.0.1", "port": 9, "fingerprint": "ab" * 32,
                                  "workstation_id": "01", "data_dir": str(tmp_path / "d")}), "utf-8")
    script = textwrap.dedent(f"""
        import sys
        import exam_client.engine.headless as headless
        import exam_client.setup.command
        from exam_client import cli

        headless.sit = lambda *args, **kw: 7  # the sitting itself needs a room server
        code = cli.main(["--config", {str(config)!r}, "--headless", "--login", "a", "--password", "b"])
        print(code, sorted(m for m in sys.modules if m.split(".")[0] in {QT!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["7", "[]"]
