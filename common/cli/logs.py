"""Logging for every program: stdlib `logging`, a rotating file in the program's data folder, and
stderr (plain, or JSON lines for the centre's services). Uncaught errors of any thread (and of Qt's
slots, which go through `sys.excepthook`) are written to the file, so a windowed kiosk with no
console keeps them too."""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import threading
import time
from pathlib import Path

FILE_BYTES, FILE_COUNT = 2_000_000, 5  # at most ~12 MB of logs per program and data folder
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, and any `extra` fields."""

    SKIP = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "file_only"}

    def format(self, record: logging.LogRecord) -> str:
        row = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
               "level": record.levelname.lower(), "logger": record.name,
               "message": record.getMessage()}
        row.update({k: v for k, v in vars(record).items() if k not in self.SKIP})
        if record.exc_info:
            row["traceback"] = self.formatException(record.exc_info)
        return json.dumps(row, ensure_ascii=False, default=str)


class _NotFileOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "file_only", False)


_state: dict[str, object] = {}


def setup(level: int = logging.WARNING, json_stderr: bool = False) -> None:
    """The root logger: stderr at `level` (a failure the command reports itself is kept out)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_cbt", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG)
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(level)
    err.setFormatter(JsonLines() if json_stderr else logging.Formatter(FORMAT))
    err.addFilter(_NotFileOnly())
    err._cbt = True  # type: ignore[attr-defined]
    root.addHandler(err)
    for noisy in ("httpx", "httpcore", "asyncio", "PIL", "fontTools", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _state["file_level"] = min(level, logging.INFO)
    _install_hooks()


def attach_file(folder: Path, name: str) -> Path | None:
    """Also write `folder/name.log` (rotating). None when the folder cannot take it."""
    path = Path(folder) / f"{name}.log"
    if _state.get("file") == path:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=FILE_BYTES,
                                                       backupCount=FILE_COUNT, encoding="utf-8")
    except OSError:
        return None
    handler.setLevel(int(_state.get("file_level", logging.INFO)))  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._cbt = True  # type: ignore[attr-defined]
    logging.getLogger().addHandler(handler)
    _state["file"] = path
    return path


def close_file() -> None:
    """Detach and close the log file (at the end of a command; in-process callers such as tests
    run many commands in one process)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_cbt", False) and isinstance(handler, logging.FileHandler):
            root.removeHandler(handler)
            handler.close()
    _state.pop("file", None)


def log_file() -> Path | None:
    value = _state.get("file")
    return value if isinstance(value, Path) else None


def _install_hooks() -> None:
    if _state.get("hooks"):
        return
    _state["hooks"] = True
    previous = sys.excepthook

    def excepthook(kind, value, tb) -> None:  # Qt's slots end up here too
        logging.getLogger("uncaught").error("uncaught %s: %s", kind.__name__, value,
                                            exc_info=(kind, value, tb), extra={"file_only": True})
        previous(kind, value, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        logging.getLogger("uncaught").error(
            "uncaught %s in thread %s", args.exc_type.__name__,
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback), extra={"file_only": True})

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
