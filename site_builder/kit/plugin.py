"""A thin mkdocs adapter for the trainer kit (filled in by the kit generator)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.plugins import BasePlugin


class KitConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped
    pass


class KitPlugin(BasePlugin[KitConfig]):  # type: ignore[no-untyped-call]
    pass
