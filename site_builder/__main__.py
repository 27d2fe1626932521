"""`python -m site_builder check`: the same validation without mkdocs (Zensical pre-build)."""

from __future__ import annotations

import click

from site_builder.cli import COMMANDS


@click.group(name="python -m site_builder", help=__doc__)
def main() -> None:
    """Course commands (build, check, new-module)."""


for command in COMMANDS:
    main.add_command(command)


if __name__ == "__main__":
    main()
