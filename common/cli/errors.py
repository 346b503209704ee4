"""The exit codes every program shares, and the one error a command raises to stop with one."""

from __future__ import annotations

from typing import Any

# Stable exit codes (docs/cli.md). `central-scorer ingest` adds its refusals 10-20
# (docs/bundle-format.md); `exam-client --headless` its sitting's 3-5.
OK = 0
PROBLEMS = 1  # the command ran and found problems (each printed): a roster, a chain, a check
USAGE = 2  # a missing or wrong argument, or input that cannot be read
REFUSED = 3  # refused: a sign-in, a signature, an authority
NOT_INITIALISED = 4  # the data folder was never set up (`init` creates it)
NOT_FOUND = 5  # something the command names does not exist (an organisation, a package, a file)
INTERNAL = 70  # a fault of the program itself: the details are in the log file

EXIT = {"ok": OK, "problems": PROBLEMS, "usage": USAGE, "refused": REFUSED,
        "not_initialised": NOT_INITIALISED, "not_found": NOT_FOUND, "internal": INTERNAL}


class CliError(Exception):
    """Stop the command: `key` names the message in the catalogue (``cli.error.<key>``) and its
    exit code; `params` fill its placeholders; `code` is the stable word a script reads."""

    def __init__(self, key: str, exit_code: int, code: str | None = None,
                 details: dict[str, Any] | None = None, **params: Any):
        super().__init__(key)
        self.key = key
        self.exit_code = exit_code
        self.code = code or key
        self.params = params
        self.details = details or {}  # more for a script: added to the JSON line (--json)
