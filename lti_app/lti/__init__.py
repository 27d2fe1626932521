"""Everything LTI: registrations, login, launch, keys, dynamic registration, services.

``init_app`` wires the launch side: the ``lti`` blueprint (login, launch, landing), the
per-request launch loader (``g.lti_launch``), iframe-ready session cookies, the platform key
cache and security headers. Only pylti1p3-facing code lives in this package.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

# Flask's own defaults; a value still equal to one of these was not chosen by the deployer.
_FLASK_SESSION_DEFAULTS = {
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_SAMESITE": None,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
}

# The tool lives in the LMS iframe: a cross-site context. SameSite=None needs Secure; CHIPS
# (Partitioned) keeps the cookie working where third-party cookies are blocked; __Host- pins it
# to our host and path /. Browsers accept Secure cookies on http://localhost and 127.0.0.1.
_IFRAME_SESSION = {
    "SESSION_COOKIE_NAME": "__Host-intervision",
    "SESSION_COOKIE_SAMESITE": "None",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_PARTITIONED": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
}


def _configure_cookies(app: Flask) -> None:
    for key, value in _IFRAME_SESSION.items():
        if app.config.get(key) == _FLASK_SESSION_DEFAULTS[key]:
            app.config[key] = value


def init_app(app: Flask) -> None:
    from lti_app.extensions import csrf
    from lti_app.lti import headers, outbound_policy, rate_limits, session_cookie, views
    from lti_app.lti.current import init_launch_cache, load_current_launch
    from lti_app.lti.launch_urls import LaunchPathMiddleware
    from lti_app.lti.platform_keys import PlatformKeyCache

    _configure_cookies(app)
    session_cookie.init_app(app)
    outbound_policy.init_app(app)  # a wrong INTERVISION_OUTBOUND_ALLOW stops the start here
    app.config.setdefault("LTI_COOKIE_CHECK", True)
    app.config.setdefault("LTI_JWKS_TIMEOUT", (3.05, 5.0))
    app.config.setdefault("LTI_JWKS_REFETCH_INTERVAL", 60)
    app.extensions[views.KEY_CACHE_EXTENSION] = PlatformKeyCache(
        timeout=tuple(app.config["LTI_JWKS_TIMEOUT"]),  # type: ignore[arg-type]
        refetch_interval=int(app.config["LTI_JWKS_REFETCH_INTERVAL"]),
    )
    csrf.exempt(views.login)
    csrf.exempt(views.launch)
    app.register_blueprint(views.bp)
    rate_limits.init_app(app)  # after the blueprint: it wraps the login and launch views
    init_launch_cache(app)
    app.before_request(load_current_launch)
    app.wsgi_app = LaunchPathMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    headers.init_app(app)
