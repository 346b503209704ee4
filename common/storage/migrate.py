"""Alembic, driven from code: each database (room, central) has its own migration history."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from common.storage.base import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"
KINDS = ("room", "central")


def alembic_config(url: str, kind: str) -> Config:
    if kind not in KINDS:
        raise ValueError(f"unknown database kind {kind!r}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS / kind))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["database_kind"] = kind
    return cfg


def upgrade(url: str, kind: str) -> Engine:
    """Bring the database at `url` to the newest schema and return an engine for it."""
    engine = make_engine(url)
    cfg = alembic_config(url, kind)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    return engine


def run_migrations(metadata) -> None:
    """The body of each history's env.py: migrate the connection the caller gave, or the URL."""
    from alembic import context

    config = context.config

    def migrate(connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,  # SQLite alters tables by copy
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    connection = config.attributes.get("connection")
    if connection is not None:
        migrate(connection)
        return
    with make_engine(config.get_main_option("sqlalchemy.url")).begin() as connection:
        migrate(connection)
