"""The shared LTI fixtures (``lti_fixtures``) for every test in this folder."""

from tests.lti_app.lti_fixtures import key_server, lms, lms_server, served_tool, tool_server

__all__ = ["key_server", "lms", "lms_server", "served_tool", "tool_server"]
