"""Assignment and Grade Services 2.0: post a learner's score to a line item.

Only the score service is needed (the line item comes from deep linking and arrives in the
launch's AGS claim). The scores URL is the line item URL with ``/scores`` appended to the
*path*: Moodle's line item URLs carry a query string (``...?type_id=3``) that must stay last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from flask import Flask

from lti_app.lti.services.http import Timeout, checked_url, request
from lti_app.lti.services.tokens import ServiceClient, TokenCache, token_cache

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
ACTIVITY_PROGRESS = frozenset({"Initialized", "Started", "InProgress", "Submitted", "Completed"})
GRADING_PROGRESS = frozenset({"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"})


@dataclass(frozen=True)
class Score:
    user_id: str
    score_given: float
    score_maximum: float
    activity_progress: str
    grading_progress: str
    timestamp: datetime
    comment: str | None = None

    def __post_init__(self) -> None:
        if self.activity_progress not in ACTIVITY_PROGRESS:
            raise ValueError(f"activityProgress {self.activity_progress!r} is not an AGS value")
        if self.grading_progress not in GRADING_PROGRESS:
            raise ValueError(f"gradingProgress {self.grading_progress!r} is not an AGS value")
        if not 0 <= self.score_given <= self.score_maximum or self.score_maximum <= 0:
            raise ValueError("scoreGiven must be between 0 and a positive scoreMaximum")

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {
            "userId": self.user_id,
            "scoreGiven": self.score_given,
            "scoreMaximum": self.score_maximum,
            "activityProgress": self.activity_progress,
            "gradingProgress": self.grading_progress,
            # ISO 8601 with sub-second precision: platforms ignore scores older than the last.
            "timestamp": self.timestamp.astimezone(UTC).isoformat(timespec="milliseconds"),
        }
        if self.comment:
            body["comment"] = self.comment
        return body


def scores_url(lineitem_url: str) -> str:
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def post_score(
    client: ServiceClient,
    lineitem_url: str,
    score: Score,
    *,
    timeout: Timeout,
    tokens: TokenCache = token_cache,
    app: Flask | None = None,
) -> int:
    """POST the score; returns the HTTP status. A 401 drops the cached token (then raises).
    A line item off the registration's hosts is refused before the token is fetched."""
    url = checked_url(
        scores_url(lineitem_url), client.allowed_hosts, what="AGS line item URL", app=app
    )
    token = tokens.get(client, [SCORE_SCOPE], timeout, app)
    try:
        response = request(
            "POST",
            url,
            what="AGS score",
            timeout=timeout,
            json=score.as_json(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_MEDIA_TYPE},
            app=app,
        )
    except Exception as problem:
        if getattr(problem, "status", None) == 401:
            tokens.invalidate(client, [SCORE_SCOPE])
        raise
    return response.status_code
