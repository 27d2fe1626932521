"""The demo LMS's own RSA key: made once, kept in the instance folder, so restarts keep its kid.

Separate from the tool's keys on purpose: a platform and a tool never share a key, and the tool
must fetch this key set over HTTP just as it would from Moodle.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

RSA_KEY_BITS = 2048


@dataclass(frozen=True)
class PlatformKey:
    private_pem: str
    public_pem: str


def _public_pem(private_pem: str) -> str:
    private_key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_or_create_platform_key(key_file: Path) -> PlatformKey:
    """Read the PEM, or generate a 2048-bit key into a new file readable only by its owner."""
    if key_file.exists():
        private_pem = key_file.read_text(encoding="ascii")
        return PlatformKey(private_pem, _public_pem(private_pem))
    key_file.parent.mkdir(parents=True, exist_ok=True)
    private_pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode("ascii")
    )
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(private_pem)
    return PlatformKey(private_pem, _public_pem(private_pem))
