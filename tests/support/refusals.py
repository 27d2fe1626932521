"""What every refused launch must look like, whichever platform library sent it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_app.lti.launch_session import SESSION_KEY as SESSION_LAUNCHES
from tests.support.launches import TOOL

HOME = TOOL + "/lti/home"  # answers only inside a launch
REFERENCE = re.compile(r"Reference: <strong>E-[0-9A-F]{8}</strong>")

_logs: list[pytest.LogCaptureFixture] = []


@pytest.fixture
def refusal_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The log capture ``assert_refused(..., reason=...)`` reads the refusal reason from."""
    _logs.append(caplog)
    yield caplog
    _logs.pop()


def assert_refused(
    response: TestResponse, client: FlaskClient, status: int = 0, reason: str = ""
) -> str:
    """A friendly 4xx page with a reference id, naming no launch; the session is as the
    refusal found it: without launches it still has none (the refusal made none), with earlier
    launches they still work (a refusal never ends a session). With ``reason``, the tool
    logged the refusal for that reason (needs the ``refusal_log`` fixture)."""
    if reason:
        assert _logs, "assert_refused(reason=...) needs the refusal_log fixture"
        refusals = [r.getMessage() for r in _logs[-1].records if "lti refused" in r.getMessage()]
        assert refusals and f"reason={reason} " in refusals[-1], refusals
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, (response.status_code, page[:300])
    if status:
        assert response.status_code == status, (response.status_code, page[:300])
    assert REFERENCE.search(page), page[:500]
    assert "Traceback" not in page
    assert "/launch/" not in page
    with client.session_transaction(TOOL + "/") as held:
        earlier = held.get(SESSION_LAUNCHES)
    assert client.get(HOME).status_code == (200 if earlier else 401)
    return page
