"""AGS and NRPS for the demo course: lti1p3platform's service classes over the JSON store.

The library does the bearer-token check and the paging arithmetic; these subclasses answer
from the store and validate what the tool sends (the library leaves score validation as a TODO).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from lti1p3platform.exceptions import LineItemNotFoundException, LtiServiceException
from lti1p3platform.lineitem import TLineItem
from lti1p3platform.membership import Context
from lti1p3platform.score import ActivityProgress, GradeProgress, TScore, UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
    TPage,
)

from lti_app.demo_lms.context import DemoLms
from lti_app.demo_lms.launches import course_links
from lti_app.demo_lms.platform import current_platform_request
from lti_app.demo_lms.settings import DemoUser

LINE_ITEM_FIELDS = (
    "label",
    "scoreMaximum",
    "resourceLinkId",
    "resourceId",
    "tag",
    "startDateTime",
    "endDateTime",
)
ACTIVITY_PROGRESS = tuple(p.value for p in ActivityProgress)
GRADING_PROGRESS = tuple(p.value for p in GradeProgress)


def _page(items: list[Any], page: int, limit: int | None) -> TPage:
    if not limit:
        return {"content": items, "has_next": False}
    start = (page - 1) * limit
    return {"content": items[start : start + limit], "has_next": start + limit < len(items)}


def _positive_number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LtiServiceException(f"{field} must be a number", 400)
    if value <= 0:
        raise LtiServiceException(f"{field} must be greater than 0", 400)
    return float(value)


def validated_line_item(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise LtiServiceException("the body must be a JSON line item", 400)
    if not isinstance(data.get("label"), str) or not data["label"].strip():
        raise LtiServiceException("label is required and must be text", 400)
    _positive_number(data.get("scoreMaximum"), "scoreMaximum")
    return {key: data[key] for key in LINE_ITEM_FIELDS if key in data}


def create_line_item(lms: DemoLms, state: dict[str, Any], data: Any) -> dict[str, Any]:
    """Store a new line item (inside the caller's store change); return it with its URL id."""
    fields = validated_line_item(data)
    item_id = str(state["next_line_item"])
    state["next_line_item"] += 1
    state["line_items"][item_id] = fields
    return {"id": lms.settings.lineitem_url(item_id), **fields}


def _score(data: Any, member_ids: set[str]) -> dict[str, Any]:
    """A score as AGS §3.4 defines it; anything else is a 400 naming the field."""
    if not isinstance(data, dict):
        raise LtiServiceException("the body must be a JSON score", 400)
    if data.get("userId") not in member_ids:
        raise LtiServiceException("userId is not a member of this course", 400)
    for field, allowed in (
        ("activityProgress", ACTIVITY_PROGRESS),
        ("gradingProgress", GRADING_PROGRESS),
    ):
        if data.get(field) not in allowed:
            raise LtiServiceException(f"{field} must be one of {', '.join(allowed)}", 400)
    try:
        timestamp = datetime.fromisoformat(str(data.get("timestamp")))
    except ValueError:
        raise LtiServiceException("timestamp must be an ISO 8601 date-time", 400) from None
    if timestamp.tzinfo is None:
        raise LtiServiceException("timestamp must include a time zone offset", 400)
    score = {key: data[key] for key in ("userId", "activityProgress", "gradingProgress")}
    score["timestamp"] = timestamp.astimezone(UTC).isoformat()
    if "scoreGiven" in data:
        given = data["scoreGiven"]
        if isinstance(given, bool) or not isinstance(given, int | float) or given < 0:
            raise LtiServiceException("scoreGiven must be a number ≥ 0", 400)
        score["scoreGiven"] = float(given)
        score["scoreMaximum"] = _positive_number(data.get("scoreMaximum"), "scoreMaximum")
    if "comment" in data:
        score["comment"] = str(data["comment"])[:4000]
    return score


def _when(score: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(score["timestamp"])


class DemoAgs(AssignmentsGradesService):  # type: ignore[misc]
    def __init__(self, lms: DemoLms, line_item_id: str | None = None) -> None:
        settings = lms.settings
        super().__init__(
            current_platform_request(),
            lms.conf(),
            settings.lineitems_url,
            settings.lineitem_url(line_item_id) if line_item_id else None,
        )
        self.lms = lms

    def _item(self, state: dict[str, Any], line_item_id: str) -> dict[str, Any]:
        fields = state["line_items"].get(line_item_id)
        if fields is None:
            raise LineItemNotFoundException(line_item_id)
        return {"id": self.lms.settings.lineitem_url(line_item_id), **fields}

    def find_lineitems(  # type: ignore[override]
        self,
        page: int = 1,
        limit: int | None = None,
        line_item_id: str | None = None,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
        **_ignored: Any,
    ) -> TPage:
        state = self.lms.store.read()
        wanted = {"resourceLinkId": resource_link_id, "resourceId": resource_id, "tag": tag}
        items = [
            self._item(state, key)
            for key in sorted(state["line_items"], key=int)
            if all(v is None or state["line_items"][key].get(k) == v for k, v in wanted.items())
        ]
        return _page(items, page, limit)

    def find_lineitem(self, line_item_id: str) -> TLineItem:
        item: TLineItem = self._item(self.lms.store.read(), line_item_id)  # type: ignore[assignment]
        return item

    def create_lineitem(self, creation_data: TLineItem) -> TLineItem:
        with self.lms.store.change() as state:
            item: TLineItem = create_line_item(self.lms, state, creation_data)  # type: ignore[assignment]
        return item

    def update_lineitem(self, update_data: TLineItem) -> TLineItem:
        line_item_id = str(update_data["id"])
        fields = validated_line_item(update_data)
        with self.lms.store.change() as state:
            self._item(state, line_item_id)
            state["line_items"][line_item_id] = fields
            item: TLineItem = self._item(state, line_item_id)  # type: ignore[assignment]
        return item

    def delete_lineitem(self, line_item_id: str) -> None:
        with self.lms.store.change() as state:
            self._item(state, line_item_id)
            del state["line_items"][line_item_id]
            state["scores"].pop(line_item_id, None)

    def update_score(self, line_item_id: str, score: TScore) -> UpdateScoreStatus:
        received = _score(score, {user.sub for user in self.lms.settings.users})
        with self.lms.store.change() as state:
            self._item(state, line_item_id)
            scores = state["scores"].setdefault(line_item_id, {})
            previous = scores.get(received["userId"])
            if previous and _when(previous) > _when(received):
                return UpdateScoreStatus.OLD_TIMESTAMP
            scores[received["userId"]] = received
        return UpdateScoreStatus.SUCCESS if previous else UpdateScoreStatus.CREATED

    def get_results(  # type: ignore[override]
        self,
        line_item_id: str,
        page: int = 1,
        limit: int | None = None,
        user_id: str | None = None,
        **_ignored: Any,
    ) -> TPage:
        state = self.lms.store.read()
        item = self._item(state, line_item_id)
        results = [
            {
                "id": f"{item['id']}/results/{user}",
                "scoreOf": item["id"],
                "userId": user,
                "resultScore": s.get("scoreGiven"),
                "resultMaximum": s.get("scoreMaximum"),
                "comment": s.get("comment"),
            }
            for user, s in sorted(state["scores"].get(line_item_id, {}).items())
            if user_id is None or user == user_id
        ]
        return _page(results, page, limit)


class DemoNrps(NamesRoleProvisioningService):  # type: ignore[misc]
    def __init__(self, lms: DemoLms) -> None:
        super().__init__(current_platform_request(), lms.conf(), lms.settings.memberships_url)
        self.lms = lms

    def get_member_data_page(  # type: ignore[override]
        self,
        page: int = 1,
        limit: int | None = None,
        role: str | None = None,
        since: str | None = None,
        **_ignored: Any,
    ) -> TPage:
        members = [
            _member(u)
            for u in self.lms.settings.users
            if role is None or any(r == role or r.endswith("#" + role) for r in u.roles)
        ]
        return _page(members, page, limit)

    def get_context_by_id(self) -> Context:
        course = self.lms.settings.course
        return Context(id=course.context_id, label=course.label, title=course.title)

    def is_resource_link_valid(self, context_id: str, resource_link_id: str) -> bool:
        links = course_links(self.lms, self.lms.store.read())
        return any(link["id"] == resource_link_id for link in links)


def _member(user: DemoUser) -> dict[str, Any]:
    """An NRPS member; a person whose name the platform withholds has no name fields at all."""
    member: dict[str, Any] = {"user_id": user.sub, "roles": list(user.roles), "status": "Active"}
    for key, value in (
        ("name", user.name),
        ("given_name", user.given_name),
        ("family_name", user.family_name),
        ("email", user.email),
    ):
        if value:
            member[key] = value
    return member
