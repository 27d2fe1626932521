"""Fixtures for every test in this folder, defined in ``tests/support`` and offered by name:
the LTI loopback servers (``lti_fixtures.py``) and the refusal log (``refusals.py``)."""

from tests.support.lti_fixtures import key_server, lms, lms_server, served_tool, tool_server
from tests.support.refusals import refusal_log

__all__ = ["key_server", "lms", "lms_server", "refusal_log", "served_tool", "tool_server"]
