"""People in a peer-feedback exercise, each with their own browser (test client) and launch, and
what their pages show, read by parsing the HTML (never by matching markup with a regex).

* :func:`member` launches someone into the exercise (kind ``peer-feedback``, the harness's one
  resource link, so one course has one exercise) in their own test client.
* :class:`Member` GETs and POSTs exercise pages under its launch, with this browser's CSRF
  token, and follows redirects.
* :class:`Page` parses a page: elements by id and data attributes, every form's hidden fields
  (``client_token`` and the like) and every ``<script>`` and ``on*`` attribute, so an XSS test
  can say that no learner text became markup.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import update
from werkzeug.test import TestResponse

from lti_app.storage import db
from lti_app.storage.exercise_models import ExerciseGroup
from tests.support.launches import FORM_HEADERS, TOOL, LaunchAs, Launched
from tests.support.sites import catalogue_data

EXERCISE_LAUNCH = {"kind": "peer-feedback", "intervision_ref": "troika-round"}
SELF_CLOSING = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.scripts: list[dict[str, str]] = []
        self.event_attributes: list[tuple[str, str]] = []
        self.forms: list[dict[str, Any]] = []
        self._open: list[Element] = []
        self._form: dict[str, Any] | None = None
        self.text_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.lower().startswith("on"):
                self.event_attributes.append((tag, name))
            if name.lower() in ("href", "src", "action") and value.strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.event_attributes.append((tag, f"{name}={value}"))
        element = Element(tag, values)
        self.elements.append(element)
        if tag == "script":
            self.scripts.append(values)
        if tag == "form":
            self._form = {"action": values.get("action", ""), "fields": {}, "attrs": values}
            self.forms.append(self._form)
        if tag in ("input", "textarea", "select") and self._form is not None:
            name = values.get("name")
            if name and (tag != "input" or values.get("type") != "checkbox"):
                self._form["fields"].setdefault(name, values.get("value", ""))
        if tag not in SELF_CLOSING:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        for element in self._open:
            element.text += data


@dataclass
class Page:
    html: str
    parser: _Parser = field(init=False)

    def __post_init__(self) -> None:
        self.parser = _Parser()
        self.parser.feed(self.html)
        self.parser.close()

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parser.text_parts).split())

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.parser.elements if e.attrs.get("id") == element_id), None)

    def with_attr(self, name: str, value: str | None = None) -> list[Element]:
        return [
            e
            for e in self.parser.elements
            if name in e.attrs and (value is None or e.attrs[name] == value)
        ]

    def posts(self, kind: str | None = None) -> list[Element]:
        """The contributions shown (``data-post``), optionally of one type."""
        return [
            e
            for e in self.with_attr("data-post")
            if kind is None or e.attrs.get("data-kind") == kind
        ]

    def form(self, action_end: str) -> dict[str, Any]:
        """The form whose action ends with ``action_end``; its fields' rendered values."""
        found = [f for f in self.parser.forms if f["action"].endswith(action_end)]
        assert found, (
            f"no form posting to …{action_end}: {[f['action'] for f in self.parser.forms]}"
        )
        return dict(found[0]["fields"])

    def has_form(self, action_end: str) -> bool:
        return any(f["action"].endswith(action_end) for f in self.parser.forms)

    def actions(self) -> list[str]:
        return [f["action"] for f in self.parser.forms]

    @property
    def scripts(self) -> list[dict[str, str]]:
        return self.parser.scripts

    @property
    def event_attributes(self) -> list[tuple[str, str]]:
        return self.parser.event_attributes

    def assert_no_injected_markup(self) -> None:
        """Only the tool's own scripts (a ``src`` under /exercises/static or /static, with the
        nonce) and no ``on*`` attribute or script URL anywhere."""
        for script in self.scripts:
            assert "src" in script and "/static/" in script["src"], script
            assert script.get("nonce"), script
        assert self.event_attributes == [], self.event_attributes


@dataclass
class Member:
    """Someone in their own browser, launched into the course's exercise."""

    app: Flask
    client: FlaskClient
    launched: Launched
    _token: str | None = None

    @property
    def user_id(self) -> int:
        return self.launched.launch.user.id

    def url(self, path: str) -> str:
        return self.launched.url("/exercises" + path)

    def get(self, path: str = "/") -> TestResponse:
        return self.client.get(self.url(path))

    def page(self, path: str = "/") -> Page:
        response = self.get(path)
        assert response.status_code == 200, (response.status_code, response.get_data(True)[:3000])
        return Page(response.get_data(as_text=True))

    def open(self, path: str = "/") -> Page:
        """GET ``path`` and follow redirects to the page it lands on."""
        response = self.get(path)
        for _ in range(5):
            if response.status_code not in (302, 303):
                break
            response = self._follow_once(response)
        assert response.status_code == 200, (response.status_code, response.get_data(True)[:3000])
        return Page(response.get_data(as_text=True))

    @property
    def token(self) -> str:
        """This browser's CSRF token, minted as Flask-WTF mints it."""
        if self._token is None:
            with self.app.test_request_context(TOOL + "/"):
                token = generate_csrf()
                raw = session["csrf_token"]
            with self.client.session_transaction(TOOL + "/") as held:
                held["csrf_token"] = raw
            self._token = str(token)
        return self._token

    def post(self, path: str, data: dict[str, Any]) -> TestResponse:
        body = {"csrf_token": self.token, **data}
        return self.client.post(self.url(path), data=body, headers=FORM_HEADERS)

    def post_form(self, path: str, prefix: str, values: dict[str, Any]) -> TestResponse:
        """POST a form with ``prefix`` the page did not offer (as a crafted request would):
        this browser's CSRF token and a fresh client token under the prefix."""
        body = {
            f"{prefix}-csrf_token": self.token,
            f"{prefix}-client_token": uuid.uuid4().hex,
            **{f"{prefix}-{name}": value for name, value in values.items()},
        }
        return self.client.post(self.url(path), data=body, headers=FORM_HEADERS)

    def submit(self, page: Page, action_end: str, values: dict[str, Any]) -> TestResponse:
        """Send the form of ``page`` that posts to ``…action_end`` as a browser would: its
        rendered fields (CSRF and client tokens, hidden values) with ``values`` typed in."""
        found = [f for f in page.parser.forms if f["action"].endswith(action_end)]
        assert found, f"no form posting to …{action_end}: {page.actions()}"
        body = {**found[0]["fields"], **values}
        action = found[0]["action"]
        url = action if action.startswith("http") else TOOL + action
        return self.client.post(url, data=body, headers=FORM_HEADERS)

    def _follow_once(self, response: TestResponse) -> TestResponse:
        location = response.headers["Location"]
        return self.client.get(location if location.startswith("http") else TOOL + location)

    def follow(self, response: TestResponse) -> Page:
        assert response.status_code == 303, (
            response.status_code,
            response.get_data(as_text=True)[:3000],
        )
        page = self._follow_once(response)
        for _ in range(5):
            if page.status_code not in (302, 303):
                break
            page = self._follow_once(page)
        assert page.status_code == 200, page.get_data(as_text=True)[:3000]
        return Page(page.get_data(as_text=True))


def member(app: Flask, launch_as: LaunchAs, role: str, user_id: str, **options: Any) -> Member:
    """``role`` ("learner" / "instructor") launched from the exercise link in their own client."""
    client = app.test_client()
    custom = {**EXERCISE_LAUNCH, **options.pop("custom", {})}
    return Member(
        app, client, launch_as(role, client=client, user_id=user_id, custom=custom, **options)
    )


# --- the course: a catalogue with real methods, and time moved by rewriting deadlines ----------

CONTENT_METHODS = Path(__file__).resolve().parents[2] / "content" / "methods"


def method_entry(slug: str) -> dict[str, Any]:
    """A method of ``content/methods`` as catalogue.json carries it (the builder's fields)."""
    data = yaml.safe_load((CONTENT_METHODS / f"{slug}.yml").read_text(encoding="utf-8"))
    phases = [
        {
            "id": p["id"],
            "name": p["name"],
            "minutes": p["minutes"],
            "goal": " ".join(str(p["goal"]).split()),
            "speakers": list(p["speakers"]),
            "case_bringer_silent": bool(p["case_bringer_silent"]),
            "contribution": p["contribution"],
            "prompts": list(p.get("prompts") or []),
        }
        for p in data["phases"]
    ]
    return {
        "slug": slug,
        "name": data["name"],
        "also_known_as": list(data.get("also_known_as") or []),
        "summary": " ".join(str(data["summary"]).split()),
        "group_size": data["group_size"],
        "evidence": " ".join(str(data["evidence"]).split()),
        "roles": [
            {
                "id": r["id"],
                "name": r["name"],
                "description": " ".join(str(r["description"]).split()),
            }
            for r in data["roles"]
        ],
        "phases": phases,
        "sources": [{"title": s["title"], "url": s.get("url")} for s in data.get("sources") or []],
        "total_minutes": sum(p["minutes"] for p in phases),
        "url": f"methods/{slug}/",
    }


def exercise_catalogue(*slugs: str) -> dict[str, Any]:
    """The test course's catalogue with these shipped methods added (Troika's stub replaced)."""
    data = catalogue_data()
    wanted = [method_entry(slug) for slug in slugs]
    data["methods"] = [m for m in data["methods"] if m["slug"] not in slugs] + wanted
    return data


def at_phase(app: Flask, group_id: int, index: int, *, closed: bool = False) -> None:
    """Move an asynchronous group's clock: rewrite its deadlines so that phase ``index`` is open
    now (``closed``: every deadline passed), as the passing days would."""
    now = datetime.now(UTC)
    with app.app_context(), db.transaction() as session:
        row = session.get(ExerciseGroup, group_id)
        assert row is not None
        count = len(row.deadlines)
        if closed:
            index = count
        opens = now - timedelta(hours=index + 1)
        deadlines = [
            now - timedelta(hours=index - i) if i < index else now + timedelta(hours=i - index + 1)
            for i in range(count)
        ]
        session.execute(
            update(ExerciseGroup)
            .where(ExerciseGroup.id == group_id)
            .values(
                opens_at=opens,
                deadlines=[d.isoformat() for d in deadlines],
                revision=ExerciseGroup.revision + 1,
            )
        )


# --- a group of four, through the pages ---------------------------------------------------------

SETTINGS = {
    "settings-method_slug": "ten-step-method",
    "method_slug": "ten-step-method",
    "mode": "async",
    "group_source": "self_formed",
    "size_min": "4",
    "size_max": "4",
    "anonymity": "named",
    "case_access": "never",
    "retention_days": "30",
}
CASE = {
    "case-situation": "My team lead *ignores* my proposals in meetings.",
    "case-own_role": "I stay silent afterwards.",
    "case-key_question": "How do I get heard?",
}
CHECKLIST = ["no-names", "no-identifying-details", "no-third-party-secrets", "own-part"]


def configure(instructor: Member, **overrides: str) -> Page:
    page = instructor.open("/settings")
    response = instructor.submit(page, "/exercises/settings", {**SETTINGS, **overrides})
    return instructor.follow(response)


def accept_rules(person: Member) -> Page:
    page = person.open("/")
    assert page.by_id("ground-rules") is not None
    return person.follow(person.submit(page, "/ground-rules", {"accept": "y"}))


def group_of_four(
    app: Flask, launch_as: LaunchAs, **settings: str
) -> tuple[Member, list[Member], int]:
    """An instructor who set the exercise up (``settings`` over :data:`SETTINGS`), and four
    learners who accepted the ground rules and formed one group: the first brings the case,
    the second chairs; the group's id."""
    instructor = member(app, launch_as, "instructor", "teacher")
    configure(instructor, **settings)
    people = [member(app, launch_as, "learner", f"learner-{n}") for n in range(4)]
    for person in people:
        accept_rules(person)
    return instructor, people, form_group(people)


def form_group(people: list[Member]) -> int:
    """The first of ``people`` (who accepted the ground rules) opens a group, the others join,
    the first brings the case and the second chairs; the group's id."""
    first = people[0].open("/")
    landed = people[0].follow(people[0].submit(first, "/groups/join", {"group_id": ""}))
    region = landed.by_id("exercise-round")
    assert region is not None, landed.text[:2000]
    group_id = int(region.attrs["data-group"])
    for person in people[1:]:
        page = person.open("/")
        person.follow(person.submit(page, "/groups/join", {"group_id": str(group_id)}))
    page = people[0].page(f"/groups/{group_id}/")
    people[0].follow(
        people[0].submit(
            page,
            f"/groups/{group_id}/roles",
            {"case_bringer": str(people[0].user_id), "moderator": str(people[1].user_id)},
        )
    )
    return group_id


def _group_id(person: Member) -> int:
    response = person.get("/")
    location = response.headers["Location"]
    found = re.search(r"/groups/(\d+)/", location)
    assert found, location
    return int(found.group(1))


def posted(person: Member, group_id: int, kind: str, text: str) -> Page:
    page = person.page(f"/groups/{group_id}/")
    response = person.submit(page, f"/groups/{group_id}/posts/{kind}", {f"{kind}-text": text})
    return person.follow(response)
