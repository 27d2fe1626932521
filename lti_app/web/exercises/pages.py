"""What the round page shows one viewer: the service's ``PageView`` plus the forms for it.

Nothing is decided twice: what the viewer may post is the service's ``may_post`` (the domain's
``postable``); which posts they see and with which text is ``visibility`` (in the service); who
may hide is ``moderation``'s rule, mirrored only to choose which buttons to offer (the service
decides again on every post). Learner text stays raw here and is rendered only in the
templates, through the ``learner_markdown`` filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import url_for

from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.roles import MODERATOR_ROLE_IDS
from lti_app.domain.exercises.settings import CaseAccess, Mode
from lti_app.domain.exercises.validation import LIMITS, CaseStatus
from lti_app.domain.methods import CASE_BRINGER, Contribution
from lti_app.i18n import gettext, lazy_gettext
from lti_app.i18n.formatting import format_instant
from lti_app.services.exercises import PageView, PostView
from lti_app.web.exercises import forms

MODE_LABELS = {
    Mode.ASYNC: lazy_gettext("Asynchronous"),
    Mode.LIVE: lazy_gettext("Live"),
    Mode.HYBRID: lazy_gettext("Hybrid"),
}
POST_LABELS = {
    PostType.CASE: lazy_gettext("Case"),
    PostType.KEY_QUESTION: lazy_gettext("Key question"),
    PostType.QUESTION: lazy_gettext("Question"),
    PostType.HYPOTHESIS: lazy_gettext("Hypothesis"),
    PostType.ADVICE: lazy_gettext("Advice"),
    PostType.ACTION_PLAN: lazy_gettext("Action plan"),
    PostType.TAKEAWAY: lazy_gettext("What I take away"),
    PostType.ANSWER: lazy_gettext("Answer"),
    PostType.MARK: lazy_gettext("Mark"),
    PostType.RATING: lazy_gettext("Rating"),
}
FORM_HEADINGS = {
    PostType.KEY_QUESTION: lazy_gettext("Your key question"),
    PostType.QUESTION: lazy_gettext("Ask a question"),
    PostType.HYPOTHESIS: lazy_gettext("Offer a hypothesis"),
    PostType.ADVICE: lazy_gettext("Give advice"),
    PostType.ACTION_PLAN: lazy_gettext("Your summary and action plan"),
    PostType.TAKEAWAY: lazy_gettext("What you take away for your own practice"),
}
OBSERVED_LABELS = {
    PostType.CASE: lazy_gettext("the case"),
    PostType.KEY_QUESTION: lazy_gettext("the key question"),
    PostType.QUESTION: lazy_gettext("questions"),
    PostType.HYPOTHESIS: lazy_gettext("hypotheses"),
    PostType.ADVICE: lazy_gettext("advice"),
    PostType.ACTION_PLAN: lazy_gettext("the action plan"),
    PostType.TAKEAWAY: lazy_gettext("what you take away"),
    PostType.MARK: lazy_gettext("warm / neutral / cold marks"),
    PostType.ANSWER: lazy_gettext("answers to questions"),
    PostType.RATING: lazy_gettext("helpfulness ratings"),
}
"""What the process observer posts in a phase, in a list (the domain's ``LABELS``, worded for
the reader)."""
MARK_LABELS = {
    "warm": lazy_gettext("warm"),
    "neutral": lazy_gettext("neutral"),
    "cold": lazy_gettext("cold"),
}
"""A question's mark inside the sentence that shows it."""
ACTION_LABELS = {
    "mark": lazy_gettext("Mark"),
    "answer": lazy_gettext("Answer"),
    "rate": lazy_gettext("Rate"),
    "flag": lazy_gettext("Flag"),
    "hide": lazy_gettext("Hide"),
    "restore": lazy_gettext("Restore"),
}
TEXT_KINDS = tuple(FORM_HEADINGS)
REACTIONS = frozenset({PostType.MARK, PostType.RATING, PostType.ANSWER})


@dataclass
class Action:
    """One small form on one post. Its fields are written by ``_post.html`` under ``prefix``
    (the names the view's form reads back); ``form`` is the page's one prototype of that kind,
    for labels, choices and limits: a Flask-WTF form per post was half of a 200-post page."""

    name: str
    label: str
    url: str
    prefix: str
    form: Any
    client_token: str | None = None


@dataclass
class Shown:
    """One post on the page, with its answers, reactions and the buttons the viewer gets."""

    post: PostView
    label: str
    phase_name: str
    mark: str | None = None
    mark_label: str | None = None
    rating: dict[str, Any] | None = None
    answers: list[PostView] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


@dataclass
class TextForm:
    kind: str
    heading: str
    form: Any
    limit: int
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Given:
    """A form posted back with its problems (a refusal re-renders the page with it)."""

    kind: PostType | None
    """None: the roles form of a group that has not begun, or a follow-up (``plan_id``)."""
    form: Any
    problems: tuple[str, ...]
    plan_id: int | None = None
    """The follow-up answer form of this action plan."""


@dataclass
class RoundPage:
    view: PageView
    title: str
    is_instructor: bool
    live: bool
    phase_key: str
    prompts: tuple[str, ...]
    listening: bool
    time_left: str
    deadline_label: str | None
    role_name: str | None
    can_withdraw: bool
    consent_choice: bool | None
    key_question_later: bool
    may_moderate: bool
    observing: bool = False
    """The viewer is the process observer: the page says what is left to them."""
    observer_posts: list[tuple[str, str]] = field(default_factory=list)
    """(phase name, what the observer posts there), from ``PageView.observer_posts``."""
    general_problems: list[str] = field(default_factory=list)
    """Refusals of a form the page does not offer now (the phase moved on, a crafted post)."""
    case_form: Any = None
    case_problems: list[str] = field(default_factory=list)
    text_forms: list[TextForm] = field(default_factory=list)
    case_post: Shown | None = None
    posts: list[Shown] = field(default_factory=list)

    @property
    def ends_at_iso(self) -> str:
        at = aware(self.view.ends_at)
        return "" if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


def phase_key(phase_index: int | None, closed: bool, withdrawn: bool) -> str:
    """What live pages compare with phase.json: the phase, or closed / not open / withdrawn."""
    if withdrawn:
        return "withdrawn"
    if closed:
        return "closed"
    if phase_index is None:
        return "not-open"
    return f"phase-{phase_index}"


def time_left_text(left: timedelta | None) -> str:
    if left is None:
        return ""
    seconds = int(left.total_seconds())
    if seconds <= 0:
        return gettext("time is up")
    if seconds >= 2 * 86400:
        return gettext("%(days)s days left", days=seconds // 86400)
    minutes, rest = divmod(seconds, 60)
    if minutes >= 120:
        return gettext(
            "%(hours)s h %(minutes)s min left",
            hours=minutes // 60,
            minutes=str(minutes % 60).zfill(2),
        )
    return gettext(
        "%(minutes)s min %(seconds)s s left", minutes=minutes, seconds=str(rest).zfill(2)
    )


def aware(instant: datetime | None) -> datetime | None:
    if instant is None:
        return None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def wall(instant: datetime | None) -> str | None:
    at = aware(instant)
    if at is None:
        return None
    return format_instant(at, "weekday_datetime", tz="UTC") + " UTC"


def build_round_page(
    view: PageView,
    *,
    title: str,
    is_instructor: bool,
    case_access: CaseAccess,
    given: Given | None = None,
) -> RoundPage:
    phase = view.phase
    role = view.my_role
    posting = view.posting_role or role  # the process observer speaks as the observer
    speaks = phase is not None and posting is not None and phase.speaks(posting)
    role_names = {m.user_id: m.role_name for m in view.members}
    role_name = next((m.role_name for m in view.members if m.role == role and role), None)
    del role_names
    may_moderate = is_instructor or (role is not None and role in MODERATOR_ROLE_IDS)
    page = RoundPage(
        view=view,
        title=title or view.method_name,
        is_instructor=is_instructor,
        live=view.mode is not Mode.ASYNC,
        phase_key=phase_key(view.phase_index, view.closed, view.case_withdrawn),
        prompts=phase.prompts if phase is not None and speaks else (),
        listening=phase is not None and view.member and not speaks,
        time_left=time_left_text(view.time_left),
        deadline_label=wall(view.ends_at) if view.mode is not Mode.LIVE else None,
        role_name=role_name,
        can_withdraw=role == CASE_BRINGER and view.case_status is CaseStatus.SUBMITTED,
        consent_choice=(
            view.consent
            if role == CASE_BRINGER
            and case_access is CaseAccess.WITH_CONSENT
            and view.case_status is CaseStatus.SUBMITTED
            else None
        ),
        key_question_later=any(p.contribution is Contribution.KEY_QUESTION for p in view.phases),
        may_moderate=may_moderate,
        observing=posting is not None and posting != role,
        observer_posts=[
            (name, ", ".join(str(OBSERVED_LABELS[k]) for k in kinds))
            for name, kinds in view.observer_posts
        ],
    )
    index = "" if view.phase_index is None else str(view.phase_index)
    if PostType.CASE in view.may_post:
        mine = given is not None and given.kind is PostType.CASE
        case_form = given.form if mine and given is not None else None
        if case_form is None:
            case_form = forms.CaseForm(prefix="case", formdata=None)
            case_form.client_token.data = forms.new_token()
        case_form.phase_index.data = index
        page.case_form = case_form
        page.case_problems = list(given.problems) if mine and given is not None else []
    for kind in TEXT_KINDS:
        if kind not in view.may_post:
            continue
        mine = given is not None and given.kind is kind
        form = given.form if mine and given is not None else None
        if form is None:
            form = forms.TextPostForm(prefix=kind.value, formdata=None)
            form.client_token.data = forms.new_token()
        form.kind.data = kind.value
        form.phase_index.data = index
        form.text.label.text = str(FORM_HEADINGS[kind])
        page.text_forms.append(
            TextForm(
                kind.value,
                str(FORM_HEADINGS[kind]),
                form,
                LIMITS[kind],
                list(given.problems) if mine and given is not None else [],
            )
        )
    offered = {PostType(item.kind) for item in page.text_forms}
    if page.case_form is not None:
        offered.add(PostType.CASE)
    if given is not None and given.kind is not None and given.kind not in offered:
        page.general_problems = list(given.problems)
    _posts(page, view)
    return page


def _phase_name(view: PageView, index: int) -> str:
    return view.phases[index].name if 0 <= index < len(view.phases) else ""


def _posts(page: RoundPage, view: PageView) -> None:
    answers: dict[int, list[PostView]] = {}
    marks: dict[int, str] = {}
    ratings: dict[int, dict[str, Any]] = {}
    for post in view.posts:
        if post.target_id is None:
            continue
        if post.kind is PostType.ANSWER:
            answers.setdefault(post.target_id, []).append(post)
        elif post.kind is PostType.MARK and post.mark is not None:
            marks[post.target_id] = post.mark.value
        elif post.kind is PostType.RATING and post.score is not None:
            ratings[post.target_id] = {
                "score": post.score,
                "tags": [str(forms.TAG_LABELS.get(t, t)) for t in post.tags],
            }
    prototypes: dict[str, Any] = {}
    for post in view.posts:
        if post.kind in REACTIONS:
            continue
        shown = Shown(
            post,
            str(POST_LABELS[post.kind]),
            _phase_name(view, post.phase_index),
            mark=marks.get(post.id),
            mark_label=str(MARK_LABELS.get(marks[post.id], marks[post.id]))
            if post.id in marks
            else None,
            rating=ratings.get(post.id),
            answers=answers.get(post.id, []),
        )
        if not post.tombstone:
            shown.actions = _actions(view, post, page.may_moderate, prototypes)
        if post.kind is PostType.CASE:
            page.case_post = shown
        else:
            page.posts.append(shown)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "mark": forms.MarkForm,
    "answer": forms.AnswerForm,
    "rate": forms.RatingForm,
    "flag": forms.FlagForm,
    "hide": forms.ModerateForm,
    "restore": forms.ModerateForm,
}


def _actions(
    view: PageView, post: PostView, may_moderate: bool, prototypes: dict[str, Any]
) -> list[Action]:
    actions: list[Action] = []
    group_id, post_id, kinds = view.group_id, post.id, view.may_post
    hidden = post.marked_hidden

    def add(name: str, *, posting: bool = False) -> None:
        if name not in prototypes:
            prototypes[name] = ACTION_FORMS[name](prefix=name, formdata=None)
        url = url_for(f"exercises.{name}", group_id=group_id, post_id=post_id)
        token = forms.new_token() if posting else None
        actions.append(
            Action(
                name, str(ACTION_LABELS[name]), url, f"{name}-{post_id}", prototypes[name], token
            )
        )

    if not hidden and post.kind is PostType.QUESTION and PostType.MARK in kinds:
        add("mark", posting=True)
    if not hidden and post.kind is PostType.QUESTION and PostType.ANSWER in kinds:
        add("answer", posting=True)
    if (
        not hidden
        and post.kind in (PostType.HYPOTHESIS, PostType.ADVICE)
        and (PostType.RATING in kinds)
    ):
        add("rate", posting=True)
    if view.member and not hidden and not post.own:
        add("flag")
    if may_moderate and post.kind is not PostType.CASE:
        add("restore" if hidden else "hide")
    return actions


def member_names(view: PageView) -> Sequence[tuple[str, str | None]]:
    return [(m.name, m.role_name) for m in view.members]
