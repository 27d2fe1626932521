"""The worker and notification tests' setting: the tool sends mail to the loopback SMTP
server (``tests.support.mail_course``, which also builds their course)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.mail_course import SENDER, SmtpServer, smtp_server

__all__ = ["app_config", "smtp_server"]


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: SmtpServer) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp_server.url, "SMTP_FROM": SENDER}
