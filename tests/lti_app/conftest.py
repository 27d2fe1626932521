"""Fixtures for every test in this folder, defined in ``tests/support`` and offered by name:
the LTI loopback servers (``lti_fixtures.py``), the stand-in Moodle (``moodle_registration.py``),
the refusal log (``refusals.py``) and ``launch_as`` (``launches.py``: a launched session
written through the tool's storage, for view tests; it needs a ``platform`` fixture registered
in ``app``)."""

from tests.support.launches import launch_as
from tests.support.lti_fixtures import key_server, lms, lms_server, served_tool, tool_server
from tests.support.moodle_registration import moodle
from tests.support.refusals import refusal_log

__all__ = [
    "key_server",
    "launch_as",
    "lms",
    "lms_server",
    "moodle",
    "refusal_log",
    "served_tool",
    "tool_server",
]
