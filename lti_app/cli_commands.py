"""Operator commands: serve, db upgrade, platform add/list/remove, keys rotate/list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import NoAppException, with_appcontext

from lti_app.config import KEY_ENCRYPTION_VARIABLE, ConfigError, is_loopback_host
from lti_app.lti import keys
from lti_app.lti.key_encryption import KeyEncryptionError, is_sealed
from lti_app.storage import db, migrate, registrations_repo


def create_app_or_explain() -> Flask:
    """The app for ``intervision`` commands; a wrong setting is one line saying what to fix,
    not a traceback (Flask's CLI shows a ``NoAppException`` as ``Error: <message>``)."""
    from lti_app import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise NoAppException(str(error)) from None


def apply_migrations(app: Flask | None = None) -> None:
    """Every start needs it (``serve``, ``db upgrade``, ``demo``): the schema and a signing key."""
    migrate.upgrade(db.get_engine(app))
    try:
        keys.ensure_signing_key(app)
    except KeyEncryptionError as error:
        raise click.ClickException(str(error)) from None
    require_readable_keys(app)


def require_readable_keys(app: Flask | None = None) -> None:
    """Every published private key opens with INTERVISION_KEY_ENCRYPTION_KEY (``serve``,
    ``worker``): a wrong or missing key stops the start with the message, not a launch."""
    try:
        plain = keys.check_keys_readable(app)
    except KeyEncryptionError as error:
        raise click.ClickException(str(error)) from None
    config = (app or current_app).config
    if plain and config.get("KEY_ENCRYPTION_KEYS"):
        click.echo(
            f"Note: {plain} private key(s) are stored unencrypted although "
            f"{KEY_ENCRYPTION_VARIABLE} is set; run `intervision keys encrypt`.",
            err=True,
        )


@click.group("db", help="Database schema commands.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Apply all migrations (safe to repeat).")
@with_appcontext
def db_upgrade() -> None:
    apply_migrations()
    revision = migrate.current_revision(db.get_engine())
    click.echo(f"Database at revision {revision}.")


@click.command("serve", help="Run the production server (gunicorn, threaded workers).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(  # at most the connections a process keeps: each thread keeps its own
    "--threads", default=8, show_default=True, type=click.IntRange(1, db.CONNECTIONS_KEPT)
)
@with_appcontext
def serve(host: str, port: int, workers: int, threads: int) -> None:
    from lti_app.wsgi_server import run_gunicorn

    base_host = urlsplit(current_app.config["BASE_URL"]).hostname
    if not is_loopback_host(host) and is_loopback_host(base_host):
        click.echo(
            "Warning: listening publicly while INTERVISION_BASE_URL is a loopback address; "
            "set INTERVISION_BASE_URL to the public https address.",
            err=True,
        )
    apply_migrations()
    run_gunicorn(current_app._get_current_object(), host, port, workers, threads)  # type: ignore[attr-defined]


@click.group("platform", help="Platforms (LMS registrations) allowed to launch the tool.")
def platform_group() -> None:
    pass


def _https_url(_ctx: Any, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname:
        return value
    if parts.scheme == "http" and is_loopback_host(parts.hostname):
        return value
    raise click.BadParameter(f"{value!r} must be an https URL (http only for localhost).")


@platform_group.command("add")
@click.option("--issuer", required=True, help="Platform ID (iss), e.g. https://moodle.example.org")
@click.option("--client-id", required=True)
@click.option("--auth-login-url", required=True, callback=_https_url)
@click.option("--auth-token-url", required=True, callback=_https_url)
@click.option("--jwks-url", required=True, callback=_https_url)
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True)
@click.option("--audience", default=None, help="Token audience, if not the token URL.")
@click.option(
    "--frame-origin",
    "frame_origins",
    multiple=True,
    help="Origin allowed to frame the tool (default: the login URL's origin).",
)
@with_appcontext
def platform_add(
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    jwks_url: str,
    deployment_ids: tuple[str, ...],
    audience: str | None,
    frame_origins: tuple[str, ...],
) -> None:
    """Register a platform from the values its admin page shows."""
    for origin in frame_origins:
        _https_url(None, click.Option(["--frame-origin"]), origin)
    login = urlsplit(auth_login_url)
    origins = list(frame_origins) or [f"{login.scheme}://{login.netloc}"]
    try:
        registration = registrations_repo.PlatformRegistration(
            issuer=issuer,
            client_id=client_id,
            auth_login_url=auth_login_url,
            auth_token_url=auth_token_url,
            jwks_url=jwks_url,
            deployment_ids=deployment_ids,
            auth_audience=audience,
            frame_origins=tuple(origins),
        )
        with db.write_transaction() as session:
            record = registrations_repo.upsert_registration(
                session, registration, when_known="refuse"
            )
        deployments = ", ".join(record.deployment_ids)
    except registrations_repo.RegistrationExists:
        raise click.ClickException(
            f"issuer {issuer} with client id {client_id} is already registered; use "
            "`intervision platform add-deployment` to add a deployment, or remove it first."
        ) from None
    click.echo(f"Added {issuer} (client {client_id}) with deployment(s) {deployments}.")


def _lifetime(_ctx: Any, _param: click.Parameter, value: str) -> timedelta:
    from lti_app.lti.registration_invites import parse_lifetime

    try:
        return parse_lifetime(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@platform_group.command("invite")
@click.option(
    "--issuer",
    default=None,
    callback=_https_url,
    help="Only this platform (its full issuer URL) may register with the link; needed to "
    "register an issuer the tool already knows under another client id.",
)
@click.option(
    "--expires",
    "lifetime",
    default="7d",
    show_default=True,
    callback=_lifetime,
    help="How long the link works: 30m, 12h, 7d (at most 90d).",
)
@with_appcontext
def platform_invite(issuer: str | None, lifetime: timedelta) -> None:
    """Print a single-use dynamic registration link for an LMS administrator."""
    from lti_app.lti import registration_invites

    try:
        issued = registration_invites.issue_invite(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            issuer=issuer,
            lifetime=lifetime,
            now=datetime.now(UTC),
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--issuer") from None
    click.echo(issued.url)
    scope = f"for {issuer} only" if issuer else "for any platform"
    click.echo(
        f"Registers one platform once, {scope}; expires {issued.record.expires_at:%Y-%m-%d %H:%M}"
        " UTC. Enter it in the LMS as the tool's dynamic registration URL.",
        err=True,
    )


@platform_group.command("invites")
@with_appcontext
def platform_invites() -> None:
    """List the registration links issued, and what became of them (the links themselves are
    not stored and cannot be shown again)."""
    from lti_app.lti import registration_invites

    now = datetime.now(UTC)
    found = registration_invites.list_invites()
    if not found:
        click.echo("No registration links issued. Make one with `intervision platform invite`.")
    for invite in found:
        if invite.used_client_id:
            status = f"used by {invite.used_issuer} (client {invite.used_client_id})"
        elif invite.used_at:
            status = "in use (a registration is under way)"
        elif invite.is_expired(now):
            status = "expired"
        else:
            status = "open"
        click.echo(
            f"#{invite.id}\tissued {invite.created_at:%Y-%m-%d %H:%M}\t"
            f"expires {invite.expires_at:%Y-%m-%d %H:%M}\t"
            f"for {invite.issuer or 'any platform'}\t{status}"
        )


@platform_group.command("add-deployment")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True)
@with_appcontext
def platform_add_deployment(issuer: str, client_id: str, deployment_ids: tuple[str, ...]) -> None:
    with db.write_transaction() as session:
        added = registrations_repo.add_deployments_to(session, issuer, client_id, deployment_ids)
    if added is None:
        raise click.ClickException(f"no platform {issuer} with client id {client_id}.")
    click.echo(f"Added deployment(s): {', '.join(added) or 'none (all known)'}.")


@platform_group.command("list")
@with_appcontext
def platform_list() -> None:
    with db.transaction() as session:
        registrations = registrations_repo.list_registrations(session)
        if not registrations:
            click.echo("No platforms registered. Add one with `intervision platform add`.")
        for reg in registrations:
            click.echo(
                f"{reg.issuer}\tclient={reg.client_id}\t"
                f"deployments={','.join(reg.deployment_ids)}\tlogin={reg.auth_login_url}"
            )


@platform_group.command("remove")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@with_appcontext
def platform_remove(issuer: str, client_id: str) -> None:
    with db.write_transaction() as session:
        removed = registrations_repo.remove_registration(session, issuer, client_id)
    if not removed:
        raise click.ClickException(f"no platform {issuer} with client id {client_id}.")
    click.echo(f"Removed {issuer} (client {client_id}); its launches are refused from now on.")


@click.group("keys", help="The tool's signing keys (published at /.well-known/jwks.json).")
def keys_group() -> None:
    pass


@keys_group.command("rotate")
@click.option(
    "--overlap-hours",
    type=click.IntRange(0),
    default=None,
    help="Keep the old key published this long (default INTERVISION_KEY_OVERLAP_HOURS).",
)
@click.option(
    "--publish-ahead-hours",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Publish the new key this long before it starts signing.",
)
@with_appcontext
def keys_rotate(overlap_hours: int | None, publish_ahead_hours: int) -> None:
    overlap = current_app.config["KEY_OVERLAP_HOURS"] if overlap_hours is None else overlap_hours
    try:
        keys.ensure_signing_key()
        new_key = keys.rotate_keys(
            overlap=timedelta(hours=overlap), publish_ahead=timedelta(hours=publish_ahead_hours)
        )
    except KeyEncryptionError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"New key {new_key.kid} signs from {new_key.signing_from:%Y-%m-%d %H:%M} UTC; "
        f"older keys stay published for {overlap} more hour(s) after that."
    )


@keys_group.command("list")
@with_appcontext
def keys_list() -> None:
    now = datetime.now(UTC)
    for key in keys.list_keys():
        if not key.is_published(now):
            status = "retired"
        elif key.can_sign(now):
            status = "published"
        else:
            status = "published, not yet signing"
        retire = f"\tretires {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else ""
        stored = "encrypted" if is_sealed(key.private_pem) else "not encrypted"
        click.echo(
            f"{key.kid}\t{status}\tsigning from {key.signing_from:%Y-%m-%d %H:%M}{retire}\t{stored}"
        )


def _rewrite_keys(action: Callable[[], int], done: str) -> None:
    try:
        changed = action()
    except KeyEncryptionError as error:
        raise click.ClickException(str(error)) from None
    keys.forget_signing_key()
    click.echo(done.format(changed=changed))


def _require_encryption_key() -> None:
    if not current_app.config.get("KEY_ENCRYPTION_KEYS"):
        raise click.ClickException(
            f"{KEY_ENCRYPTION_VARIABLE} is not set; make a key with `intervision keys "
            "new-encryption-key`, set the variable on every app server and the worker, then "
            "run this again."
        )


@keys_group.command("encrypt")
@with_appcontext
def keys_encrypt() -> None:
    """Encrypt the private keys still stored in plain text (INTERVISION_KEY_ENCRYPTION_KEY)."""
    _require_encryption_key()
    _rewrite_keys(
        keys.encrypt_stored_keys, "Encrypted {changed} key(s); the others were encrypted already."
    )


@keys_group.command("rotate-encryption")
@with_appcontext
def keys_rotate_encryption() -> None:
    """Re-encrypt every private key with the first key of INTERVISION_KEY_ENCRYPTION_KEY
    (list the new key first and the old one after a comma; drop the old one afterwards)."""
    _require_encryption_key()
    _rewrite_keys(
        lambda: keys.encrypt_stored_keys(rotate=True),
        "Re-encrypted {changed} key(s) with the first key of "
        f"{KEY_ENCRYPTION_VARIABLE}; the other keys listed there can now be removed.",
    )


@keys_group.command("decrypt")
@with_appcontext
def keys_decrypt() -> None:
    """Store the private keys in plain text again (before unsetting the encryption key)."""
    _rewrite_keys(
        keys.decrypt_stored_keys,
        f"Decrypted {{changed}} key(s); {KEY_ENCRYPTION_VARIABLE} can now be unset.",
    )


@keys_group.command("new-encryption-key")
def keys_new_encryption_key() -> None:
    """Print a new random key for INTERVISION_KEY_ENCRYPTION_KEY (nothing is stored)."""
    from lti_app.lti.key_encryption import new_encryption_key

    click.echo(new_encryption_key())
