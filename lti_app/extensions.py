"""Flask extensions created unbound, bound in the factory (so blueprints can import them)."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

# Every form POST carries a synchronizer token; only /lti/login and /lti/launch are exempt
# (state + nonce protect them), exempted by the LTI package with ``csrf.exempt``.
csrf = CSRFProtect()
