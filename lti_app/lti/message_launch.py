"""pylti1p3's message launch, hardened where it was measured to be weak.

pylti1p3 keeps: JWT format, issuer registration lookup, deployment lookup, the message-type
validators (resource link, deep linking, submission review, data privacy). We replace: state
(server-side, bound to a per-browser secret), nonce (single use across all browsers), audience
(``aud`` contains us, ``azp`` when several), signature (our key cache with timeout and kid
refetch; ``exp``/``iat`` required with leeway and a max age) and ``target_link_uri``.
Every failure is a :class:`LaunchError` subclass, so the view answers 4xx, never 500.
:meth:`validate_launch` checks; it writes nothing. The single-use state and nonce are consumed,
together with the launch's rows, in one write transaction (``launch_rows.complete_launch``).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from pylti1p3.contrib.flask.message_launch import FlaskMessageLaunch
from pylti1p3.contrib.flask.request import FlaskRequest
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration

from lti_app.lti import claims as c
from lti_app.lti import state_store
from lti_app.lti.deep_linking import check_return_url
from lti_app.lti.errors import (
    LaunchError,
    ReplayedLaunch,
    StateInvalid,
    TokenExpired,
    TokenInvalid,
    UnknownDeployment,
    UnknownPlatform,
)
from lti_app.lti.outbound_policy import registration_hosts
from lti_app.lti.platform_keys import ALLOWED_ALGORITHMS, PlatformKeyCache
from lti_app.lti.token_checks import (
    check_audience,
    check_claim_types,
    check_target_link_uri,
    check_times,
    client_id_for,
)
from lti_app.lti.tool_config import DatabaseToolConf
from lti_app.storage.platform_cache import PlatformRecord

STATE_COOKIE_PREFIX = "lti1p3-"


@dataclass(frozen=True)
class LaunchPolicy:
    """Tunable limits (from config) and the tool's own URL check."""

    leeway: int
    max_age: int
    is_own_endpoint: Callable[[str], bool]

    @property
    def nonce_lifetime(self) -> timedelta:
        # Longer than any token we accept can live, so a nonce cannot be reused after purge.
        return timedelta(seconds=self.max_age + 2 * self.leeway + 60)


@dataclass(frozen=True)
class ValidatedLaunch:
    """Every check passed; still to do: consume ``login`` (state + nonce) exactly once."""

    body: Mapping[str, Any]
    client_id: str
    launch_id: str
    login: state_store.LoginState
    platform: PlatformRecord
    nonce_lifetime: timedelta


class HardenedMessageLaunch(FlaskMessageLaunch):  # type: ignore[misc]
    """Use :meth:`validate_launch`; it returns the body only if every check passed."""

    def __init__(
        self,
        request: FlaskRequest,
        tool_config: DatabaseToolConf,
        *,
        key_cache: PlatformKeyCache,
        policy: LaunchPolicy,
        now: Callable[[], float] = time.time,
    ) -> None:
        # Share the key cache's HTTP session: pylti1p3 would build one per launch, unused here.
        super().__init__(  # type: ignore[no-untyped-call]
            request, tool_config, requests_session=key_cache.session
        )
        self._database_conf = tool_config
        self._platform: PlatformRecord | None = None
        self._key_cache = key_cache
        self._policy = policy
        self._now = now
        self._login: state_store.LoginState | None = None

    def validate_launch(self) -> ValidatedLaunch:
        if self._restored:
            raise TokenInvalid("a restored launch cannot be validated again")
        self._validated = True  # pylti1p3 getters re-enter validate() unless this is set
        try:
            login = self._check_state()
            self._run_pylti(self.validate_jwt_format)
            check_claim_types(self._body)  # every later step may rely on the JSON types
            self._check_nonce(login)
            self.validate_registration()
            self.validate_jwt_signature()
            self._run_pylti(self.validate_deployment, UnknownDeployment)
            self._check_deployment_hint(login)
            self._run_pylti(self.validate_message)
            check_target_link_uri(self._body, login.target_link_uri, self._policy.is_own_endpoint)
            assert self._platform is not None
            check_return_url(self._body, registration_hosts(self._platform))
        except BaseException:
            self._validated = False
            raise
        assert self._registration is not None and self._platform is not None
        return ValidatedLaunch(
            body=self._body,
            client_id=str(self._registration.get_client_id()),
            launch_id=self.get_launch_id(),
            login=login,
            platform=self._platform,
            nonce_lifetime=self._policy.nonce_lifetime,
        )

    def validate(self) -> FlaskMessageLaunch:
        """pylti1p3's entry point is closed: its order consumes nothing and trusts too much."""
        raise TokenInvalid("use validate_launch()")

    @property
    def _body(self) -> dict[str, Any]:
        body: Any = self._jwt.get("body")
        if not isinstance(body, dict):
            raise TokenInvalid("id_token body is not a JSON object")
        return body

    @staticmethod
    def _run_pylti(step: Callable[[], Any], error: type[LaunchError] = TokenInvalid) -> None:
        try:
            step()
        except LaunchError:
            raise
        except LtiException as problem:
            raise error(f"pylti1p3: {problem}") from None
        except (TypeError, AttributeError, KeyError, ValueError) as problem:
            # A shape pylti1p3 did not expect: the token's fault, not ours (never a 500).
            raise error(f"pylti1p3 could not read the token: {type(problem).__name__}") from None

    def _check_state(self) -> state_store.LoginState:
        state = self._get_request_param("state")  # type: ignore[no-untyped-call]
        if not state or len(state) > 255:
            raise StateInvalid("launch has no state parameter")
        secret = self._request.get_cookie(STATE_COOKIE_PREFIX + state)
        login = state_store.load_login_state(state)
        if login is None:
            if self._nonce_of_used_token():
                raise ReplayedLaunch("state already consumed and the token's nonce was used")
            raise StateInvalid("state unknown, expired or already used")
        if not secret or not hmac.compare_digest(
            state_store.browser_hash(secret), login.browser_hash
        ):
            raise StateInvalid("state cookie missing or not this browser's")
        self._login = login
        return login

    def _nonce_of_used_token(self) -> bool:
        """Only picks the error message: was this (unverified) token's nonce already used?"""
        try:
            body = jwt.decode(self._get_id_token(), options={"verify_signature": False})
        except (jwt.InvalidTokenError, LtiException):
            return False
        iss, nonce = body.get("iss"), body.get("nonce")
        if not isinstance(iss, str) or not isinstance(nonce, str):
            return False
        return state_store.nonce_was_used(iss, nonce)

    def _check_nonce(self, login: state_store.LoginState) -> None:
        nonce = self._body.get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise TokenInvalid("id_token has no nonce")
        if not hmac.compare_digest(nonce, login.nonce):
            if state_store.nonce_was_used(str(self._body.get("iss", "")), nonce):
                raise ReplayedLaunch("id_token nonce was already used")
            raise TokenInvalid("id_token nonce is not the one issued at login")

    def _check_deployment_hint(self, login: state_store.LoginState) -> None:
        """Core §4.1: a login's lti_deployment_id must be the token's deployment_id."""
        deployment = self._body.get(c.DEPLOYMENT_ID)
        if login.deployment_hint and deployment != login.deployment_hint:
            raise TokenInvalid("deployment_id differs from the login's lti_deployment_id")

    def validate_registration(self) -> HardenedMessageLaunch:
        assert self._login is not None
        iss = self._body.get("iss")
        if not isinstance(iss, str) or iss != self._login.issuer:
            raise TokenInvalid("id_token iss differs from the issuer that started the login")
        from_token = client_id_for(self._body, ())  # also refuses a malformed aud, first
        client_id = self._login.client_id or from_token
        platform = self._database_conf.find_platform(iss, client_id)
        if platform is None or not platform.client_id:
            raise UnknownPlatform("no registration for this issuer and client id")
        registration = self._database_conf.lti_registration(platform)
        self._platform = platform
        self._registration = registration
        check_audience(self._body, str(registration.get_client_id()))
        return self

    def get_client_id(self) -> str:
        """pylti1p3 reads aud[0]; we answer with the registration the audience check accepted."""
        if self._registration is not None and self._registration.get_client_id():
            return str(self._registration.get_client_id())
        return super().get_client_id()  # type: ignore[no-any-return]

    def validate_jwt_signature(self) -> HardenedMessageLaunch:
        registration: Registration | None = self._registration
        assert registration is not None
        header = self._jwt.get("header") or {}
        alg = header.get("alg")
        key = self._signing_key(registration, header.get("kid"), alg)
        try:
            jwt.decode(
                self._get_id_token(),
                key,
                algorithms=[str(alg)],
                options={"require": ["exp", "iat"], "verify_aud": False},
                leeway=self._policy.leeway,
            )
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as problem:
            raise TokenExpired(f"id_token time check failed: {problem}") from None
        except jwt.InvalidTokenError as problem:
            raise TokenInvalid(f"id_token rejected: {problem}") from None
        check_times(self._body, self._now(), self._policy.leeway, self._policy.max_age)
        return self

    def _signing_key(self, registration: Registration, kid: Any, alg: Any) -> Any:
        inline = registration.get_key_set()
        url = registration.get_key_set_url()
        if inline or not url:
            if alg not in ALLOWED_ALGORITHMS:
                raise TokenInvalid(f"id_token alg {alg!r} is not allowed")
            inline_keys: list[dict[str, Any]] = list(inline["keys"]) if inline else []  # type: ignore[arg-type]
            for candidate in inline_keys:
                if candidate.get("kid") == kid and isinstance(alg, str):
                    return jwt.PyJWK(dict(candidate), algorithm=alg)
            raise TokenInvalid("id_token kid is not in the registered key set")
        assert self._platform is not None
        return self._key_cache.signing_key(
            url,
            kid if isinstance(kid, str) else None,
            alg if isinstance(alg, str) else None,
            hosts=registration_hosts(self._platform),
        )
