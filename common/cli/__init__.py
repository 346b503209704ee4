"""The one command-line convention of the three programs (docs/cli.md).

`runner.run` parses, sets up logging, calls the handler and turns every failure into one line on
stderr in the user's language with a stable exit code (`errors.EXIT`); never a traceback (that goes
to the log file). `datadir` finds and checks each program's data folder, `settings` reads a
program's settings file and environment, `logs` the rotating files and the JSON lines.
"""
