"""Log lines never carry a platform's (or a visitor's) raw text: escaped and bounded.

A platform chooses its issuer, URLs, error bodies and claim values; a visitor chooses the path.
Written raw, a newline forges a second log line, a terminal escape rewrites the screen, a
megabyte fills the disk. :func:`text` escapes every control, line-separator and bidi character
(``\\n`` → ``\\\\n``, U+202E → ``\\\\u202e``) and cuts at a bound; :func:`install` applies it to
every string (and exception) argument of every record logged under ``lti_app``, so a log call
written tomorrow is covered without remembering to call it.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

DEFAULT_LIMIT = 300
OUR_LOGGERS = "lti_app"
# C0 and C1 controls, DEL, the backslash itself, Unicode line/paragraph separators, bidi
# embeddings/overrides/isolates, and the byte-order mark (invisible, reorders what is shown).
_UNSAFE = re.compile(
    "[\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_NAMED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_installed = threading.Lock()
_done = False


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class Escaped(str):
    """A string :func:`text` made; the record factory leaves it as it is (no double escape)."""

    __slots__ = ()


def text(value: object, limit: int = DEFAULT_LIMIT) -> Escaped:
    """``value`` as one printable log field: escaped, at most ``limit`` characters of it, and
    a note of how much was cut."""
    if isinstance(value, Escaped):
        return value
    raw = value if isinstance(value, str) else str(value)
    cut = raw[:limit]
    escaped = _UNSAFE.sub(_escape, cut)
    if len(raw) > limit:
        escaped += f"…(+{len(raw) - limit} chars)"
    return Escaped(escaped)


def _safe_arg(value: Any) -> Any:
    if isinstance(value, str | BaseException):
        return text(value)
    return value


def install() -> None:
    """Wrap the log record factory once per process: records of ``lti_app.*`` loggers get
    their string and exception arguments escaped (numbers stay numbers for ``%d``)."""
    global _done
    with _installed:
        if _done:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if record.name == OUR_LOGGERS or record.name.startswith(OUR_LOGGERS + "."):
                if isinstance(record.args, tuple):
                    record.args = tuple(_safe_arg(arg) for arg in record.args)
                elif isinstance(record.args, dict):
                    record.args = {key: _safe_arg(arg) for key, arg in record.args.items()}
                if isinstance(record.msg, str) and not record.args:
                    record.msg = text(record.msg, limit=4 * DEFAULT_LIMIT)
            return record

        logging.setLogRecordFactory(factory)
        _done = True
