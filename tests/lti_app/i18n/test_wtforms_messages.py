"""WTForms' own messages follow the reader's language, from a catalogue read once per language
(Flask-WTF re-read WTForms' .mo on every request that built a form)."""

from __future__ import annotations

import pytest
from flask import Flask
from wtforms import StringField
from wtforms.validators import InputRequired

from lti_app.i18n import wtforms_messages
from lti_app.web.base_form import Form


class NameForm(Form):
    name = StringField("Name", validators=[InputRequired()])  # WTForms' own message


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This field is required."),
        ("nl", "Dit veld is vereist."),
        ("de", "Dieses Feld wird benötigt."),
    ],
)
def test_a_required_field_says_so_in_the_readers_language(
    app: Flask, language: str, message: str
) -> None:
    headers = {"Accept-Language": language}
    with app.test_request_context("/", method="POST", data={"name": ""}, headers=headers):
        form = NameForm(meta={"csrf": False})
        assert not form.validate()
        assert form.name.errors == [message]


def test_each_language_is_read_once_per_process(app: Flask) -> None:
    wtforms_messages._catalogue.cache_clear()
    for _ in range(3):
        with app.test_request_context("/", headers={"Accept-Language": "nl"}):
            NameForm(meta={"csrf": False}).validate()
    info = wtforms_messages._catalogue.cache_info()
    assert (info.misses, info.hits) == (1, 2)
