"""The one CSP builder (lti/headers.content_security_policy) gives every page type the policy
it had when each built its own string: the default, module pages and install pages."""

from __future__ import annotations

from flask import Flask

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
