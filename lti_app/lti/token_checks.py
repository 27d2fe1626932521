"""Claim checks pylti1p3 2.0.0 lacks (measured gaps, research/security-and-performance.md §1).

Pure functions over a decoded id_token body, so each rule is tested without a platform:
``exp`` and ``iat`` required with a small leeway and a maximum age; ``aud`` must contain our
client id and ``azp`` must name us when there are several audiences; ``target_link_uri`` must be
the one the login was started for.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from lti_app.lti import claims as c
from lti_app.lti.errors import AudienceMismatch, TargetLinkInvalid, TokenExpired, TokenInvalid


def _numeric_claim(body: Mapping[str, Any], name: str) -> float:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenInvalid(f"id_token claim {name!r} is missing or not a number")
    return float(value)


def check_times(body: Mapping[str, Any], now: float, leeway: int, max_age: int) -> None:
    """Require ``exp`` and ``iat``; allow ``leeway`` seconds of clock skew, no more."""
    expires = _numeric_claim(body, "exp")
    issued = _numeric_claim(body, "iat")
    if expires + leeway < now:
        raise TokenExpired(f"id_token expired {now - expires:.0f}s ago (leeway {leeway}s)")
    if issued - leeway > now:
        raise TokenExpired(f"id_token iat is {issued - now:.0f}s in the future (leeway {leeway}s)")
    if now - issued > max_age + leeway:
        raise TokenExpired(f"id_token issued {now - issued:.0f}s ago, over max age {max_age}s")
    if expires < issued:
        raise TokenInvalid("id_token exp is before iat")


def audiences(body: Mapping[str, Any]) -> list[str]:
    """``aud`` as a list (JWT allows a string or an array)."""
    aud = body.get("aud")
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list) and all(isinstance(item, str) for item in aud):
        return list(aud)
    raise AudienceMismatch("id_token aud is missing or malformed")


def client_id_for(body: Mapping[str, Any], known_client_ids: Collection[str]) -> str:
    """The client id this token is for: ``azp`` if present, else the single known ``aud``.

    pylti1p3 uses ``aud[0]`` only, which rejects legal tokens listing us second.
    """
    auds = audiences(body)
    azp = body.get("azp")
    if isinstance(azp, str) and azp in auds:
        return azp
    for aud in auds:
        if aud in known_client_ids:
            return aud
    return auds[0] if auds else ""


def check_audience(body: Mapping[str, Any], client_id: str) -> None:
    """SEC 1.0 §5.1.3 #3-#5: we must be an audience; several audiences need ``azp`` = us."""
    auds = audiences(body)
    if client_id not in auds:
        raise AudienceMismatch("id_token aud does not contain the registered client id")
    azp = body.get("azp")
    if len(auds) > 1 and azp is None:
        raise AudienceMismatch("id_token has several audiences but no azp")
    if azp is not None and azp != client_id:
        raise AudienceMismatch("id_token azp is not the registered client id")


def is_own_endpoint(uri: str, base_url: str) -> bool:
    """True for URLs of this tool: same scheme and host as BASE_URL, path inside its path."""
    target, base = urlsplit(uri), urlsplit(base_url)
    if (target.scheme, target.netloc) != (base.scheme, base.netloc) or target.fragment:
        return False
    prefix = base.path.rstrip("/") + "/"
    return (target.path or "/").startswith(prefix) and ".." not in target.path


def check_target_link_uri(
    body: Mapping[str, Any], expected: str, is_allowed: Callable[[str], bool]
) -> None:
    """Core §5.3.4: the claim must equal the login's target_link_uri, which must be ours."""
    claim = body.get(c.TARGET_LINK_URI)
    if not isinstance(claim, str) or not claim:
        raise TargetLinkInvalid("id_token has no target_link_uri claim")
    if claim != expected:
        raise TargetLinkInvalid("target_link_uri differs from the one given at login")
    if not is_allowed(claim):
        raise TargetLinkInvalid("target_link_uri is not an endpoint of this tool")


def _has_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "strings":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind == "audience":
        return _has_type(value, "string") or _has_type(value, "strings")
    raise ValueError(f"unknown claim type {kind!r}")


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    names: dict[type, str] = {str: "string", dict: "object", list: "array"}
    return names.get(type(value), type(value).__name__)


def check_claim_types(body: dict[str, Any]) -> None:
    """Refuse claims of the wrong JSON type (``claims.CLAIM_TYPES``, ``MEMBER_TYPES``) before
    anything reads them; drops top-level ``null`` claims first (null = absent), in place.

    The detail names the claim and both types, never the value."""
    for name in [key for key, value in body.items() if value is None]:
        del body[name]
    for name, kind in c.CLAIM_TYPES.items():
        value = body.get(name)
        if value is not None and not _has_type(value, kind):
            raise TokenInvalid(f"claim {name} must be {kind}, got {_json_type(value)}")
    for (claim, member), kind in c.MEMBER_TYPES.items():
        parent = body.get(claim)
        value = parent.get(member) if isinstance(parent, dict) else None
        if value is not None and not _has_type(value, kind):
            raise TokenInvalid(f"claim {claim}.{member} must be {kind}, got {_json_type(value)}")
