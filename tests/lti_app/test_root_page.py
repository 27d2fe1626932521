"""The tool's root URL: a short page that says what the tool is and links the set-up page,
not a 404 for the first person who types the address in."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_the_root_url_says_what_the_tool_is_and_links_the_setup_page(
    client: FlaskClient,
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Intervision</h1>" in page
    assert "LTI 1.3 tool for intervision" in page
    assert re.search(r'<a href="/lti/setup">Install this tool in your LMS</a>', page)
    assert client.get("/lti/setup").status_code == 200  # the link leads somewhere


def test_the_root_page_has_the_admin_pages_strict_headers(client: FlaskClient) -> None:
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.head("/").status_code == 200
    assert client.post("/").status_code == 405
