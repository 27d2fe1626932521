"""Rate limits on the LTI entry points, sized for a lecture behind one campus NAT.

Every login and launch writes state, so a flood is refused with a friendly 429 page (and
``Retry-After``) before it reaches the database. What the limits key on, and why:

- **per client address** (``INTERVISION_LTI_RATE_LIMIT``, default 3000 a minute, login and
  launch counted apart): the ceiling for one network. A whole lecture shares one address, so
  this is sized for 1000 learners opening the activity within a minute with room for retries
  and second tabs; a login counts only when it wrote a state or was refused (the cookie-check
  page writes nothing and is not counted).
- **per learner at that address** (``INTERVISION_LTI_LEARNER_RATE_LIMIT``, default 30 a
  minute): the login's address, issuer and ``login_hint``. One browser stuck in a reload loop,
  or a script replaying one learner, is slowed without touching the classmates behind the same
  NAT; the address is part of the key so nobody elsewhere can lock a learner out by sending
  their (often guessable) login hint.
- launches need no learner key: each accepted launch consumes a single-use state that only a
  counted login hands out, so the login limits bound them; the address ceiling bounds the rest.

Counters are kept by the ``limits`` library (the one Flask-Limiter is built on), used directly:
Flask-Limiter's per-request machinery (hooks on every request of the app, not only the limited
ones) cost ~0.9 ms per login + launch (``benchmarks.lti_bench``); a direct check costs
microseconds. The counters live in Redis when ``INTERVISION_REDIS_URL`` is
set (shared by every app server), otherwise in this process's memory (``rate_counters``; per
worker: the effective limits are workers × limit). A window is fixed: it starts at a key's
first counted request (cheap in memory and in Redis: "3000 within that minute"). A
Redis that does not answer never blocks a login (the state store answers its own 503 page).
Features that limit per person (``web/exercises/limits.py``) use the same counters through
``limit_views``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

from flask import Flask, Response, g, make_response, request
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from lti_app.config import DEFAULT_LTI_LEARNER_RATE_LIMIT, DEFAULT_LTI_RATE_LIMIT
from lti_app.i18n.marking import N_
from lti_app.lti.rate_counters import LazyMemoryStorage

log = logging.getLogger(__name__)

ENTRY_LIMITS_KEY = "intervision_lti_entry_limits"
DEFAULT_LIMIT = DEFAULT_LTI_RATE_LIMIT
DEFAULT_LEARNER_LIMIT = DEFAULT_LTI_LEARNER_RATE_LIMIT
LIMITED_ENDPOINTS = ("lti.login", "lti.launch")
REDIS_TIMEOUT_SECONDS = 2.0
MESSAGE = N_(
    "Too many sign-ins came from your network in a short time. Please wait a minute, then "
    "open the activity again from your course."
)
LEARNER_MESSAGE = N_(
    "This activity was opened very often from your browser in a short time. Please wait a "
    "minute, then open it again from your course."
)
_RETRY_AFTER = "intervision_retry_after"


@dataclass(frozen=True)
class Rule:
    """One limit: what it counts (``key``; None = not this request) and when (``counts``)."""

    scope: str
    limit: Callable[[], RateLimitItem]  # read per request: a setting may change at run time
    key: Callable[[], str | None]
    counts: Callable[[int], bool]
    message: str

    @property
    def item(self) -> RateLimitItem:
        return self.limit()


@lru_cache(maxsize=64)
def parsed(limit: str) -> RateLimitItem:
    """``"30 per minute"`` as a limit item (parsed once per distinct text)."""
    return parse(limit)


def _fixed(limit: str) -> Callable[[], RateLimitItem]:
    item = parsed(limit)
    return lambda: item


def _address() -> str | None:
    return request.remote_addr or "unknown"


def _learner() -> str | None:
    """Address + issuer + login hint, hashed (each part may be 2 kB); None without them."""
    source = request.form if request.method == "POST" else request.args
    issuer, hint = source.get("iss"), source.get("login_hint")
    if not issuer or not hint:
        return None
    return hashlib.sha256(f"{_address()}\0{issuer}\0{hint}".encode()).hexdigest()


# Set on ``g`` by a login that stored a state yet answers 200 (the Platform Storage page).
WROTE_STATE = "lti_login_wrote_state"


def _wrote_or_refused(status: int) -> bool:
    # 302 stored a state, 4xx refused; 200 is the cookie-check page unless WROTE_STATE is set
    return status != 200 or bool(g.get(WROTE_STATE))


def _always(_status: int) -> bool:
    return True


class EntryLimits:
    """The rules of the login and launch views over one counter store."""

    def __init__(self, storage: Storage, prefix: str) -> None:
        self.storage = storage
        self.counters = FixedWindowRateLimiter(storage)
        self.prefix = prefix

    def _test(self, rule: Rule, key: str) -> bool:
        try:
            return self.counters.test(rule.item, self.prefix, rule.scope, key)
        except StorageError as problem:
            log.warning("rate limit store did not answer (%s): request let through", problem)
            return True

    def _hit(self, rule: Rule, key: str) -> None:
        try:
            self.counters.hit(rule.item, self.prefix, rule.scope, key)
        except StorageError as problem:
            log.warning("rate limit store did not answer (%s): not counted", problem)

    def retry_after(self, rule: Rule, key: str) -> int:
        try:
            stats = self.counters.get_window_stats(rule.item, self.prefix, rule.scope, key)
            wait = int(stats.reset_time - time.time()) + 1
        except StorageError:
            wait = rule.item.get_expiry()
        return max(1, min(wait, rule.item.get_expiry()))

    def remaining(self, rule: Rule, key: str) -> int:
        """What the rule still allows for ``key`` now (tests and operators read this)."""
        stats = self.counters.get_window_stats(rule.item, self.prefix, rule.scope, key)
        return int(stats.remaining)

    def guard(self, rules: tuple[Rule, ...], view: Callable[..., Any]) -> Callable[..., Any]:
        """The view behind ``rules``: refused with a 429 when one is spent, then counted.

        Checked before the view and counted after it (only then is it known whether a login
        wrote a state), so requests racing at the very limit may pass it by the number running
        at once (a few per worker): a ceiling against floods, not an exact quota."""

        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            keyed = [(rule, key) for rule in rules if (key := rule.key()) is not None]
            for rule, key in keyed:
                if not self._test(rule, key):
                    g.setdefault(_RETRY_AFTER, self.retry_after(rule, key))
                    raise TooManyRequests(description=rule.message)
            try:
                answer = view(*args, **kwargs)
                response = answer if isinstance(answer, Response) else make_response(answer)
            except Exception:
                for rule, key in keyed:  # a refusal (raised, answered as a 4xx page) counts
                    self._hit(rule, key)
                raise
            for rule, key in keyed:
                if rule.counts(response.status_code):
                    self._hit(rule, key)
            return response

        return limited


def _storage(app: Flask) -> Storage:
    redis_url = app.config.get("REDIS_URL")
    if not redis_url:
        return LazyMemoryStorage()
    storage = storage_from_string(
        str(redis_url),
        wrap_exceptions=True,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )
    assert isinstance(storage, Storage)  # redis:// is the synchronous storage
    return storage


def rules(app: Flask) -> dict[str, tuple[Rule, ...]]:
    """The rules of each limited endpoint, from the app's settings."""
    per_address = _fixed(str(app.config.setdefault("LTI_RATE_LIMIT", DEFAULT_LIMIT)))
    per_learner = _fixed(
        str(app.config.setdefault("LTI_LEARNER_RATE_LIMIT", DEFAULT_LEARNER_LIMIT))
    )
    return {
        "lti.login": (
            Rule("login-address", per_address, _address, _wrote_or_refused, MESSAGE),
            Rule("login-learner", per_learner, _learner, _always, LEARNER_MESSAGE),
        ),
        "lti.launch": (Rule("launch-address", per_address, _address, _always, MESSAGE),),
    }


def entry_limits(app: Flask) -> EntryLimits:
    limits: EntryLimits = app.extensions[ENTRY_LIMITS_KEY]
    return limits


def _add_retry_after(response: Response) -> Response:
    wait = g.pop(_RETRY_AFTER, None)
    if wait is not None and response.status_code == 429:
        response.headers["Retry-After"] = str(wait)
    return response


def init_app(app: Flask) -> None:
    """Guard the login and launch views (after the blueprint is registered)."""
    if not app.config.setdefault("LTI_RATE_LIMIT_ENABLED", True):
        return
    prefix = f"{app.config.get('REDIS_KEY_PREFIX', 'intervision:')}rate"
    limits = EntryLimits(_storage(app), prefix)
    for endpoint, endpoint_rules in rules(app).items():
        app.view_functions[endpoint] = limits.guard(endpoint_rules, app.view_functions[endpoint])
    app.extensions[ENTRY_LIMITS_KEY] = limits
    app.after_request(_add_retry_after)


def limit_views(
    app: Flask,
    endpoints: tuple[str, ...],
    *,
    scope: str,
    limit: Callable[[], str],
    key: Callable[[], str],
    message: str,
) -> None:
    """One shared limit over several views of a feature (every request counts), on the same
    counters as login and launch; nothing when the limits are off (``LTI_RATE_LIMIT_ENABLED``)."""
    limits: EntryLimits | None = app.extensions.get(ENTRY_LIMITS_KEY)
    if limits is None:
        return
    rule = Rule(scope, lambda: parsed(limit()), key, _always, message)
    for endpoint in endpoints:
        app.view_functions[endpoint] = limits.guard((rule,), app.view_functions[endpoint])
