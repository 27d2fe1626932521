"""WTForms' own messages ("This field is required.", "Not a valid choice.") in the reader's
language, from a catalogue loaded once per language per process.

Flask-WTF loads and parses WTForms' ``.mo`` file again on every request that builds a form
once Flask-Babel is installed: a quarter of a PostgreSQL sign-up's CPU in the sign-up
benchmark's profile. WTForms' catalogue never changes while the process runs.
"""

from __future__ import annotations

from functools import lru_cache

from babel import support
from wtforms.i18n import messages_path

from lti_app.i18n import locale_now


@lru_cache(maxsize=16)
def _catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsMessages:
    """What WTForms asks its ``Meta.get_translations`` for: ``gettext`` and ``ngettext``."""

    def gettext(self, string: str) -> str:
        return str(_catalogue(locale_now()).ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(_catalogue(locale_now()).ungettext(singular, plural, n))


WTFORMS_MESSAGES = WTFormsMessages()
