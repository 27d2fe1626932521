"""Alembic environment: uses the engine handed over in ``config.attributes`` (see migrate.py)."""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context
from sqlalchemy import Engine

import lti_app.storage as storage_package
from lti_app.storage.models import Base


def _import_model_modules() -> None:
    """Import ``models`` and every ``*_models`` module so autogenerate sees all tables."""
    for module in pkgutil.iter_modules(storage_package.__path__):
        if module.name == "models" or module.name.endswith("_models"):
            importlib.import_module(f"{storage_package.__name__}.{module.name}")


_import_model_modules()
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine: Engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit(
        "Offline (SQL script) migrations are not supported; run `intervision db upgrade`."
    )
run_migrations_online()
