"""When a completion is graded: the launching link must be *this* activity and be scorable.

A course link carries its activity (``kind`` and ``ref`` custom parameters set by deep linking)
and, when the instructor asked for a grade column, a line item. A learner who reaches module B
through module A's link must not score A's column with B's completion, and a platform that did
not grant the score scope gets no score at all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LaunchedLink:
    """What the launching link says about itself, read from the launch by the LTI layer."""

    kind: str
    ref: str
    lineitem_url: str | None
    may_post_scores: bool


def lineitem_to_score(link: LaunchedLink | None, kind: str, ref: str) -> str | None:
    """The line item to post a score for activity (``kind``, ``ref``) to, or None."""
    if link is None or not link.may_post_scores or not link.lineitem_url:
        return None
    if link.kind != kind or link.ref != ref:
        return None
    return link.lineitem_url
