"""What every refused launch must look like, whichever platform library sent it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

TOOL = "https://tool.test"  # BASE_URL of the tool in the e2e launch tests
HOME = TOOL + "/lti/home"  # answers only inside a launch
REFERENCE = re.compile(r"Reference: <strong>E-[0-9A-F]{8}</strong>")


def assert_refused(response: TestResponse, client: FlaskClient, status: int = 0) -> str:
    """A friendly 4xx page with a reference id, and no launch in the session afterwards."""
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, (response.status_code, page[:300])
    if status:
        assert response.status_code == status, (response.status_code, page[:300])
    assert REFERENCE.search(page), page[:500]
    assert "Traceback" not in page
    assert client.get(HOME).status_code == 401
    return page
