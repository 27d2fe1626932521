"""Private keys encrypted at rest (INTERVISION_KEY_ENCRYPTION_KEY): stored as Fernet tokens,
encrypted afterwards by `keys encrypt`, re-encrypted by `keys rotate-encryption`; a wrong or
missing key stops the start with a message, and is a 503 page (never a 500) inside a request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jwt
import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from flask import Flask

from lti_app import create_app
from lti_app.cli import main
from lti_app.config import ConfigError
from lti_app.lti import keys
from lti_app.storage import db, keys_repo

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def _stored(app: Flask) -> list[str]:
    with app.app_context(), db.transaction(app) as session:
        return [key.private_pem for key in keys_repo.list_keys(session)]


def _with(app_config: dict[str, Any], key: str | None) -> Flask:
    """Another app on the same database, as after a restart with other settings."""
    return create_app({**app_config, "KEY_ENCRYPTION_KEY": key})


def _cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(main, list(args))


def test_keys_are_stored_encrypted_and_still_sign(app_config: dict[str, Any], app: Flask) -> None:
    encrypted = _with(app_config, OLD)
    with encrypted.app_context():
        signing = keys.current_signing_key(encrypted)
        published = {k["kid"]: k for k in keys.public_jwks(encrypted)["keys"]}
    [stored] = _stored(encrypted)
    assert stored.startswith("fernet:") and "PRIVATE KEY" not in stored
    assert "BEGIN PRIVATE KEY" in signing.private_pem
    token = jwt.encode({"sub": "x"}, signing.private_key, "RS256", headers={"kid": signing.kid})
    public = jwt.PyJWK(published[signing.kid]).key
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"sub": "x"}


def test_encrypt_existing_keys_then_rotate_the_encryption_key(
    app_config: dict[str, Any], app: Flask
) -> None:
    with app.app_context():
        plain = keys.ensure_signing_key(app)
    assert _stored(app) == [plain.private_pem]

    assert "not encrypted" in _cli(_with(app_config, OLD), "keys", "list").output
    result = _cli(_with(app_config, OLD), "keys", "encrypt")
    assert result.exit_code == 0, result.output
    assert "Encrypted 1 key(s)" in result.output
    [sealed] = _stored(app)
    assert sealed.startswith("fernet:")
    assert "Encrypted 0 key(s)" in _cli(_with(app_config, OLD), "keys", "encrypt").output

    rotated = _cli(_with(app_config, f"{NEW},{OLD}"), "keys", "rotate-encryption")
    assert rotated.exit_code == 0, rotated.output
    [resealed] = _stored(app)
    assert resealed != sealed
    only_new = _with(app_config, NEW)
    with only_new.app_context():
        assert keys.ensure_signing_key(only_new).private_pem == plain.private_pem
    assert _cli(only_new, "db", "upgrade").exit_code == 0  # the start check passes

    decrypted = _cli(only_new, "keys", "decrypt")
    assert "Decrypted 1 key(s)" in decrypted.output
    assert _stored(app) == [plain.private_pem]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (None, "is stored encrypted, but INTERVISION_KEY_ENCRYPTION_KEY is not set"),
        (NEW, "None of the keys in INTERVISION_KEY_ENCRYPTION_KEY opens"),
    ],
    ids=["missing", "wrong"],
)
def test_a_missing_or_wrong_key_stops_the_start_and_is_a_503_in_a_request(
    app_config: dict[str, Any], app: Flask, key: str | None, expected: str
) -> None:
    with _with(app_config, OLD).app_context():
        keys.ensure_signing_key()
    wrong = _with(app_config, key)
    result = _cli(wrong, "db", "upgrade")
    assert result.exit_code == 1
    assert expected in result.output and "Traceback" not in result.output
    assert OLD not in result.output

    worker = _cli(wrong, "worker", "--once")  # it signs service tokens: checked at its start
    assert worker.exit_code == 1 and expected in worker.output

    response = wrong.test_client().get("/.well-known/jwks.json")
    assert response.status_code == 503
    assert "cannot read its own signing key" in response.text
    assert "Reference:" in response.text


def test_serve_refuses_to_start_with_the_wrong_key(tmp_path: Path) -> None:
    """`intervision serve` as the shell runs it (settings from the environment): it stops
    before gunicorn starts, with the message and no traceback."""
    environment = {
        "INTERVISION_INSTANCE_PATH": str(tmp_path / "instance"),
        "INTERVISION_SECRET_KEY": "serve-encryption-test-" + "s" * 32,
        "INTERVISION_KEY_ENCRYPTION_KEY": OLD,
    }
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade"], env=environment)
    assert first.exit_code == 0, first.output
    environment["INTERVISION_KEY_ENCRYPTION_KEY"] = NEW
    serve = runner.invoke(main, ["serve", "--port", "9"], env=environment)
    assert serve.exit_code == 1
    assert "None of the keys in INTERVISION_KEY_ENCRYPTION_KEY opens" in serve.output
    assert serve.exception is None or isinstance(serve.exception, SystemExit)


@pytest.mark.parametrize("value", ["not-a-fernet-key", f"{NEW},short"], ids=["one", "second"])
def test_a_malformed_encryption_key_is_refused_at_start(
    app_config: dict[str, Any], value: str
) -> None:
    with pytest.raises(ConfigError, match="is not a Fernet key") as refused:
        _with(app_config, value)
    assert "not-a-fernet-key" not in str(refused.value) and NEW not in str(refused.value)


def test_commands_that_need_the_key_say_so(app: Flask) -> None:
    for command in ("encrypt", "rotate-encryption"):
        result = _cli(app, "keys", command)
        assert result.exit_code == 1
        assert "INTERVISION_KEY_ENCRYPTION_KEY is not set" in result.output
    made = _cli(app, "keys", "new-encryption-key")
    Fernet(made.output.strip())  # a usable key
