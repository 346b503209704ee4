"""Alembic environment of the central database."""

from common.storage import central_models  # noqa: F401  (registers the tables)
from common.storage.base import CentralBase
from common.storage.migrate import run_migrations

run_migrations(CentralBase.metadata)
