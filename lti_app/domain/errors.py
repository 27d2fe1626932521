"""One base for every error a person may see: status, title and message live on the class.

``web/errors.py`` maps :class:`IntervisionError` once to the friendly page with a reference id.
``message`` is for people (no claim values, no secrets); ``detail`` goes only to the log.
Features subclass it and override the class attributes, as ``lti/errors.py`` does for launches.
"""

from __future__ import annotations


class IntervisionError(Exception):
    """Base: a request the tool refuses or cannot serve, shown as a 4xx/5xx page, never a trace."""

    status: int = 400
    title: str = "The request could not be completed"
    message: str = "The tool could not do what was asked. Please go back and try again."

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail or self.__class__.__name__


class NotFound(IntervisionError):
    status = 404
    title = "Not found"
    message = "There is no such item in this course."


class Forbidden(IntervisionError):
    status = 403
    title = "Not allowed"
    message = "Your role in this course does not allow this."
