"""The tool's RSA keys: generation on first use, the public JWKS, and rotation with overlap.

Private keys stay in the database (readable only by the service user; encrypted there when
``INTERVISION_KEY_ENCRYPTION_KEY`` is set, see ``key_encryption.py``) and never leave the
server; the JWKS publishes public parts with ``kid`` = RFC 7638 thumbprint, which is also the kid
pylti1p3 puts in the headers of the JWTs it signs.
Rotation (research: security-and-performance.md §2): publish the new key, optionally before it
signs; keep the old one published for an overlap so platforms' cached key sets stay valid.
"""

from __future__ import annotations

import dataclasses
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

from lti_app.lti import key_encryption
from lti_app.storage import db, keys_repo
from lti_app.storage.keys_repo import DbSession, KeyRecord

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


def _app(app: Flask | None) -> Flask:
    return app or current_app._get_current_object()  # type: ignore[attr-defined]


def _encryption_keys(app: Flask | None) -> tuple[str, ...]:
    return tuple(_app(app).config.get("KEY_ENCRYPTION_KEYS") or ())


def _readable(key: KeyRecord, app: Flask | None) -> KeyRecord:
    """The record with its PEM decrypted (what callers outside this module get)."""
    pem = key_encryption.unseal(key.private_pem, _encryption_keys(app), key.kid)
    return dataclasses.replace(key, private_pem=pem)


def _store_key(
    session: DbSession,
    app: Flask | None,
    material: KeyMaterial,
    created_at: datetime,
    *,
    signing_from: datetime,
) -> KeyRecord:
    """Store a new key pair, its private half sealed with the instance's encryption keys (if
    any): the one way a key enters storage, so no path can store it in the clear by mistake."""
    return keys_repo.add_key(
        session,
        kid=material.kid,
        private_pem=key_encryption.seal(material.private_pem, _encryption_keys(app)),
        public_jwk=material.public_jwk,
        created_at=created_at,
        signing_from=signing_from,
    )


def ensure_signing_key(app: Flask | None = None, now: datetime | None = None) -> KeyRecord:
    """Return the key that signs now, generating the first key pair on first use."""
    moment = now or _now()
    with db.write_transaction(app) as session:
        key = keys_repo.signing_key(session, moment)
        if key is None:
            key = _store_key(session, app, generate_key_material(), moment, signing_from=moment)
    return _readable(key, app)


def check_keys_readable(app: Flask | None = None) -> int:
    """At start (``serve``, ``db upgrade``, ``demo``): every key still published opens with the
    configured encryption keys, so a wrong or missing key stops the start, not a launch.
    Returns how many keys are stored unencrypted."""
    now = _now()
    with db.transaction(app) as session:
        stored = keys_repo.published_keys(session, now)
    for key in stored:
        _readable(key, app)
    return sum(1 for key in stored if not key_encryption.is_sealed(key.private_pem))


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
        key = ensure_signing_key(target, moment)  # decrypted
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
        new_key = _store_key(session, app, material, moment, signing_from=moment + publish_ahead)
        keys_repo.schedule_retirement(session, new_key, moment + publish_ahead + overlap)
    forget_signing_key(app)
    return dataclasses.replace(new_key, private_pem=material.private_pem)


def list_keys(app: Flask | None = None) -> list[KeyRecord]:
    """Every key as stored (``key_encryption.is_sealed(key.private_pem)`` tells which are
    encrypted); nothing is decrypted."""
    with db.transaction(app) as session:
        return keys_repo.list_keys(session)


def encrypt_stored_keys(app: Flask | None = None, *, rotate: bool = False) -> int:
    """Encrypt every key stored in plain text with the first encryption key; with ``rotate``
    also re-encrypt the encrypted ones with it (after the new key was put first). All or
    nothing: one transaction. Returns how many keys were rewritten."""
    keys = _encryption_keys(app)
    changed = 0
    with db.write_transaction(app) as session:
        for key in keys_repo.list_keys(session):
            sealed = key_encryption.is_sealed(key.private_pem)
            if sealed and not rotate:
                key_encryption.unseal(key.private_pem, keys, key.kid)  # still opens?
                continue
            stored = key_encryption.reseal(key.private_pem, keys, key.kid)
            keys_repo.store_private_pem(session, key.id, stored)
            changed += 1
    return changed


def decrypt_stored_keys(app: Flask | None = None) -> int:
    """Store every key in plain text again (before turning encryption off)."""
    keys = _encryption_keys(app)
    changed = 0
    with db.write_transaction(app) as session:
        for key in keys_repo.list_keys(session):
            if key_encryption.is_sealed(key.private_pem):
                pem = key_encryption.unseal(key.private_pem, keys, key.kid)
                keys_repo.store_private_pem(session, key.id, pem)
                changed += 1
    return changed
