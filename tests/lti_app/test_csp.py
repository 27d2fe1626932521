"""The one CSP builder (lti/headers.content_security_policy) gives every page type the policy
it had when each built its own string: the default, module pages and install pages."""

from __future__ import annotations

import re

from flask import Flask, Response, redirect, render_template_string

from lti_app.lti.headers import content_security_policy, csp_nonce


def test_each_page_type_gets_its_exact_policy(app: Flask) -> None:
    with app.test_request_context("/"):
        nonce = csp_nonce()
        assert content_security_policy("'none'") == (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        )
        module_page = content_security_policy(
            "'self' https://lms.test",
            style_src="'self' 'unsafe-inline'",
            font_src="'self' data:",
            form_action="'self'",
        )
        assert module_page == (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'self' https://lms.test"
        )
        install_page = content_security_policy(
            "https://lms.test",
            script_src=f"'nonce-{nonce}'",
            style_src=None,
            img_src=None,
            form_action="'self'",
        )
        assert install_page == (
            f"default-src 'self'; script-src 'nonce-{nonce}'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors https://lms.test"
        )
        assert csp_nonce() == nonce  # one nonce per response, whoever asks


def test_a_new_directive_goes_before_frame_ancestors(app: Flask) -> None:
    with app.test_request_context("/"):
        policy = content_security_policy("'none'", connect_src="'self'")
    assert policy.endswith("; connect-src 'self'; frame-ancestors 'none'")


def test_a_response_gets_a_nonce_only_when_its_body_used_one(app: Flask) -> None:
    """A rendered inline script and the header carry the same nonce; a redirect, whose body
    asked for none, allows scripts from 'self' only and no nonce at all."""

    @app.get("/_csp/page")
    def page_with_inline_script() -> str:
        return render_template_string('<script nonce="{{ csp_nonce() }}">1</script>')

    @app.get("/_csp/redirect")
    def plain_redirect() -> Response:
        return redirect("/_csp/page", code=303)

    client = app.test_client()
    page = client.get("/_csp/page", base_url="https://localhost")
    nonce = re.search(r'nonce="([^"]+)"', page.get_data(as_text=True))
    assert nonce is not None
    assert f"script-src 'self' 'nonce-{nonce.group(1)}';" in page.headers["Content-Security-Policy"]

    moved = client.get("/_csp/redirect", base_url="https://localhost")
    assert moved.status_code == 303
    policy = moved.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "nonce-" not in policy
    assert policy.startswith("default-src 'self'; script-src 'self'; style-src 'self';")
