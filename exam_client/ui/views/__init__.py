"""The kiosk's screens. Importing them guards the process against PySide6 6.12.0's reference
count bug on CPython 3.11 (see `common.qt_refcount`)."""

from common.qt_refcount import protect_singletons

protect_singletons()
