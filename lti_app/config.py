"""Settings for the LTI tool, read from ``INTERVISION_*`` environment variables.

Why one module: every setting, its default and its validation live in one place, so the factory
only wires and a wrong value fails at start-up with a message that says how to fix it.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_PREFIX = "INTERVISION_"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
SQLITE_FILE = "intervision.sqlite3"

# Launch tokens: Moodle issues them for 60 s, so clocks must agree; a small leeway absorbs skew
# without stretching a token's life (research: security-and-performance.md §1, 5-30 s).
DEFAULT_LAUNCH_LEEWAY_SECONDS = 10
DEFAULT_LAUNCH_MAX_AGE_SECONDS = 300
# Keys: platforms cache the tool's key set; keep a retired key published this long after rotation.
DEFAULT_KEY_OVERLAP_HOURS = 48


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable and the fix."""


def is_loopback_host(host: str | None) -> bool:
    """True for localhost and loopback addresses: the only hosts allowed on plain http."""
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str, variable: str = f"{ENV_PREFIX}BASE_URL") -> str:
    """Return the URL without a trailing slash, or raise: https everywhere except loopback."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(
            f"{variable}={url!r} is not an absolute URL; "
            "set it to the public address of the tool, e.g. https://tool.example.org"
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"{variable}={url!r} uses plain http on a public host; LTI cookies need HTTPS. "
            "Use https:// (terminate TLS at your proxy and set INTERVISION_PROXY_FIX=1), "
            "or http://127.0.0.1 / http://localhost for local testing."
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"{variable}={url!r} must not contain a query or fragment.")
    return url.rstrip("/")


REDIS_SCHEMES = ("redis", "rediss", "unix")


def validate_redis_url(url: str | None, variable: str = f"{ENV_PREFIX}REDIS_URL") -> str | None:
    """None (use the database), or a URL redis-py accepts; wrong values fail at start-up."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES or (parts.scheme != "unix" and not parts.hostname):
        raise ConfigError(
            f"{variable} is not a Redis URL (scheme {parts.scheme or 'missing'!r}); "
            "use redis://host:6379/0, rediss://host:6380/0 (TLS) or unix:///path/redis.sock, "
            "or unset it to keep LTI state in the database."
        )
    return url


SMTP_SCHEMES = {"smtp": 25, "smtps": 465}


def validate_smtp_url(url: str | None, variable: str = f"{ENV_PREFIX}SMTP_URL") -> str | None:
    """None (no email; in-tool notices only), or ``smtp://host:port`` (STARTTLS when the
    server offers it, required with a user name) or ``smtps://user:pass@host:port`` (TLS)."""
    if not url:
        return None
    parts = urlsplit(url)
    problem = None
    if parts.scheme not in SMTP_SCHEMES:
        problem = f"the scheme is {parts.scheme or 'missing'!r}"
    elif not parts.hostname:
        problem = "it names no host"
    else:
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            problem = "its port is not a number"
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            problem = "it has a path, query or fragment"
    if problem:
        raise ConfigError(
            f"{variable} is not an SMTP URL ({problem}); use smtp://mail.example.org:25, "
            "smtp://user:password@mail.example.org:587 (STARTTLS) or "
            "smtps://user:password@mail.example.org:465 (TLS), or unset it to send no email."
        )
    return url


def validate_sender(address: str, variable: str = f"{ENV_PREFIX}SMTP_FROM") -> str:
    """The From address of emails: one plain address (no display name, no line breaks)."""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c in address for c in "\r\n<>,; "):
        raise ConfigError(
            f"{variable}={address!r} is not an email address; set it to the sender, "
            "e.g. intervision@example.org."
        )
    return address


DEFAULT_SIGNUPS_TIMEZONE = "UTC"


def validate_timezone(
    name: str | None, variable: str = f"{ENV_PREFIX}SIGNUPS_DEFAULT_TIMEZONE"
) -> str:
    """An IANA time zone name (``Europe/Amsterdam``); empty or unset is UTC. A wrong name stops
    the start, rather than every sheet quietly falling back to UTC."""
    if name is None or not str(name).strip():
        return DEFAULT_SIGNUPS_TIMEZONE
    value = str(name).strip()
    try:
        # "/" first: ZoneInfo reads files, and an absolute path is not a zone's name.
        if value.startswith("/") or len(value) > 64:
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
        raise ConfigError(
            f"{variable}={value!r} is not an IANA time zone; use a name from the tz database, "
            "e.g. Europe/Amsterdam, America/Chicago or UTC (the default when unset)."
        ) from None
    return value


MIN_SECRET_KEY_LENGTH = 32


def validate_secret_key(key: str | bytes, variable: str = f"{ENV_PREFIX}SECRET_KEY") -> None:
    """A short key signs sessions and CSRF tokens that can be forged by guessing it."""
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"{variable} is {len(key)} characters long; it must be at least "
            f"{MIN_SECRET_KEY_LENGTH}. Generate one with "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'` (the same on every "
            "app server), or unset it to have one generated into instance/secret_key."
        )


KEY_ENCRYPTION_VARIABLE = f"{ENV_PREFIX}KEY_ENCRYPTION_KEY"


def validate_key_encryption_keys(value: str | None) -> tuple[str, ...]:
    """The Fernet keys that protect the tool's private keys at rest: the first encrypts, every
    one decrypts (so the old key stays listed while ``keys rotate-encryption`` runs). The
    message never repeats a key."""
    if not value:
        return ()
    from cryptography.fernet import Fernet

    keys = tuple(part.strip() for part in str(value).split(",") if part.strip())
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ConfigError(
                f"{KEY_ENCRYPTION_VARIABLE}: key number {number} is not a Fernet key "
                "(44 characters of URL-safe base64); make one with "
                "`intervision keys new-encryption-key`. Several keys are separated by commas, "
                "the newest first."
            ) from None
    return keys


def ensure_instance_dir(instance_path: Path) -> None:
    """Create the instance folder private to the service user (it holds secrets and data)."""
    instance_path.mkdir(parents=True, exist_ok=True)
    instance_path.chmod(0o700)


def load_or_create_secret_key(instance_path: Path) -> str:
    """Read instance/secret_key, or generate one (mode 0600) so sessions survive restarts."""
    key_file = instance_path / SECRET_KEY_FILE
    if key_file.exists():
        key = key_file.read_text(encoding="utf-8").strip()
        if len(key) < 32:
            raise ConfigError(
                f"{key_file} holds a secret key shorter than 32 characters; "
                "delete the file to generate a new one (users will have to log in again)."
            )
        return key
    ensure_instance_dir(instance_path)
    key = secrets.token_urlsafe(48)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def _int_setting(environ: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = environ.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ConfigError(f"{ENV_PREFIX}{name}={raw!r} must be at least {minimum}.")
    return value


# Per client address (a lecture hall behind one NAT fits), and per learner at that address
# (issuer + login hint): lti/rate_limits.py and docs/admin/production.md say why.
DEFAULT_LTI_RATE_LIMIT = "3000 per minute"
DEFAULT_LTI_LEARNER_RATE_LIMIT = "30 per minute"


def validate_rate_limit(value: str, variable: str = "LTI_RATE_LIMIT") -> str:
    """Refuse a limit Flask-Limiter cannot read at start-up, not at the first login."""
    from limits import parse

    try:
        parse(value)
    except ValueError:
        raise ConfigError(
            f"{ENV_PREFIX}{variable}={value!r} is not a rate limit; "
            "write it like '300 per minute' or '20/second'."
        ) from None
    return value


def default_database_url(instance_path: Path) -> str:
    """SQLite in the instance folder: the embedded default for a single host."""
    return f"sqlite:///{instance_path / SQLITE_FILE}"


def settings_from_environment(
    instance_path: Path, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Build the Flask config mapping from the environment, with safe defaults for a local run."""
    env = os.environ if environ is None else environ

    def text(name: str) -> str | None:
        value = env.get(ENV_PREFIX + name, "").strip()
        return value or None

    base_url = validate_base_url(text("BASE_URL") or "http://127.0.0.1:5000")
    site_dir = text("SITE_DIR")
    return {
        "BASE_URL": base_url,
        "DATABASE_URL": text("DATABASE_URL") or default_database_url(instance_path),
        "SITE_DIR": str(Path(site_dir).resolve()) if site_dir else None,
        "REDIS_URL": text("REDIS_URL"),
        "LTI_RATE_LIMIT": validate_rate_limit(text("LTI_RATE_LIMIT") or DEFAULT_LTI_RATE_LIMIT),
        "LTI_LEARNER_RATE_LIMIT": validate_rate_limit(
            text("LTI_LEARNER_RATE_LIMIT") or DEFAULT_LTI_LEARNER_RATE_LIMIT,
            "LTI_LEARNER_RATE_LIMIT",
        ),
        # Lets several tools (or test runs) share one Redis without seeing each other's keys.
        "REDIS_KEY_PREFIX": text("REDIS_KEY_PREFIX") or "intervision:",
        "SECRET_KEY": text("SECRET_KEY"),
        # Fernet key(s), comma-separated, newest first: private keys encrypted at rest.
        "KEY_ENCRYPTION_KEY": text("KEY_ENCRYPTION_KEY"),
        # Email about sign-ups (reminders, changes); unset: in-tool notices only.
        "SMTP_URL": text("SMTP_URL"),
        "SMTP_FROM": text("SMTP_FROM"),
        # The course's zone for sign-up sheets when the launch sends no ``timezone`` parameter.
        "SIGNUPS_DEFAULT_TIMEZONE": text("SIGNUPS_DEFAULT_TIMEZONE"),
        "PROXY_FIX": _int_setting(env, "PROXY_FIX", 0),
        "LAUNCH_LEEWAY_SECONDS": _int_setting(
            env, "LAUNCH_LEEWAY_SECONDS", DEFAULT_LAUNCH_LEEWAY_SECONDS
        ),
        "LAUNCH_MAX_AGE_SECONDS": _int_setting(
            env, "LAUNCH_MAX_AGE_SECONDS", DEFAULT_LAUNCH_MAX_AGE_SECONDS, minimum=30
        ),
        "KEY_OVERLAP_HOURS": _int_setting(env, "KEY_OVERLAP_HOURS", DEFAULT_KEY_OVERLAP_HOURS),
        "TOOL_TITLE": text("TOOL_TITLE") or "Intervision",
        "TOOL_DESCRIPTION": text("TOOL_DESCRIPTION")
        or "Sign-ups for practice sessions and structured peer feedback for intervision.",
        # Dynamic registration fetches URLs given by a visitor: public hosts only, unless set.
        "REGISTRATION_ALLOW_PRIVATE": text("REGISTRATION_ALLOW_PRIVATE") in ("1", "true", "yes"),
        # Origins (comma-separated) the tool may call on a private network (lti/outbound_policy).
        "OUTBOUND_ALLOW": text("OUTBOUND_ALLOW"),
        # Off: dynamic registration needs a link from `intervision platform invite`.
        "OPEN_REGISTRATION": text("OPEN_REGISTRATION") in ("1", "true", "yes"),
        # 256 kB: id_tokens are ~3.5 kB; anything far larger is not a legitimate request.
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "TESTING": False,
    }


def finalise(config: dict[str, Any], instance_path: Path) -> None:
    """Fill derived values after overrides: validate BASE_URL, supply a persistent SECRET_KEY."""
    config["BASE_URL"] = validate_base_url(str(config["BASE_URL"]), "BASE_URL")
    config["REDIS_URL"] = validate_redis_url(config.get("REDIS_URL"), "REDIS_URL")
    # The message names the variable but never repeats the URL: it may hold a password.
    config["SMTP_URL"] = validate_smtp_url(config.get("SMTP_URL"))
    sender = config.get("SMTP_FROM") or f"intervision@{urlsplit(config['BASE_URL']).hostname}"
    config["SMTP_FROM"] = validate_sender(str(sender))
    config["SIGNUPS_DEFAULT_TIMEZONE"] = validate_timezone(config.get("SIGNUPS_DEFAULT_TIMEZONE"))
    config["KEY_ENCRYPTION_KEYS"] = validate_key_encryption_keys(config.get("KEY_ENCRYPTION_KEY"))
    if config.get("SECRET_KEY"):
        validate_secret_key(config["SECRET_KEY"])
    else:
        config["SECRET_KEY"] = load_or_create_secret_key(instance_path)
