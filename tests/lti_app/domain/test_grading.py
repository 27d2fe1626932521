"""The grading rule on its own: which completion scores which line item."""

from __future__ import annotations

import pytest

from lti_app.domain.grading import LaunchedLink, lineitem_to_score

LINEITEM = "https://lms.test/lineitems/7"


def _link(**changes: object) -> LaunchedLink:
    values: dict[str, object] = {
        "kind": "module",
        "ref": "clarifying-questions",
        "lineitem_url": LINEITEM,
        "may_post_scores": True,
    }
    values.update(changes)
    return LaunchedLink(**values)  # type: ignore[arg-type]


def test_the_links_own_activity_scores_its_line_item() -> None:
    assert lineitem_to_score(_link(), "module", "clarifying-questions") == LINEITEM


@pytest.mark.parametrize(
    ("link", "why"),
    [
        (None, "no launch link"),
        (_link(ref="hypotheses"), "another module reached through this link"),
        (_link(kind="signup"), "a sign-up sheet's link never scores a module"),
        (_link(lineitem_url=None), "the link has no grade column"),
        (_link(lineitem_url=""), "an empty line item URL"),
        (_link(may_post_scores=False), "the platform did not grant the score scope"),
    ],
)
def test_no_score_when(link: LaunchedLink | None, why: str) -> None:
    assert lineitem_to_score(link, "module", "clarifying-questions") is None, why
