"""Alembic environment of the room database."""

from common.storage import room_models  # noqa: F401  (registers the tables)
from common.storage.base import RoomBase
from common.storage.migrate import run_migrations

run_migrations(RoomBase.metadata)
