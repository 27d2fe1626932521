"""Intervision LTI 1.3 tool."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lti_app import config as settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """App factory: settings, storage, LTI and web wiring. No migrations, no network calls.

    ``config`` overrides the environment (tests); ``INSTANCE_PATH`` in it, or the
    ``INTERVISION_INSTANCE_PATH`` variable, moves the instance folder (secrets, SQLite file).
    """
    overrides = dict(config or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get(
        "INTERVISION_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
    )
    instance = Path(app.instance_path)
    settings.ensure_instance_dir(instance)
    app.config.from_mapping(settings.settings_from_environment(instance))
    app.config.update(overrides)
    settings.finalise(app.config, instance)

    if app.config["PROXY_FIX"]:
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )

    from lti_app import i18n, lti, web
    from lti_app.extensions import csrf
    from lti_app.storage import db, lti_state
    from lti_app.web import transport

    transport.init_app(app)  # first: nothing else runs for a request it refuses
    db.init_app(app)
    lti_state.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)  # the request's language (docs/translating.md)
    lti.init_app(app)
    web.init_app(app)
    return app
