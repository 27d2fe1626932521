"""The tool's private keys encrypted at rest with Fernet (``INTERVISION_KEY_ENCRYPTION_KEY``).

Why: a copy of the database (a backup, a replica, a dump handed to support) would otherwise
hold the keys that sign the tool's deep-link answers and service tokens. With the setting on,
a stored key is ``fernet:<token>``; the key that opens it lives only in the environment. Several
keys, comma-separated, form a MultiFernet: the first encrypts, every one decrypts, so the
encryption key can be rotated (``intervision keys rotate-encryption``) without downtime.
Keys stored before the setting was turned on stay readable until ``intervision keys encrypt``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from lti_app.config import KEY_ENCRYPTION_VARIABLE, ConfigError
from lti_app.domain.errors import IntervisionError

SEALED_PREFIX = "fernet:"


class KeyEncryptionError(IntervisionError, ConfigError):
    """A stored key cannot be opened with the configured keys. At start it stops ``serve``
    with this message; inside a request it is a 503 page, never a 500."""

    status = 503
    title = "The tool is not set up correctly"
    message = (
        "The tool cannot read its own signing key. Its administrator has been told; please "
        "try again later."
    )

    def __str__(self) -> str:
        return self.detail


def _cipher(keys: Sequence[str]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def new_encryption_key() -> str:
    return Fernet.generate_key().decode("ascii")


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def seal(private_pem: str, keys: Sequence[str]) -> str:
    """What to store: the PEM encrypted with the first key, or the PEM itself without keys."""
    if not keys:
        return private_pem
    return SEALED_PREFIX + _cipher(keys).encrypt(private_pem.encode("ascii")).decode("ascii")


def unseal(stored: str, keys: Sequence[str], kid: str) -> str:
    """The PEM of a stored key; a clear error naming the variable when it cannot be opened."""
    if not is_sealed(stored):
        return stored
    if not keys:
        raise KeyEncryptionError(
            f"The tool's private key {kid} is stored encrypted, but {KEY_ENCRYPTION_VARIABLE} "
            "is not set. Set it to the key it was encrypted with (every app server and the "
            "worker need the same value)."
        )
    try:
        return _cipher(keys).decrypt(stored[len(SEALED_PREFIX) :].encode("ascii")).decode("ascii")
    except InvalidToken:
        raise KeyEncryptionError(
            f"None of the keys in {KEY_ENCRYPTION_VARIABLE} opens the tool's private key {kid}: "
            "the variable holds a different key than the one the key was encrypted with. Put "
            "the old key back (after the new one, separated by a comma) and run `intervision "
            "keys rotate-encryption`."
        ) from None


def reseal(stored: str, keys: Sequence[str], kid: str) -> str:
    """Encrypted with the first key (MultiFernet.rotate), whichever listed key opened it."""
    if not keys:
        raise KeyEncryptionError(
            f"{KEY_ENCRYPTION_VARIABLE} is not set; set it to the new key (first) and the old "
            "one (after a comma), then run this again."
        )
    if not is_sealed(stored):
        return seal(stored, keys)
    unseal(stored, keys, kid)  # the clear error when no listed key opens it
    token = stored[len(SEALED_PREFIX) :].encode("ascii")
    return SEALED_PREFIX + _cipher(keys).rotate(token).decode("ascii")
