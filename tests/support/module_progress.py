"""Module progress as a learner makes it: the built module pages of the test site and the
page's own "Mark as done" form, shared by the course-home and completion tests."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.launches import TOOL, csrf_token

MODULE_PAGES = {
    "what-is-intervision": TOOL + "/site/modules/01-what-is-intervision/",
    "troika": TOOL + "/site/modules/02-troika/",
}


def complete_module(client: FlaskClient, slug: str) -> None:
    """Mark a module as done the way a person does: from the module page's form."""
    page = client.get(MODULE_PAGES[slug]).get_data(as_text=True)
    done = client.post(
        f"{TOOL}/modules/{slug}/done",
        data={"csrf_token": csrf_token(page)},
        headers={"Referer": MODULE_PAGES[slug], "Origin": TOOL},
    )
    assert done.status_code == 303
