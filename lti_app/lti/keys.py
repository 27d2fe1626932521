"""The tool's RSA keys: generation on first use, the public JWKS, and rotation with overlap.

Private keys stay in the database (readable only by the service user) and never leave the
server; the JWKS publishes public parts with ``kid`` = RFC 7638 thumbprint, which is also the kid
pylti1p3 puts in the headers of the JWTs it signs.
Rotation (research: security-and-performance.md §2): publish the new key, optionally before it
signs; keep the old one published for an overlap so platforms' cached key sets stay valid.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, current_app
from jwcrypto.jwk import JWK

from lti_app.storage import db, keys_repo
from lti_app.storage.keys_repo import KeyRecord

RSA_KEY_BITS = 2048
SIGNING_ALGORITHM = "RS256"
# How long a process keeps using the signing key it read: a rotation made by another process
# is picked up within this bound (the old key stays published for the rotation's overlap).
SIGNING_KEY_CACHE_SECONDS = 60.0
_CACHE_EXTENSION = "intervision_signing_key_cache"


@dataclass(frozen=True)
class KeyMaterial:
    kid: str
    private_pem: str
    public_jwk: dict[str, Any]


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str
    public_pem: str

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The parsed key (PyJWT accepts it), so signing does not re-parse the PEM each time."""
        return private_key_of(self.kid, self.private_pem)


@functools.lru_cache(maxsize=16)
def private_key_of(kid: str, private_pem: str) -> rsa.RSAPrivateKey:
    """Parsing an RSA PEM (with its consistency check) costs milliseconds: once per kid."""
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"tool key {kid} is not an RSA key")
    return key


def generate_key_material(bits: int = RSA_KEY_BITS) -> KeyMaterial:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return KeyMaterial(*_public_jwk_of(private_pem))


def _public_jwk_of(private_pem: str) -> tuple[str, str, dict[str, Any]]:
    jwk = JWK.from_pem(private_pem.encode("ascii"))
    kid = jwk.thumbprint()
    public: dict[str, Any] = json.loads(jwk.export_public())
    public.update(kid=kid, alg=SIGNING_ALGORITHM, use="sig")
    return kid, private_pem, public


@functools.lru_cache(maxsize=16)
def public_pem_of(private_pem: str) -> str:
    """Derive (and cache: loading an RSA key is slow) the public PEM pylti1p3 wants."""
    private_key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def _now() -> datetime:
    return datetime.now(UTC)


def ensure_signing_key(app: Flask | None = None, now: datetime | None = None) -> KeyRecord:
    """Return the key that signs now, generating the first key pair on first use."""
    moment = now or _now()
    with db.write_transaction(app) as session:
        key = keys_repo.signing_key(session, moment)
        if key is not None:
            return key
        material = generate_key_material()
        return keys_repo.add_key(
            session,
            kid=material.kid,
            private_pem=material.private_pem,
            public_jwk=material.public_jwk,
            created_at=moment,
            signing_from=moment,
        )


@dataclass
class _SigningKeyCache:
    key: SigningKey | None = None
    fresh_until: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def current_signing_key(app: Flask | None = None) -> SigningKey:
    """The key that signs now, read from the database at most once per
    ``SIGNING_KEY_CACHE_SECONDS`` and never past a scheduled start or retirement."""
    target: Flask = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cache: _SigningKeyCache = target.extensions.setdefault(_CACHE_EXTENSION, _SigningKeyCache())
    with cache.lock:
        if cache.key is not None and time.monotonic() < cache.fresh_until:
            return cache.key
        moment = _now()
        key = ensure_signing_key(target, moment)
        signing = SigningKey(key.kid, key.private_pem, public_pem_of(key.private_pem))
        with db.transaction(target) as session:
            change = keys_repo.next_change_after(session, moment)
        ttl = SIGNING_KEY_CACHE_SECONDS
        if change is not None:
            ttl = min(ttl, max(0.0, (change - moment).total_seconds()))
        cache.key, cache.fresh_until = signing, time.monotonic() + ttl
        return signing


def forget_signing_key(app: Flask | None = None) -> None:
    """After a rotation in this process: the next signature reads the key again."""
    target: Flask = app or current_app._get_current_object()  # type: ignore[attr-defined]
    target.extensions.pop(_CACHE_EXTENSION, None)


def public_jwks(app: Flask | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The JWKS document: every published public key (never a private part)."""
    ensure_signing_key(app, now)
    moment = now or _now()
    with db.transaction(app) as session:
        keys = keys_repo.published_keys(session, moment)
        return {"keys": [_public_only(key.public_jwk) for key in keys]}


_PRIVATE_RSA_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth"})


def _public_only(jwk: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in jwk.items() if name not in _PRIVATE_RSA_MEMBERS}


def rotate_keys(
    app: Flask | None = None,
    *,
    overlap: timedelta,
    publish_ahead: timedelta = timedelta(0),
    now: datetime | None = None,
) -> KeyRecord:
    """Add a key that signs from ``now + publish_ahead``; retire the others ``overlap`` later."""
    if overlap < timedelta(0) or publish_ahead < timedelta(0):
        raise ValueError("overlap and publish_ahead must not be negative")
    moment = now or _now()
    material = generate_key_material()
    with db.write_transaction(app) as session:
        new_key = keys_repo.add_key(
            session,
            kid=material.kid,
            private_pem=material.private_pem,
            public_jwk=material.public_jwk,
            created_at=moment,
            signing_from=moment + publish_ahead,
        )
        keys_repo.schedule_retirement(session, new_key, moment + publish_ahead + overlap)
    forget_signing_key(app)
    return new_key


def list_keys(app: Flask | None = None) -> list[KeyRecord]:
    with db.transaction(app) as session:
        return keys_repo.list_keys(session)
