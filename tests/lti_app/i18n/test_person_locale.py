"""Each person's language is kept from their last launch that named one, for the worker's
e-mails (which run outside any request); their data export shows it and erasure removes it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lti_app.services import personal_data
from lti_app.storage import db
from lti_app.storage.launch_rows_repo import user_locales
from tests.support.launches import LaunchAs

PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


def _stored(app: Flask, user_id: int) -> dict[int, str]:
    with app.app_context(), db.transaction() as session:
        return user_locales(session.connection(), [user_id])


def test_the_last_launch_language_is_kept_and_erased_with_the_person(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    first = launch_as("learner", extra_claims={PRESENTATION: {"locale": "nl_BE"}})
    user_id = first.launch.user.id
    assert _stored(app, user_id) == {user_id: "nl"}
    launch_as("learner")  # the platform sent no language this time: the last one is kept
    assert _stored(app, user_id) == {user_id: "nl"}
    launch_as("learner", extra_claims={PRESENTATION: {"locale": "de-AT"}})
    assert _stored(app, user_id) == {user_id: "de"}
    launch_as("learner", extra_claims={PRESENTATION: {"locale": "fr-FR"}})  # not spoken: kept
    assert _stored(app, user_id) == {user_id: "de"}
    with app.app_context():
        assert personal_data.export_by_id(user_id)["person"]["locale"] == "de"
        personal_data.erase(first.launch.tenant.issuer, first.launch.user.subject)
    assert _stored(app, user_id) == {}
