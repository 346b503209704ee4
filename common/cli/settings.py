"""A program's settings from a file and the environment, so no secret goes on a command line
(where `ps` and shell histories show it). The file is TOML, one table per program::

    # /etc/bbzhm-cbt/centre.toml  (or $CBT_CENTRE_CONFIG)
    [centre]
    data_dir = "/srv/centre"
    database_url = "postgresql+psycopg://centre@db/centre"   # the password: ~/.pgpass or $PGPASSWORD
    listen = "0.0.0.0:8600"

An environment variable (``CBT_CENTRE_DATABASE_URL`` …) wins over the file; an option on the
command line wins over both (for what is not secret).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from common.cli import errors
from common.cli.errors import CliError


def load(table: str, path: Path | None, env: dict[str, str] | None = None,
         known: tuple[str, ...] = ()) -> dict[str, Any]:
    """The settings of `table`: the file's `[table]`, then ``CBT_<TABLE>_<KEY>`` variables."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise CliError("no_such_file", errors.NOT_FOUND, path=str(path)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CliError("bad_settings", errors.USAGE, path=str(path), reason=str(exc)) from None
        section = data.get(table, {})
        unknown = sorted(set(section) - set(known)) if known else []
        if not isinstance(section, dict) or unknown:
            raise CliError("bad_settings", errors.USAGE, path=str(path),
                           reason=f"unknown setting {', '.join(unknown)}" if unknown else f"[{table}]")
        values.update(section)
    for key in known:
        variable = f"CBT_{table.upper()}_{key.upper()}"
        if env.get(variable):
            values[key] = env[variable]
    return values
