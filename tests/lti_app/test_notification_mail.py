"""A notice's email keeps its subject whole: one a little over 78 characters (a long session
title or weekday and month) must not come back with a leading space after folding."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default

from lti_app.domain.scope import CourseScope
from lti_app.services.notifications import SmtpSettings, message_for
from lti_app.storage.notifications_repo import ClaimedNotice

SUBJECT = "You have a place: Intervision, group A, Wednesday 29 September 2027, 18:00 (UTC)"


def test_a_long_subject_arrives_exactly_as_written() -> None:
    assert len("Subject: " + SUBJECT) > 78  # long enough to be folded at 78
    notice = ClaimedNotice(
        1, CourseScope(1, 1), 2, 3, "promoted", SUBJECT, "Body", "ann@example.test", 0
    )
    settings = SmtpSettings("localhost", 25, False, None, None, "tool@example.test")
    raw = message_for(notice, settings).as_bytes()
    assert f"Subject: {SUBJECT}\r\n".encode() in raw
    parsed = email.message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    assert str(parsed["Subject"]) == SUBJECT
