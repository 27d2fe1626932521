"""`intervision --help`: the project's commands first, grouped by task, one line each; Flask's
generic options and developer commands after them."""

from __future__ import annotations

import click
from click.testing import CliRunner

from lti_app.cli import main
from lti_app.cli_help import SECTIONS


def _help() -> str:
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_project_command_is_listed_once_on_one_line_before_flask_options() -> None:
    text = _help()
    lines = text.splitlines()
    flask_options = text.index("--env-file")
    for _, entries in SECTIONS:
        for name, summary in entries:
            rows = [line for line in lines if line.strip().startswith(f"{name} ")]
            assert len(rows) == 1, (name, rows)
            assert rows[0].strip().endswith(summary), rows[0]
            assert text.index(rows[0]) < flask_options
    assert all(len(line) <= 80 for line in lines)
    commands_part = text.split("\n", 1)[1].split("Options:")[0]  # after "Usage: ... [ARGS]..."
    assert "..." not in commands_part  # nothing cut short


def test_every_visible_command_of_the_group_appears_in_the_help() -> None:
    text = _help()
    with click.Context(main) as ctx:
        names = [name for name in main.list_commands(ctx) if not main.get_command(ctx, name).hidden]  # type: ignore[union-attr]
    assert len(names) > 10
    for name in names:
        assert f" {name}" in text, name
    listed = {name for _, entries in SECTIONS for name, _ in entries}
    developer_section = text.split("Developer commands from Flask and its extensions:")[1]
    developer = set(names) - listed  # Flask's own, and any extension's (e.g. a limiter's)
    assert {"run", "shell", "routes"} <= developer <= {"run", "shell", "routes", "limiter"}
    assert "routes" in developer_section.split("Options:")[0]


def test_the_first_screen_says_what_the_tool_is_and_where_to_start() -> None:
    first_lines = "\n".join(_help().splitlines()[:8])
    assert "intervision demo" in first_lines and "LTI 1.3 tool" in first_lines
    assert "--env-file" not in first_lines
