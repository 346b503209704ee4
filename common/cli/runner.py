"""One runner for every program's command line (docs/cli.md).

A program builds its `Parser` (argparse, with `add_command` for each sub-command: a description
and at least one example), then hands it to `run`, which adds the shared options (`--json`,
`-v/--verbose`, `--log-level`), parses, sets up logging, calls ``args.handler(args)`` and turns
every failure into one line on stderr, in the user's language, with a stable exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any, Callable, Iterable, Iterator

from common.cli import errors, logs
from common.cli.errors import CliError
from common.i18n import LANGUAGES, t

log = logging.getLogger("cli")


class Parser(argparse.ArgumentParser):
    """argparse whose mistakes raise `CliError` (one line, exit 2) instead of printing usage."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise CliError("usage", errors.USAGE, prog=self.prog, detail=message)


def add_command(sub: argparse._SubParsersAction, name: str, summary: str,
                examples: Iterable[str], description: str | None = None) -> Parser:
    """A sub-command with its one-line summary, a description and examples in its --help."""
    lines = "\n".join(f"  {line}" for line in examples)
    return sub.add_parser(name, help=summary, description=description or summary,
                          epilog=f"examples:\n{lines}",
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def user_language(env: dict[str, str] | None = None) -> str:
    """The user's language for messages: $CBT_LANG, then the locale (kk_KZ, ru_RU…), else en."""
    env = os.environ if env is None else env
    for name in ("CBT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(name) or "").strip().lower()[:2]
        if value in LANGUAGES:
            return value
    return "en"


def leaf_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every sub-command that runs something, with its path of names (for the tests and docs)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for action in subs:
        for name, child in action.choices.items():
            yield from leaf_parsers(child, (*path, name))


def _add_shared(parser: argparse.ArgumentParser, top: bool) -> None:
    default = False if top else argparse.SUPPRESS
    existing = {s for a in parser._actions for s in a.option_strings}
    group = parser.add_argument_group("output and logging")
    if "--json" in existing:
        for action in parser._actions:
            if "--json" in action.option_strings:
                action.default = default
                action.help = "print the result as JSON and errors as one JSON line"
    else:
        group.add_argument("--json", action="store_true", default=default,
                           help="print the result as JSON and errors as one JSON line")
    if "--verbose" not in existing:
        group.add_argument("-v", "--verbose", action="count", default=0 if top else argparse.SUPPRESS,
                           help="say more on stderr (-vv: everything)")
    if "--log-level" not in existing:
        group.add_argument("--log-level", choices=("debug", "info", "warning", "error"),
                           default=None if top else argparse.SUPPRESS,
                           help="the lowest level written to stderr")


def prepare(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the shared options to the program and to every sub-command (once)."""
    if getattr(parser, "_cbt_prepared", False):
        return parser
    _add_shared(parser, top=True)
    seen = {id(parser)}
    for _, leaf in leaf_parsers(parser):
        if id(leaf) not in seen:
            seen.add(id(leaf))
            _add_shared(leaf, top=False)
    parser._cbt_prepared = True  # type: ignore[attr-defined]
    return parser


def _level(args: argparse.Namespace) -> int:
    if getattr(args, "log_level", None):
        return getattr(logging, args.log_level.upper())
    verbose = getattr(args, "verbose", 0) or 0
    return logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING


def say_error(prog: str, code: str, message: str, exit_code: int, as_json: bool,
              details: dict[str, Any] | None = None) -> None:
    message = " ".join(message.split())  # one line, whatever the cause held
    if as_json:
        line = json.dumps({"error": code, "message": message, "exit_code": exit_code, **(details or {})},
                          ensure_ascii=False)
    else:
        line = f"{prog}: {message}"
    print(line, file=sys.stderr, flush=True)


def message_of(exc: CliError, lang: str) -> str:
    try:
        return t(f"cli.error.{exc.key}", lang, **exc.params)
    except KeyError:
        detail = ", ".join(f"{k}={v}" for k, v in exc.params.items())
        return f"{exc.key}: {detail}" if detail else exc.key


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None, *,
        translate: Callable[[BaseException], CliError | None] | None = None,
        log_dir: Callable[[argparse.Namespace], tuple[Any, str] | None] | None = None,
        json_stderr: Callable[[argparse.Namespace], bool] | None = None) -> int:
    """Parse `argv` and run ``args.handler(args)``; return the exit code, never raise.

    `translate` turns a program's own errors into a `CliError` (None: not one of ours);
    `log_dir` names the folder and file name of the program's log for these arguments;
    `json_stderr` says when stderr carries JSON log lines (the centre's services)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = parser.prog
    lang = user_language()
    as_json = "--json" in argv
    prepare(parser)
    try:
        args = parser.parse_args(argv)
        as_json = bool(getattr(args, "json", False)) or as_json
        service = bool(json_stderr and json_stderr(args))  # a service logs its requests at info
        level = _level(args)
        if service and not (getattr(args, "verbose", 0) or getattr(args, "log_level", None)):
            level = logging.INFO
        logs.setup(level, json_stderr=service)
        where = log_dir(args) if log_dir else None
        if where:
            logs.attach_file(*where)
        log.info("%s %s", prog, " ".join(_redacted(argv)), extra={"file_only": True})
        code = args.handler(args)
        logs.close_file()
        return int(code or 0)
    except CliError as exc:
        failure = exc
    except SystemExit as exc:  # --help, --version, or a program's own exit
        if isinstance(exc.code, str):
            failure = CliError("message", errors.USAGE, code="usage", text=exc.code)
        else:
            return int(exc.code or 0)
    except KeyboardInterrupt:
        failure = CliError("interrupted", 130)
    except BaseException as exc:  # noqa: BLE001 - the one place every fault becomes one line
        failure = (translate(exc) if translate else None) or _from_os(exc)
        if failure is None:
            log.error("internal error", exc_info=exc, extra={"file_only": True})
            where = logs.log_file()
            failure = CliError("internal", errors.INTERNAL, kind=type(exc).__name__,
                               detail=str(exc)[:200],
                               log=str(where) if where else "(no log file)")
    log.info("exit %s (%s)", failure.exit_code, failure.code, extra={"file_only": True})
    say_error(prog, failure.code, message_of(failure, lang), failure.exit_code, as_json, failure.details)
    logs.close_file()
    return failure.exit_code


def _from_os(exc: BaseException) -> CliError | None:
    if isinstance(exc, FileNotFoundError):
        return CliError("no_such_file", errors.NOT_FOUND, path=exc.filename or str(exc))
    if isinstance(exc, IsADirectoryError | NotADirectoryError | PermissionError):
        return CliError("file_error", errors.USAGE, path=exc.filename or "", reason=exc.strerror or str(exc))
    if isinstance(exc, UnicodeDecodeError):
        return CliError("not_text", errors.USAGE)
    if isinstance(exc, json.JSONDecodeError):
        return CliError("bad_json", errors.USAGE, line=exc.lineno, reason=exc.msg)
    return None


SECRET_OPTIONS = ("--password", "--pin", "--database-url", "--start-code", "--token")


def _redacted(argv: list[str]) -> list[str]:
    """The command line for the log, without what a log must not keep."""
    out, hide = [], False
    for arg in argv:
        if hide:
            out.append("***")
            hide = False
            continue
        name = arg.split("=", 1)[0]
        if name in SECRET_OPTIONS:
            hide = "=" not in arg
            out.append(f"{name}=***" if "=" in arg else arg)
        else:
            out.append(arg)
    return out
