"""The one command-line convention (docs/cli.md), checked on every sub-command of the programs:
each --help has a description and an example; a missing or wrong argument, or a folder never set
up, gives one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from common.cli import errors
from common.cli.runner import leaf_parsers, prepare

DOCUMENTED = {errors.OK, errors.PROBLEMS, errors.USAGE, errors.REFUSED, errors.NOT_INITIALISED,
              errors.NOT_FOUND}
# Commands that open a window or draw every screen: their bad input is still checked, their
# "plausible values" run is not (it would open the window).
WINDOWS = {("proctor-console", "desk"), ("proctor-console", "screenshots"), ("proctor-console", "watch")}


def programs() -> dict[str, tuple]:
    from central_scorer.cli import main as central
    from exam_client import cli as kiosk
    from exam_client.setup import command as kiosk_setup
    from proctor_console import cli as proctor

    return {"central-scorer": (central.build_parser, central.main),
            "proctor-console": (proctor.build_parser, proctor.main),
            "cbt-kiosk-setup": (kiosk_setup.build_parser, kiosk_setup.main),
            "exam-client": (kiosk.build_parser, kiosk.main),
            "exam-client export-journal": (kiosk.build_export_parser,
                                           lambda argv: kiosk.main(["export-journal", *argv]))}


def commands() -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for program, (build, _) in programs().items():
        out += [(program, path) for path, _ in leaf_parsers(prepare(build()))]
    return out


COMMANDS = commands()
IDS = [" ".join((p, *path)) for p, path in COMMANDS]


def leaf(program: str, path: tuple[str, ...]) -> argparse.ArgumentParser:
    return dict(leaf_parsers(prepare(programs()[program][0]())))[path]


def plausible(parser: argparse.ArgumentParser) -> list[str]:
    """Every required argument with a value of the right shape that names nothing real."""
    argv: list[str] = []
    for action in parser._actions:
        if not (action.required or (not action.option_strings and action.nargs != 0)):
            continue
        if isinstance(action, argparse._SubParsersAction):
            continue
        value = (str(next(iter(action.choices))) if action.choices else
                 "1" if action.type in (int, float) else "2026-01-01" if "date" in action.dest
                 else "missing.json")
        values = [value] * (action.nargs if isinstance(action.nargs, int) else 1)
        argv += [action.option_strings[0], *values] if action.option_strings else values
    return argv


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No program may reach a real folder: every default points into an empty tmp folder."""
    monkeypatch.chdir(tmp_path)
    for variable in ("CBT_CENTRE_DIR", "CBT_ROOM_DIR", "CBT_KIOSK_DIR"):
        monkeypatch.setenv(variable, str(tmp_path / "never-set-up"))
    for variable in ("CBT_CENTRE_CONFIG", "CBT_CENTRE_DATABASE_URL", "CBT_PROCTOR_PIN",
                     "CBT_PROCTOR_TOKEN", "CBT_START_CODE", "CBT_KIOSK_CONFIG", "CBT_STUDENT_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("CBT_LANG", "en")
    return tmp_path


def run(program: str, argv: list[str], capsys) -> tuple[int, str, str]:
    code = programs()[program][1](argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(code: int, err: str) -> None:
    assert "Traceback" not in err, err
    if code not in (errors.OK, errors.PROBLEMS):
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, err


@pytest.mark.parametrize(("program", "path"), COMMANDS, ids=IDS)
def test_help_has_a_description_and_an_example(program: str, path: tuple[str, ...]) -> None:
    parser = leaf(program, path)
    text = parser.format_help()
    assert parser.description and "examples:" in text, text
    assert "register(" not in text and "handler(" not in text  # no internal notes


@pytest.mark.parametrize(("program", "path"), COMMANDS, ids=IDS)
def test_bad_input_is_one_line_and_a_documented_exit_code(program, path, sandbox, capsys) -> None:
    code, _, err = run(program, [*path, "--no-such-option"], capsys)
    assert code == errors.USAGE and err.startswith(f"{program}: wrong or missing argument"), err
    one_line(code, err)
    if plausible(leaf(program, path)):  # something required left out
        code, _, err = run(program, list(path), capsys)
        assert code == errors.USAGE, err
        one_line(code, err)
    if (program, *path[:1]) in WINDOWS:
        return
    argv = ["--config", "missing.json"] if program == "exam-client" else [*path, *plausible(leaf(program, path))]
    code, _, err = run(program, argv, capsys)
    assert code in DOCUMENTED, (code, err)
    one_line(code, err)
    code, _, err = run(program, [*argv, "--json"], capsys)
    if code not in (errors.OK, errors.PROBLEMS):
        import json

        assert json.loads(err)["exit_code"] == code  # --json: the error as one JSON line


def test_a_mistyped_room_folder_is_refused_and_says_how_to_set_it_up(tmp_path: Path) -> None:
    """As a person types it: the installed command, a typo, and nothing created."""
    for lang, words in (("en", "was never set up"), ("kk", "дайындалмаған"), ("ru", "не подготовлена")):
        done = subprocess.run([str(Path(sys.executable).parent / "proctor-console"), "serve",
                               "--data-dir", "typo"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, env={"PATH": "/usr/bin:/bin", "CBT_LANG": lang})
        assert done.returncode == errors.NOT_INITIALISED
        assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr
        assert "proctor-console init --kit" in done.stderr
    assert not (tmp_path / "typo").exists()


def test_the_centre_refuses_a_folder_never_set_up(sandbox, capsys) -> None:
    from central_scorer.cli.main import main

    code = main(["--data-dir", "centre-typo", "report", "--organisation", "1", "--year", "2026",
                 "--grade", "4", "--out", "r.pdf"])
    assert code == errors.NOT_INITIALISED and "central-scorer init" in capsys.readouterr().err
    assert not (sandbox / "centre-typo").exists()


def test_an_internal_fault_is_one_line_and_its_traceback_is_in_the_log(sandbox, capsys, monkeypatch) -> None:
    from central_scorer.cli import main as central
    from common.cli import logs

    assert central.main(["--data-dir", "c", "init", "--centre-id", "KZ"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("central_scorer.reports.survey.survey_aggregates",
                        lambda centre: 1 / 0)
    code = central.main(["--data-dir", "c", "survey"])
    err = capsys.readouterr().err
    assert code == errors.INTERNAL and err.count("\n") == 1 and "ZeroDivisionError" in err
    log = (sandbox / "c" / "logs" / "centre.log").read_text("utf-8")
    assert "Traceback" in log and "ZeroDivisionError" in log and "centre.log" in err
    assert logs.log_file() is None  # closed at the end of the command


def test_the_room_configuration_schema_in_docs_is_current() -> None:
    import json

    from common.room_kit import json_schema

    path = Path(__file__).resolve().parents[1] / "docs" / "schemas" / "room-config.schema.json"
    assert json.loads(path.read_text("utf-8")) == json_schema(), "regenerate docs/schemas/room-config.schema.json"
