"""Options that several course commands share, so `intervision build`, `check`, `new-module`
and `package` read the same flag the same way (name, type, default)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

CONTENT_DIR = click.option(
    "--content-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("content"),
    show_default=True,
    help="Folder with course.yml, modules/ and methods/.",
)


def config_file_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-f/--config-file``: the site's mkdocs.yml; each command says what it is used for."""
    return click.option(
        "-f",
        "--config-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("mkdocs.yml"),
        show_default=True,
        help=help,
    )
