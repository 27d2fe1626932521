"""Why a login or launch was refused: one exception per reason, each a 4xx with words for people.

``message`` is shown to the user (no claim values, no secrets); ``detail`` goes only to the log,
and never contains the id_token or personal data.
"""

from __future__ import annotations

from lti_app.domain.errors import IntervisionError


class LaunchError(IntervisionError):
    """Base: a refused LTI request. Subclasses override only the class attributes."""

    status: int = 400
    title: str = "The launch could not be completed"
    message: str = (
        "Your learning platform sent a launch this tool could not accept. "
        "Please open the activity again from your course."
    )


class LoginRequestInvalid(LaunchError):
    title = "The sign-in request was incomplete"
    message = (
        "The learning platform started a sign-in without the details this tool needs "
        "(issuer, login hint and target link). Please open the activity again from your course."
    )


class UnknownPlatform(LaunchError):
    status = 403
    title = "This learning platform is not registered"
    message = (
        "This tool has no registration for the platform (or client id) that sent you here. "
        "Ask your platform administrator to install the tool first."
    )


class UnknownDeployment(LaunchError):
    status = 403
    title = "This tool placement is not registered"
    message = (
        "The platform is known, but not this deployment of the tool. "
        "Ask your platform administrator to register the deployment id."
    )


class StateInvalid(LaunchError):
    title = "Your sign-in session was not found"
    message = (
        "The launch did not match a sign-in started in this browser. This happens when the "
        "browser blocks cookies inside the course page, or when a launch is reused. "
        "Please open the activity again; if it keeps failing, open it in a new window."
    )


class ReplayedLaunch(LaunchError):
    title = "This launch was already used"
    message = (
        "Each launch link can be used only once. Please open the activity again from your course."
    )


class TokenInvalid(LaunchError):
    title = "The launch message was not valid"


class TokenExpired(TokenInvalid):
    title = "The launch message has expired"
    message = (
        "The launch took too long or the clocks of the platform and this tool disagree. "
        "Please open the activity again from your course."
    )


class AudienceMismatch(TokenInvalid):
    status = 403
    title = "The launch was meant for another tool"


class TargetLinkInvalid(TokenInvalid):
    title = "The launch pointed somewhere this tool does not serve"


class PlatformUnavailable(LaunchError):
    status = 503
    title = "The learning platform did not answer in time"
    message = (
        "This tool could not fetch the platform's signing keys to check the launch. "
        "Please try again in a minute; if it persists, tell your platform administrator."
    )


class LaunchRequired(LaunchError):
    status = 401
    title = "Please open this page from your course"
    message = (
        "This page is only available after a launch from your learning platform, "
        "or your session has expired. Open the activity again from your course."
    )


class LaunchNotInSession(LaunchError):
    status = 403
    title = "This page belongs to a launch this browser does not hold"
    message = (
        "The address names a course launch that this browser session did not make, or one it "
        "no longer keeps. Open the activity again from your course."
    )


class InstructorRequired(LaunchError):
    status = 403
    title = "Only trainers can open this page"
    message = "This page is for the trainers of the course. Your launch role does not allow it."


class StateStoreUnavailable(LaunchError):
    status = 503
    title = "The tool is briefly unavailable"
    message = (
        "This tool could not reach the store that keeps sign-ins and launches. "
        "Please try again in a minute; if it persists, tell your support desk."
    )
