"""Finish a validated launch: consume it and bind it to our tenant, course and user rows.

One write transaction (``storage/launch_commit.py``) consumes the login state and the nonce
(with Redis: one atomic script just before it), re-checks the registration, upserts the rows
(keyed by what the platform guarantees stable: tenant = (issuer, client_id, deployment_id),
course = (tenant, context id), user = (issuer, sub)) and stores the launch record. Storage's
refusals become ``LaunchError``s here.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from lti_app.i18n.locales import normalise
from lti_app.lti.current import build_launch, launch_record
from lti_app.lti.errors import UnknownPlatform
from lti_app.lti.launch import CourseRef, Launch, LaunchClaims, TenantRef, UserRef, parse_claims
from lti_app.lti.message_launch import ValidatedLaunch
from lti_app.lti.state_store import translated_store_errors
from lti_app.storage import launch_commit
from lti_app.storage.launch_rows_repo import LaunchIdentity, LaunchRows


def identity_of(claims: LaunchClaims) -> LaunchIdentity:
    return LaunchIdentity(
        issuer=claims.issuer,
        client_id=claims.client_id,
        deployment_id=claims.deployment_id,
        subject=claims.subject,
        name=claims.name or None,
        email=claims.email or None,
        context_id=claims.context_id,
        context_title=claims.context_title or claims.context_label or None,
        locale=normalise(claims.locale),
    )


def launch_from_rows(validated: ValidatedLaunch, claims: LaunchClaims, rows: LaunchRows) -> Launch:
    tenant = TenantRef(rows.tenant_id, claims.issuer, claims.client_id, claims.deployment_id)
    course = (
        CourseRef(rows.course_id, claims.context_id, rows.course_title, claims.context_label)
        if rows.course_id is not None and claims.context_id is not None
        else None
    )
    user = UserRef(rows.user_id, claims.subject, rows.user_name, rows.user_email)
    return build_launch(validated.launch_id, claims, tenant, course, user)


def complete_launch(validated: ValidatedLaunch, record_lifetime: timedelta) -> Launch:
    """Consume the launch exactly once and return the Launch views will see."""
    claims = parse_claims(validated.body, validated.client_id)
    built: list[Launch] = []
    # Taken before the store adds the lifetime to its own clock: never later than its expiry.
    expires_at = time.time() + record_lifetime.total_seconds()

    def record_data(rows: LaunchRows) -> dict[str, Any]:
        built.append(launch_from_rows(validated, claims, rows))
        return launch_record(built[-1], validated.body, expires_at)

    try:
        with translated_store_errors():
            launch_commit.commit_launch(
                login=validated.login,
                nonce=str(validated.body["nonce"]),
                nonce_lifetime=validated.nonce_lifetime,
                platform=validated.platform,
                identity=identity_of(claims),
                launch_id=validated.launch_id,
                record_data=record_data,
                record_lifetime=record_lifetime,
            )
    except launch_commit.RegistrationGone as gone:
        raise UnknownPlatform(str(gone)) from None
    return built[-1]
