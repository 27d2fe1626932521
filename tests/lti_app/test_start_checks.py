"""Settings that are refused at start, with a message saying what to fix (never a traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lti_app import create_app
from lti_app.cli import main
from lti_app.config import ConfigError


@pytest.mark.parametrize("length", [1, 16, 31])
def test_a_secret_key_shorter_than_32_characters_is_refused(
    app_config: dict[str, Any], length: int
) -> None:
    with pytest.raises(ConfigError, match=f"is {length} characters long; it must be at least 32"):
        create_app({**app_config, "SECRET_KEY": "s" * length})


def test_a_32_character_secret_key_is_accepted(app_config: dict[str, Any]) -> None:
    assert create_app({**app_config, "SECRET_KEY": "s" * 32}).config["SECRET_KEY"] == "s" * 32


def test_the_command_line_names_the_variable_without_a_traceback(tmp_path: Path) -> None:
    environment = {
        "INTERVISION_INSTANCE_PATH": str(tmp_path / "instance"),
        "INTERVISION_SECRET_KEY": "too-short",
    }
    result = CliRunner().invoke(main, ["db", "upgrade"], env=environment)
    assert result.exit_code == 2
    assert "Error: INTERVISION_SECRET_KEY is 9 characters long" in result.output
    assert "secrets.token_urlsafe" in result.output
    assert isinstance(result.exception, SystemExit)  # click's exit, not an escaped error
    assert not (tmp_path / "instance" / "intervision.sqlite3").exists()
