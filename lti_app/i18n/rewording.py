"""A refusal the domain wrote in English with values in it, said again in the reader's language.

The domain stays free of gettext and builds some messages from values ("The place is 412
characters; keep it to 300."). A web area lists each such message as a pattern with named
groups and the msgid that says it with placeholders; the first pattern that matches the whole
message gives the translation, each value passed through the area's own ``say_value`` (role
names in the reader's words, numbers kept).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lti_app.i18n import gettext

Pattern = tuple[re.Pattern[str], str]
"""A whole message's pattern, and the msgid (marked with ``N_``) with ``%(group)s`` placeholders."""


def reworded(
    message: str, patterns: Iterable[Pattern], say_value: Callable[[str, str], str]
) -> str | None:
    """The message in the reader's language by the first pattern matching all of it; None
    when none does."""
    for pattern, template in patterns:
        found = pattern.fullmatch(message)
        if found:
            values = {name: say_value(name, value) for name, value in found.groupdict().items()}
            return gettext(template, **values)
    return None
