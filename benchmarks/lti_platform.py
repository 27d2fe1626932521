"""The LMS side of the benchmarks: a platform key, a realistic id_token, a loopback JWKS.

Shared by ``lti_bench`` (in-process) and ``serve_bench`` (over HTTP) so both send the same
~3.5 KB Moodle-like launch, signed RS256 with RSA-2048.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/"
_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


@dataclass(frozen=True)
class PlatformKey:
    """The LMS side's RSA-2048 key: signs id_tokens, publishes a one-key JWKS."""

    kid: str
    private_pem: str
    private_key: Any  # loaded once: parsing an RSA PEM costs ~70 ms
    public_key: Any
    jwks: dict[str, Any]

    @classmethod
    def generate(cls, kid: str) -> PlatformKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update(kid=kid, alg="RS256", use="sig")
        return cls(kid, pem, key, key.public_key(), {"keys": [jwk]})

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})


def id_token_claims(
    issuer: str,
    client_id: str,
    deployment_id: str,
    nonce: str,
    target: str,
    subject: str = "user-1",
) -> dict[str, Any]:
    """A Moodle-like resource launch: all the claims a real LMS sends (~3.5 KB signed)."""
    now = int(time.time())
    lms = issuer.rstrip("/")
    return {
        "iss": issuer,
        "aud": client_id,
        "sub": subject,
        "iat": now,
        "exp": now + 60,
        "nonce": nonce,
        "name": "Anna Maria van der Berg-Jansen",
        "given_name": "Anna Maria",
        "family_name": "van der Berg-Jansen",
        "email": "a.m.vanderberg-jansen@uni.example.org",
        "locale": "nl",
        _CLAIM + "deployment_id": deployment_id,
        _CLAIM + "message_type": "LtiResourceLinkRequest",
        _CLAIM + "version": "1.3.0",
        _CLAIM + "target_link_uri": target,
        _CLAIM + "resource_link": {"id": "4711", "title": "Intervisie: incidentmethode"},
        _CLAIM + "roles": [
            _ROLE + "institution/person#Staff",
            _ROLE + "membership#Instructor",
            "http://purl.imsglobal.org/vocab/lis/v2/system/person#User",
        ],
        _CLAIM + "context": {
            "id": "1234",
            "label": "INTVIS-2026",
            "title": "Intervisie voor zorgprofessionals 2026",
            "type": [_ROLE + "course#CourseOffering"],
        },
        _CLAIM + "tool_platform": {
            "guid": "lms.bench.example",
            "name": "Universiteit Moodle",
            "version": "2024100700",
            "product_family_code": "moodle",
        },
        _CLAIM + "launch_presentation": {
            "locale": "nl",
            "document_target": "iframe",
            "return_url": f"{lms}/mod/lti/return.php?course=1234"
            "&launch_container=3&instanceid=4711&sesskey=x1y2z3",
        },
        _CLAIM + "custom": {"kind": "resource"},
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
            "scope": [
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
                "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
            ],
            "lineitems": f"{lms}/mod/lti/services.php/1234/lineitems?type_id=7",
            "lineitem": f"{lms}/mod/lti/services.php/1234/lineitems/99/lineitem?type_id=7",
        },
        "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
            "context_memberships_url": f"{lms}/mod/lti/services.php/CourseSection/1234/"
            "bindings/7/memberships",
            "service_versions": ["1.0", "2.0"],
        },
    }


@contextmanager
def running_jwks_server(jwks: dict[str, Any]) -> Iterator[str]:
    """The platform's key set on 127.0.0.1 (fetched once by the tool, then cached)."""
    body = json.dumps(jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks"
    finally:
        server.shutdown()
        server.server_close()
